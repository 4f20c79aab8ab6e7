/**
 * Issue #7, abuse below the frame level: lengths that lie, floods of fragments, upgrade
 * requests with thousands of headers, and clients that never read. The relay refuses each
 * with the contract's close code (or the HTTP status), bounds what it buffers, and keeps
 * serving everybody else.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sleep } from '../helpers/client.js';
import { othersStillServed, withRelay } from '../helpers/ws-harness.js';
import { Opcode, RawSocket } from './raw-socket.js';
import { errorLogger, watchProcess } from './watch.js';

/** What `ws` buffers of one message before it closes 1008 (its `maxFragments`, left at the default). */
const MAX_FRAGMENTS = 16 * 1024;

/** An authenticated raw socket of `userId`. */
async function rawReady(baseUrl: string, token: string): Promise<RawSocket> {
  const raw = await RawSocket.upgrade(baseUrl);
  assert.ok(raw.upgraded, raw.statusLine);
  raw.sendFrame(Opcode.TEXT, Buffer.from(JSON.stringify({ type: 'AUTH', token })));
  const deadline = Date.now() + 5000;
  while (!raw.texts().some((frame) => frame.type === 'READY')) {
    assert.ok(Date.now() < deadline, 'no READY');
    await sleep(5);
  }
  return raw;
}

/** `text` cut into fragments of `size` bytes: a first TEXT frame, then continuations, the last one FIN. */
function sendFragmented(raw: RawSocket, text: string, size: number): void {
  const bytes = Buffer.from(text);
  for (let offset = 0; offset < bytes.length; offset += size) {
    const last = offset + size >= bytes.length;
    raw.sendFrame(offset === 0 ? Opcode.TEXT : Opcode.CONTINUATION, bytes.subarray(offset, offset + size), { fin: last });
  }
}

describe('WebSocket abuse', () => {
  test('a frame whose header announces more than the limit (up to 2^63) is closed 1009 before its payload arrives', async () => {
    const watch = watchProcess();
    try {
      await withRelay({}, async (harness) => {
        await harness.putGroup();
        for (const announced of [16n * 1024n + 1n, 1n << 32n, (1n << 53n) - 1n, (1n << 63n) - 1n]) {
          const raw = await rawReady(harness.relay.url, harness.relay.token('alice'));
          raw.sendFrame(Opcode.TEXT, Buffer.from('{"type":'), { announcedLength: announced });
          assert.equal(await raw.closeCode(), 1009, `announced ${announced} bytes`);
        }
        await othersStillServed(harness);
      });
      assert.deepEqual(watch.uncaught, []);
    } finally {
      watch.stop();
    }
  });

  test('fragments: a frame cut byte by byte is handled; fragments adding up past the limit are closed 1009', async () => {
    await withRelay({}, async (harness) => {
      const conversationId = await harness.aliceBob();
      const raw = await rawReady(harness.relay.url, harness.relay.token('alice'));
      const clientId = 'fragmented-1';
      sendFragmented(raw, JSON.stringify({ type: 'NEW_MESSAGE', conversationId, content: 'one byte at a time', clientId }), 1);
      const deadline = Date.now() + 5000;
      while (!raw.texts().some((frame) => frame.type === 'ACK' && frame.clientId === clientId)) {
        assert.ok(Date.now() < deadline, `no ACK for the fragmented send: ${JSON.stringify(raw.texts())}`);
        await sleep(5);
      }
      assert.deepEqual((await harness.history('bob', conversationId)).map((message) => message.content), ['one byte at a time']);

      // 17 KiB in 1 KiB fragments: no one fragment is too big, the message is.
      sendFragmented(raw, JSON.stringify({ type: 'PING', pad: 'x'.repeat(17 * 1024) }), 1024);
      assert.equal(await raw.closeCode(), 1009);
      await othersStillServed(harness);
    });
  });

  test('a message in more than 16,384 fragments (empty ones, never finished) is closed 1008', async () => {
    const { logger, errors } = errorLogger();
    await withRelay({ logger }, async (harness) => {
      await harness.putGroup();
      const raw = await rawReady(harness.relay.url, harness.relay.token('alice'));
      raw.sendFrame(Opcode.TEXT, Buffer.from('{"type":"PING"'), { fin: false });
      let sent = 0;
      while (sent < MAX_FRAGMENTS + 1000 && !raw.socket.destroyed) {
        if (!raw.sendFrame(Opcode.CONTINUATION, Buffer.alloc(0), { fin: false })) await new Promise((resolve) => raw.socket.once('drain', resolve));
        sent += 1;
      }
      assert.equal(await raw.closeCode(), 1008);
      await othersStillServed(harness);
      assert.deepEqual(errors, []);
    });
  });

  test('a flood of valid frames is closed 1008 once 1,000 wait in its queue; a burst under that is served', async () => {
    await withRelay({}, async (harness) => {
      const conversationId = await harness.aliceBob();
      const read = Buffer.from(JSON.stringify({ type: 'READ', conversationId, upTo: 0 }));
      // Each READ waits for its batch's commit, so a socket's queue drains one frame per turn.
      const burst = await rawReady(harness.relay.url, harness.relay.token('alice'));
      burst.socket.write(Buffer.concat(Array.from({ length: 200 }, () => burst.encodeFrame(Opcode.TEXT, read))));
      const flood = await rawReady(harness.relay.url, harness.relay.token('bob'));
      flood.socket.write(Buffer.concat(Array.from({ length: 5000 }, () => flood.encodeFrame(Opcode.TEXT, read))));
      assert.equal(await flood.closeCode(), 1008);
      assert.match(flood.closeReason(), /Too many frames waiting/);
      // The burst's socket is still open and answers.
      burst.sendFrame(Opcode.TEXT, Buffer.from(JSON.stringify({ type: 'SYNC', conversationId, after: 0 })));
      const deadline = Date.now() + 5000;
      while (!burst.texts().some((frame) => frame.type === 'HISTORY')) {
        assert.ok(Date.now() < deadline, 'the burst socket got no HISTORY');
        await sleep(5);
      }
      await othersStillServed(harness);
    });
  });

  test('an upgrade with thousands of headers is refused 431; one with a few hundred is served', async () => {
    await withRelay({}, async (harness) => {
      await harness.putGroup();
      const many = await RawSocket.upgrade(harness.relay.url, Array.from({ length: 5000 }, (_, index) => `X-Padding-${index}: ${'v'.repeat(8)}`));
      assert.match(many.statusLine, /^HTTP\/1\.1 431 /);
      many.destroy();
      const some = await RawSocket.upgrade(harness.relay.url, Array.from({ length: 300 }, (_, index) => `X-Padding-${index}: v`));
      assert.ok(some.upgraded, some.statusLine);
      some.destroy();
      await othersStillServed(harness);
    });
  });

  test('a client that never reads is dropped once the relay holds 1 MiB for it; its peers are served meanwhile', async () => {
    const watch = watchProcess();
    try {
      await withRelay({ limits: { rateMessages: 1_000_000 } }, async (harness) => {
        const conversationId = await harness.aliceBob();
        const { client: alice } = await harness.ready('alice');
        // 200 messages of 500 characters: every SYNC answer is about 120 KB.
        for (let index = 0; index < 200; index += 1) {
          alice.send({ type: 'NEW_MESSAGE', conversationId, content: `${index} ${'x'.repeat(490)}`, clientId: `fill-${index}` });
        }
        await alice.next('ACK', (ack) => ack.clientId === 'fill-199', 15_000);

        const slow = await rawReady(harness.relay.url, harness.relay.token('bob'));
        slow.socket.pause();
        const startedAt = Date.now();
        const sync = Buffer.from(JSON.stringify({ type: 'SYNC', conversationId, after: 0 }));
        let requests = 0;
        // Keep asking for far more than it reads (up to ~60 MB of answers).
        while (!slow.socket.destroyed && requests < 500 && Date.now() - startedAt < 20_000) {
          slow.sendFrame(Opcode.TEXT, sync);
          requests += 1;
          await sleep(5);
          if (requests % 50 === 0) await othersStillServed(harness);
        }
        await Promise.race([slow.ended, sleep(5000)]);
        assert.ok(slow.socket.destroyed, `the relay still holds a socket that read nothing after ${requests} SYNCs`);
        assert.ok(requests < 500, `dropped only after ${requests} SYNCs`);
        await othersStillServed(harness);
      });
      assert.deepEqual(watch.uncaught, []);
    } finally {
      watch.stop();
    }
  });
});
