/** The connection: state machine, AUTH, backoff, close codes, tokens, heartbeat, network events. */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { SantaChatClient, type SantaChatClientOptions } from './client.js';
import { conversation, fakeNetwork, flush, message, NOW, openAndReady, ready, tokenFor } from './client.test-support.js';
import type { ClientEventMap } from './types.js';

function setup(options: Partial<SantaChatClientOptions> = {}) {
  const network = fakeNetwork();
  let now = NOW;
  const client = new SantaChatClient({
    server: 'https://relay.example',
    token: tokenFor('alice'),
    WebSocket: network.WebSocket,
    storage: 'memory',
    now: () => now,
    random: () => 0.5,
    ...options,
  });
  const states: ClientEventMap['state'][] = [];
  client.on('state', (detail) => states.push(detail));
  return {
    client,
    network,
    states,
    /** Moves timers by `ms` and the clock by `clockMs` (the same unless a test makes them differ). */
    advance(ms: number, clockMs = ms) {
      now += clockMs;
      mock.timers.tick(ms);
    },
  };
}

describe('SantaChatClient connection', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout', 'setInterval'] }));
  afterEach(() => mock.timers.reset());

  it('goes disconnected -> connecting -> connected -> connecting on close -> connected', async () => {
    const { client, network, states, advance } = setup();
    assert.equal(client.state, 'disconnected');
    await client.connect();
    assert.equal(client.state, 'connecting');
    await openAndReady(network, [conversation('c1')]);
    assert.equal(client.state, 'connected');

    network.socket.drop(1006);
    assert.equal(client.state, 'connecting');
    assert.equal(client.lastDisconnectReason, 'transport');
    // Full jitter with random 0.5: 0.5 * 500 ms for the first retry.
    advance(249);
    assert.equal(network.sockets.length, 1);
    advance(1);
    await flush();
    assert.equal(network.sockets.length, 2);
    await openAndReady(network, [conversation('c1')]);
    assert.equal(client.state, 'connected');

    assert.deepEqual(
      states.map(({ state, previous, reason }) => [previous, state, reason]),
      [
        ['disconnected', 'connecting', undefined],
        ['connecting', 'connected', undefined],
        ['connected', 'connecting', 'transport'],
        ['connecting', 'connected', undefined],
      ],
    );
    client.disconnect();
  });

  it('derives the socket URL from the server origin (https -> wss, + /ws)', async () => {
    const { client, network } = setup({ server: 'https://relay.example/chat/' });
    await client.connect();
    assert.equal(network.socket.url, 'wss://relay.example/chat/ws');
    client.disconnect();
    const plain = setup({ server: 'http://127.0.0.1:8787' });
    await plain.client.connect();
    assert.equal(plain.network.socket.url, 'ws://127.0.0.1:8787/ws');
    plain.client.disconnect();
  });

  it('connect() is idempotent', async () => {
    const { client, network } = setup();
    await Promise.all([client.connect(), client.connect()]);
    await client.connect();
    assert.equal(network.sockets.length, 1);
    client.disconnect();
  });

  it('sends AUTH as the first frame on every open', async () => {
    const token = tokenFor('alice');
    const { client, network, advance } = setup({ token });
    await client.connect();
    await openAndReady(network, [conversation('c1')]);
    network.socket.drop(1001);
    advance(20_000);
    await flush();
    await openAndReady(network, [conversation('c1')]);
    assert.equal(network.sockets.length, 2);
    for (const socket of network.sockets) assert.deepEqual(socket.sent[0], { type: 'AUTH', token });
    client.disconnect();
  });

  it('backs off with growing, jittered delays while the relay stays away, and resets after READY', async () => {
    const { client, network, advance } = setup();
    await client.connect();
    const delays: number[] = [];
    for (let attempt = 0; attempt < 4; attempt++) {
      network.socket.drop(1006);
      const before = network.sockets.length;
      let waited = 0;
      while (network.sockets.length === before) {
        advance(50);
        await flush();
        waited += 50;
      }
      delays.push(waited);
    }
    assert.deepEqual(delays, [250, 500, 1000, 2000]);
    await openAndReady(network, []);
    network.socket.drop(1006);
    advance(250);
    await flush();
    assert.equal(network.sockets.length, 6);
    client.disconnect();
  });

  it('ignores every event of a socket it has replaced', async () => {
    const { client, network, advance, states } = setup();
    await client.connect();
    const first = await openAndReady(network, [conversation('c1')]);
    first.drop(1006);
    advance(250);
    await flush();
    const second = network.socket;
    assert.notEqual(first, second);
    const stateCount = states.length;

    first.deliver(ready([conversation('c1'), conversation('c2')]));
    first.deliver({ type: 'NEW_MESSAGE', ...message('c1', 1, 'bob') });
    first.drop(4409);
    await flush();
    assert.equal(client.state, 'connecting');
    assert.equal(states.length, stateCount);
    assert.deepEqual(client.messages('c1'), []);
    assert.equal(second.sent.length, 0, 'nothing goes out on a socket before it opens');
    client.disconnect();
  });

  it('4401 with a tokenProvider: asks it for a new token and reconnects with it', async () => {
    const fresh = tokenFor('alice', 7200);
    const provider = mock.fn(async () => fresh);
    const { client, network, advance } = setup({ tokenProvider: provider });
    await client.connect();
    network.socket.open();
    await flush();
    network.socket.drop(4401);
    assert.equal(client.state, 'connecting');
    advance(250);
    await flush();
    assert.equal(provider.mock.callCount(), 1);
    await openAndReady(network, []);
    assert.deepEqual(network.socket.sent[0], { type: 'AUTH', token: fresh });
    assert.equal(client.state, 'connected');
    client.disconnect();
  });

  it('4401/4403 without a tokenProvider: stops as unauthorized until setToken', async () => {
    for (const code of [4401, 4403]) {
      const { client, network, advance } = setup();
      await client.connect();
      await openAndReady(network, []);
      network.socket.drop(code);
      assert.equal(client.state, 'disconnected');
      assert.equal(client.lastDisconnectReason, 'unauthorized');
      advance(60_000);
      await flush();
      assert.equal(network.sockets.length, 1, 'no reconnect');

      const renewed = tokenFor('alice', 7200);
      client.setToken(renewed);
      await openAndReady(network, []);
      assert.equal(network.sockets.length, 2);
      assert.deepEqual(network.socket.sent[0], { type: 'AUTH', token: renewed });
      assert.equal(client.state, 'connected');
      client.disconnect();
    }
  });

  it('4003 (a refused origin): says so once as an error naming the relay setting, warns in the console, and stops', async () => {
    const { client, network, advance } = setup();
    const errors: ClientEventMap['error'][] = [];
    client.on('error', (detail) => errors.push(detail));
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (text: string) => void warnings.push(text);
    try {
      await client.connect();
      network.socket.open();
      network.socket.drop(4003, 'ORIGIN_NOT_ALLOWED: add https://gifts.example to SANTA_CHAT_ALLOWED_ORIGINS');
      assert.equal(client.state, 'disconnected');
      assert.equal(client.lastDisconnectReason, 'origin-not-allowed');
      assert.deepEqual(errors, [{ code: 'ORIGIN_NOT_ALLOWED', message: 'add https://gifts.example to SANTA_CHAT_ALLOWED_ORIGINS' }]);
      assert.deepEqual(client.refusal, errors[0]);
      assert.match(warnings[0] ?? '', /SANTA_CHAT_ALLOWED_ORIGINS/);
      advance(120_000);
      await flush();
      assert.equal(network.sockets.length, 1, 'no retry can help, so none is made');
    } finally {
      console.warn = warn;
      client.disconnect();
    }
  });

  it('a token refused for a setup reason is reported with its code; the provider gets one more try, then it stops', async () => {
    let asked = 0;
    const { client, network, advance } = setup({ token: '', tokenProvider: async () => (asked += 1, tokenFor('alice')) });
    const errors: ClientEventMap['error'][] = [];
    client.on('error', (detail) => errors.push(detail));
    const warn = console.warn;
    console.warn = () => undefined;
    try {
      await client.connect();
      network.socket.open();
      await flush();
      network.socket.drop(4401, 'TOKEN_BAD_SIGNATURE: the token is not signed with this relay\'s SANTA_CHAT_JWT_SECRET.');
      assert.equal(client.state, 'connecting', 'a new token may be signed right');
      advance(60_000);
      for (let step = 0; step < 50 && network.sockets.length < 2; step += 1) await flush();
      assert.equal(network.sockets.length, 2);
      network.socket.open();
      await flush();
      network.socket.drop(4401, 'TOKEN_BAD_SIGNATURE: the token is not signed with this relay\'s SANTA_CHAT_JWT_SECRET.');
      assert.equal(client.state, 'disconnected');
      assert.equal(client.lastDisconnectReason, 'unauthorized');
      assert.deepEqual(errors.map((error) => error.code), ['TOKEN_BAD_SIGNATURE', 'TOKEN_BAD_SIGNATURE']);
      assert.ok(asked >= 2);
    } finally {
      console.warn = warn;
      client.disconnect();
    }
  });

  it('an expired token is simply renewed: no error', async () => {
    const { client, network } = setup({ tokenProvider: async () => tokenFor('alice') });
    const errors: ClientEventMap['error'][] = [];
    client.on('error', (detail) => errors.push(detail));
    await client.connect();
    await openAndReady(network, []);
    network.socket.drop(4403, 'TOKEN_EXPIRED: the token has expired; mint a new one.');
    assert.equal(client.state, 'connecting');
    assert.deepEqual(errors, []);
    client.disconnect();
  });

  it('without any token or provider it stops as unauthorized', async () => {
    const { client, network } = setup({ token: '' });
    await client.connect();
    assert.equal(client.state, 'disconnected');
    assert.equal(client.lastDisconnectReason, 'unauthorized');
    assert.equal(network.sockets.length, 0);
  });

  it('4409 (closed as the oldest socket): stops as replaced, connect() starts again', async () => {
    const { client, network, advance } = setup();
    await client.connect();
    await openAndReady(network, []);
    network.socket.drop(4409);
    assert.equal(client.state, 'disconnected');
    assert.equal(client.lastDisconnectReason, 'replaced');
    advance(60_000);
    await flush();
    assert.equal(network.sockets.length, 1);
    await client.connect();
    assert.equal(network.sockets.length, 2);
    client.disconnect();
  });

  it('gets a token from the provider before AUTH when none is set or it expires within a minute', async () => {
    const fresh = tokenFor('alice', 3600);
    const provider = mock.fn(async () => fresh);
    const { client, network } = setup({ token: tokenFor('alice', 30), tokenProvider: provider });
    await client.connect();
    await openAndReady(network, []);
    assert.equal(provider.mock.callCount(), 1);
    assert.deepEqual(network.socket.sent[0], { type: 'AUTH', token: fresh });
    client.disconnect();

    const noToken = setup({ token: undefined, tokenProvider: provider });
    await noToken.client.connect();
    assert.equal(noToken.client.userId, 'alice', 'the user is known (for the cache) before the socket opens');
    await openAndReady(noToken.network, []);
    assert.deepEqual(noToken.network.socket.sent[0], { type: 'AUTH', token: fresh });
    noToken.client.disconnect();
  });

  it('renews the token a minute before it expires and re-sends AUTH on the same socket', async () => {
    const renewed = tokenFor('alice', 3600, NOW + 540_000);
    const provider = mock.fn(async () => renewed);
    const { client, network, advance } = setup({ token: tokenFor('alice', 600), tokenProvider: provider });
    await client.connect();
    const socket = await openAndReady(network, [conversation('c1')]);
    const syncs = socket.framesOf('SYNC').length;
    advance(539_000);
    await flush();
    assert.equal(provider.mock.callCount(), 0);
    advance(1_000);
    await flush();
    assert.equal(provider.mock.callCount(), 1);
    assert.equal(network.sockets.length, 1, 'the socket stays');
    assert.deepEqual(socket.sent.at(-1), { type: 'AUTH', token: renewed });
    socket.deliver(ready([conversation('c1')]));
    await flush();
    assert.equal(socket.framesOf('SYNC').length, syncs, 'a renewal READY does not catch up again');
    assert.equal(client.state, 'connected');
    client.disconnect();
  });

  it('renews when its timer fires a little early by the clock (a busy event loop), not 10 s later', async () => {
    const provider = mock.fn(async () => tokenFor('alice', 3600, NOW + 540_000));
    const { client, network, advance } = setup({ token: tokenFor('alice', 600), tokenProvider: provider });
    await client.connect();
    await openAndReady(network, [conversation('c1')]);
    // The timer's 540 s are up while the clock, behind it by 50 ms, still shows 60.05 s left.
    advance(540_000, 539_950);
    await flush();
    assert.equal(provider.mock.callCount(), 1);
    client.disconnect();
  });

  it('setToken on a live socket re-sends AUTH without reconnecting', async () => {
    const { client, network } = setup();
    await client.connect();
    const socket = await openAndReady(network, []);
    const next = tokenFor('alice', 7200);
    client.setToken(next);
    assert.deepEqual(socket.sent.at(-1), { type: 'AUTH', token: next });
    assert.equal(network.sockets.length, 1);
    client.disconnect();
  });

  it('pings every 25 s and reconnects when nothing answers within 10 s', async () => {
    const { client, network, advance } = setup();
    await client.connect();
    const socket = await openAndReady(network, []);
    advance(25_000);
    assert.deepEqual(socket.sent.at(-1), { type: 'PING' });
    socket.deliver({ type: 'PONG' });
    advance(10_000);
    assert.equal(client.state, 'connected');
    advance(15_000);
    assert.equal(socket.framesOf('PING').length, 2);
    advance(10_000);
    assert.equal(client.state, 'connecting');
    assert.ok(socket.closedByClient !== null, 'the silent socket is closed');
    advance(250);
    await flush();
    assert.equal(network.sockets.length, 2);
    client.disconnect();
  });

  it('retries when READY does not come within 15 s of opening a socket', async () => {
    const { client, network, advance } = setup();
    await client.connect();
    network.socket.open();
    await flush();
    advance(15_000);
    assert.equal(client.state, 'connecting');
    advance(250);
    await flush();
    assert.equal(network.sockets.length, 2);
    client.disconnect();
  });

  it('follows the window offline/online events', async () => {
    const fakeWindow = new EventTarget();
    Object.assign(globalThis, { window: fakeWindow });
    try {
      const { client, network } = setup();
      await client.connect();
      await openAndReady(network, []);
      fakeWindow.dispatchEvent(new Event('offline'));
      assert.equal(client.state, 'disconnected');
      assert.equal(client.lastDisconnectReason, 'offline');
      fakeWindow.dispatchEvent(new Event('online'));
      await flush();
      assert.equal(client.state, 'connecting');
      assert.equal(network.sockets.length, 2, 'reconnects at once');
      await openAndReady(network, []);
      assert.equal(client.state, 'connected');
      client.disconnect();
      fakeWindow.dispatchEvent(new Event('online'));
      await flush();
      assert.equal(network.sockets.length, 2, 'after disconnect() the window is not listened to');
    } finally {
      Reflect.deleteProperty(globalThis, 'window');
    }
  });

  it('disconnect() stops with reason client and does not come back by itself', async () => {
    const { client, network, advance } = setup();
    await client.connect();
    const socket = await openAndReady(network, []);
    client.disconnect();
    assert.equal(client.state, 'disconnected');
    assert.equal(client.lastDisconnectReason, 'client');
    assert.equal(socket.closedByClient, 1000);
    advance(120_000);
    await flush();
    assert.equal(network.sockets.length, 1);
  });
});
