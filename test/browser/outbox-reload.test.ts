/**
 * Surviving the network and the page: the outbox while the relay is down, history from
 * IndexedDB before the socket opens, and the connection banner.
 */
import { expect } from '@open-wc/testing';
import {
  bubbles,
  cacheName,
  chatFor,
  cleanup,
  connected,
  createGroup,
  messageElements,
  openMatch,
  readDatabase,
  RECONNECT_WITHIN_MS,
  reconnected,
  recordEvents,
  relayInfo,
  send,
  settled,
  shadow,
  shadowText,
  sleep,
  startRelay,
  stopRelay,
  tokenFor,
  until,
  untilMessages,
} from './harness.js';
import type { SantaChat } from '../../widget/src/santa-chat.component.js';

function banner(element: SantaChat): string | null {
  return shadow(element).querySelector('.banner')?.textContent?.trim() ?? null;
}

/** The messages the relay stored, oldest first (GET /conversations/:id/messages). */
async function storedContents(userId: string, conversationId: string): Promise<string[]> {
  const { url } = await relayInfo();
  const response = await fetch(`${url}/conversations/${encodeURIComponent(conversationId)}/messages`, {
    headers: { authorization: `Bearer ${await tokenFor(userId)}` },
  });
  const body = (await response.json()) as { messages: Array<{ seq: number; content: string }> };
  expect(body.messages.map((message) => message.seq)).to.deep.equal(body.messages.map((_, index) => index + 1));
  return body.messages.map((message) => message.content);
}

describe('outbox, reload and connection', () => {
  afterEach(cleanup);

  it('queues sends while the relay is down and delivers each exactly once, in order', async function () {
    this.timeout(30000 + RECONNECT_WITHIN_MS);
    const { groupId, santa, giftee } = await createGroup();
    const santaChat = await chatFor(santa.id, { mode: 'inline' });
    const gifteeChat = await chatFor(giftee.id, { mode: 'inline' });
    await connected(santaChat, gifteeChat);
    const conversation = await openMatch(santaChat, groupId);
    await openMatch(gifteeChat, groupId, 'santa');

    const contents = ['one: are you there?', 'two: hello?', 'three: I will wait 🎄'];
    await stopRelay();
    try {
      await until(() => santaChat.connectionState !== 'connected', 'santa lost the relay');
      for (const content of contents) await send(santaChat, content);
      await until(() => bubbles(santaChat).length === 3, 'the three show as sending');
      expect(bubbles(santaChat)).to.deep.equal(contents);
      const pending = messageElements(santaChat);
      expect(pending.every((message) => message.classList.contains('sending'))).to.equal(true);
      expect(pending.every((message) => message.querySelector('.meta')!.textContent!.includes('Sending…'))).to.equal(true);
      // On disk before it is on the wire.
      const outbox = (await readDatabase(await cacheName(santa.id))).outbox as Array<{ content: string; createdAt: number }>;
      expect(outbox.sort((a, b) => a.createdAt - b.createdAt).map((entry) => entry.content)).to.deep.equal(contents);
      expect(banner(santaChat)).to.equal('Reconnecting…');
      await settled(santaChat);
      await expect(santaChat, 'banner and pending messages').to.be.accessible();
      await sleep(300);
      expect(bubbles(gifteeChat)).to.deep.equal([]);
    } finally {
      await startRelay();
    }

    await until(() => bubbles(gifteeChat).length >= 3, 'the giftee received the three', RECONNECT_WITHIN_MS);
    await until(() => !shadowText(santaChat).includes('Sending…'), "the santa's are sent", 5000);
    await sleep(500);
    expect(bubbles(gifteeChat)).to.deep.equal(contents);
    expect(bubbles(santaChat)).to.deep.equal(contents);
    expect(messageElements(santaChat).every((message) => message.classList.contains('sent'))).to.equal(true);
    expect(await storedContents(santa.id, conversation.id)).to.deep.equal(contents);
    const outbox = (await readDatabase(await cacheName(santa.id))).outbox;
    expect(outbox, 'the outbox is empty once acknowledged').to.deep.equal([]);
  });

  it('keeps the outbox across a reload and sends it once the relay is back', async function () {
    this.timeout(30000 + RECONNECT_WITHIN_MS);
    const { groupId, santa, giftee } = await createGroup();
    const santaToken = await tokenFor(santa.id);
    const santaChat = await chatFor(santa.id, { mode: 'inline', token: santaToken });
    const gifteeChat = await chatFor(giftee.id, { mode: 'inline' });
    await connected(santaChat, gifteeChat);
    const conversation = await openMatch(santaChat, groupId);
    await openMatch(gifteeChat, groupId, 'santa');

    let reloaded: SantaChat;
    await stopRelay();
    try {
      await until(() => santaChat.connectionState !== 'connected', 'santa lost the relay');
      await send(santaChat, 'written before the reload');
      await send(santaChat, 'and another one');
      santaChat.remove();
      reloaded = await chatFor(santa.id, { mode: 'inline', token: santaToken, 'conversation-id': conversation.id });
      await until(() => bubbles(reloaded).length === 2, 'the outbox shows after the reload');
      expect(shadowText(reloaded)).to.include('Sending…');
    } finally {
      await startRelay();
    }
    // Both back first (each within its backoff), then the delivery: a timeout names the step that did not come.
    await reconnected(reloaded, gifteeChat);
    await until(() => bubbles(gifteeChat).length >= 2, 'delivered after the restart', 10_000);
    await sleep(500);
    expect(bubbles(gifteeChat)).to.deep.equal(['written before the reload', 'and another one']);
    expect(await storedContents(santa.id, conversation.id)).to.deep.equal(['written before the reload', 'and another one']);
  });

  it('shows the cached history from IndexedDB before the socket opens', async function () {
    this.timeout(30000 + RECONNECT_WITHIN_MS);
    const { groupId, santa, giftee } = await createGroup();
    const gifteeToken = await tokenFor(giftee.id);
    const santaChat = await chatFor(santa.id, { mode: 'inline' });
    const gifteeChat = await chatFor(giftee.id, { mode: 'inline', token: gifteeToken });
    await connected(santaChat, gifteeChat);
    const conversation = await openMatch(santaChat, groupId);
    await openMatch(gifteeChat, groupId, 'santa');
    await send(santaChat, 'Hello from the past');
    await untilMessages(gifteeChat, 1);
    await send(gifteeChat, 'Hello back');
    await untilMessages(santaChat, 2);
    await until(() => !shadowText(gifteeChat).includes('Sending…'), 'acknowledged');
    // Let the write-through cache settle, then "reload": remove the element without logout.
    for (let tries = 0; tries < 50; tries++) {
      if (((await readDatabase(await cacheName(giftee.id))).messages?.length ?? 0) === 2) break;
      await sleep(50);
    }
    gifteeChat.remove();

    const connections = recordEvents<{ state: string }>('santa-chat-connection');
    await stopRelay();
    try {
      const reloaded = await chatFor(giftee.id, { mode: 'inline', token: gifteeToken, 'conversation-id': conversation.id });
      await until(() => bubbles(reloaded).length === 2, 'history from the cache');
      expect(bubbles(reloaded)).to.deep.equal(['Hello from the past', 'Hello back']);
      expect(reloaded.connectionState).not.to.equal('connected');
      expect(connections.events.filter((event) => event.target === reloaded).map((event) => event.detail.state)).not.to.include('connected');
      expect(banner(reloaded)).to.equal('Connecting…');
      expect(shadowText(reloaded)).to.include('Your Secret Santa');
    } finally {
      await startRelay();
      connections.stop();
    }
    // Back online, nothing doubles.
    const reloaded = document.querySelectorAll('santa-chat');
    const element = reloaded[reloaded.length - 1] as SantaChat;
    await reconnected(element);
    await send(santaChat, 'Welcome back');
    await until(() => bubbles(element).length === 3, 'live again');
    await sleep(300);
    expect(bubbles(element)).to.deep.equal(['Hello from the past', 'Hello back', 'Welcome back']);
  });

  it('shows "Reconnecting…" while the relay is down and removes it when it is back', async function () {
    this.timeout(30000 + RECONNECT_WITHIN_MS);
    const { santa } = await createGroup();
    const santaChat = await chatFor(santa.id, { mode: 'inline' });
    await connected(santaChat);
    expect(banner(santaChat)).to.equal(null);
    const connections = recordEvents<{ state: string; reason?: string }>('santa-chat-connection');
    try {
      await stopRelay();
      try {
        await until(() => banner(santaChat) === 'Reconnecting…', 'banner shown');
        expect(shadow(santaChat).querySelector('.banner')!.getAttribute('role')).to.equal('status');
        expect(santaChat.connectionState).to.equal('connecting');
      } finally {
        await startRelay();
      }
      await reconnected(santaChat);
      await santaChat.updateComplete;
      expect(banner(santaChat)).to.equal(null);
      const states = connections.events.filter((event) => event.target === santaChat).map((event) => event.detail);
      expect(states[0]).to.deep.equal({ state: 'connecting', reason: 'transport' });
      expect(states.at(-1)!.state).to.equal('connected');
    } finally {
      connections.stop();
    }
  });
});
