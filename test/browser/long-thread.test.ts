/**
 * A long thread (widget/src/render/render-window.ts): opened, it renders the newest 50 of the
 * messages held, scrolled to its end; "Show older messages" renders 50 more of them at a time,
 * and once none is left asks the relay. The reveal notice stays where the reveal was.
 */
import { expect } from '@open-wc/testing';
import { bubbles, chatFor, cleanup, connected, createGroup, messageElements, RECONNECT_WITHIN_MS, reconnected, relayInfo, send, settled, shadow, startRelay, stopRelay, tokenFor, until } from './harness.js';
import { FIXTURE_NOW, renderThreadFixture, sentMessage } from './thread-fixture.js';
import { openHistoryStore } from '../../widget/src/storage/open-history-store.js';
import type { StoredMessage } from '../../widget/src/storage/records.js';
import type { SantaChat } from '../../widget/src/santa-chat.component.js';

function olderButton(element: SantaChat): HTMLButtonElement | null {
  return shadow(element).querySelector<HTMLButtonElement>('.log .older');
}

function log(element: SantaChat): HTMLElement {
  return shadow(element).querySelector<HTMLElement>('.log')!;
}

/**
 * Each rendered message's text, and the `aria-live` of the region it is in: "off" for the
 * history (what there was when the thread opened), "polite" for the log's live part.
 */
function liveness(element: SantaChat): string[] {
  return messageElements(element).map((message) => `${message.querySelector('.bubble')!.textContent}: ${message.closest('[aria-live]')?.getAttribute('aria-live')}`);
}

/** The santa opens the conversation with their giftee in a first element, which caches it; that element is then removed (its cache stays). */
async function cachedConversation(groupId: string, santaId: string) {
  const opener = await chatFor(santaId, { mode: 'inline' });
  await connected(opener);
  const conversation = await opener.messageMatch(groupId);
  const { url } = await relayInfo();
  const store = await openHistoryStore(url, santaId);
  // The opener saved the conversation list; wait until it is on disk.
  const deadline = Date.now() + 5000;
  while (!(await store.loadConversations()).some((known) => known.id === conversation.id)) {
    if (Date.now() > deadline) throw new Error('the conversation was not cached');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  opener.remove();
  return { conversation, store, url };
}

/**
 * A santa whose cache holds a conversation with `count` messages (seq `first`..), both sides
 * in turn, one a minute up to now; the relay holds none of them, so it is stopped before the
 * element that shows them starts (and started again by `cleanup`).
 */
async function cachedThread(count: number, first = 1): Promise<{ element: SantaChat; texts: string[] }> {
  const { groupId, santa, giftee } = await createGroup();
  const { conversation, store } = await cachedConversation(groupId, santa.id);
  const now = Date.now();
  const messages: StoredMessage[] = Array.from({ length: count }, (_, index) => ({
    id: `long-${first + index}`,
    conversationId: conversation.id,
    seq: first + index,
    senderId: index % 2 === 0 ? santa.id : giftee.id,
    content: `message ${first + index}`,
    timestamp: new Date(now - (count - index) * 60_000).toISOString(),
  }));
  await store.putMessages(conversation.id, messages);
  const token = await tokenFor(santa.id);
  await stopRelay();
  const element = await chatFor(santa.id, { mode: 'inline', 'conversation-id': conversation.id, token });
  return { element, texts: messages.map((message) => message.content) };
}

describe('a long thread', () => {
  afterEach(cleanup);

  it('opens at its newest 50, scrolled to the end; "Show older messages" renders 50 more held ones at a time; from the keyboard the focus stays in the log', async () => {
    const { element, texts } = await cachedThread(130);
    await until(() => bubbles(element).length === 50, 'the newest 50 are rendered', 8000);
    expect(bubbles(element)).to.deep.equal(texts.slice(80));
    await until(() => Math.abs(log(element).scrollHeight - log(element).clientHeight - log(element).scrollTop) <= 2, 'the log is scrolled to its end');

    expect(Math.round(olderButton(element)!.getBoundingClientRect().height), 'a touch target').to.be.at.least(44);
    await settled(element);
    await expect(element, 'a long thread with "Show older messages"').to.be.accessible();
    olderButton(element)!.click();
    await until(() => bubbles(element).length === 100, '50 more');
    expect(bubbles(element)).to.deep.equal(texts.slice(30));
    // What a press renders is history, which a screen reader does not read out.
    expect(liveness(element)).to.deep.equal(texts.slice(30).map((text) => `${text}: off`));
    expect(olderButton(element), 'older messages are still held').to.not.equal(null);

    const button = olderButton(element)!;
    button.focus();
    button.click();
    await until(() => bubbles(element).length === 130, 'the rest');
    expect(bubbles(element)).to.deep.equal(texts);
    // Seq 1 is rendered: nothing older exists, so the button goes, and the log keeps the focus.
    await until(() => olderButton(element) === null, 'the button is gone');
    await until(() => shadow(element).activeElement === log(element), 'the log has the focus');
  });

  it('asks the relay only once every message held is rendered', async function () {
    this.timeout(15000 + RECONNECT_WITHIN_MS);
    const { element, texts } = await cachedThread(60, 41);
    await until(() => bubbles(element).length === 50, 'the newest 50 are rendered', 8000);
    const asked: string[] = [];
    const fetchBefore = window.fetch;
    window.fetch = (input, init) => {
      asked.push(String(input instanceof Request ? input.url : input));
      return fetchBefore(input, init);
    };
    try {
      olderButton(element)!.click();
      await until(() => bubbles(element).length === 60, 'the 10 held');
      expect(bubbles(element)).to.deep.equal(texts);
      // Seq 1-40 are not held: the button stays, and the relay was not asked yet.
      expect(olderButton(element)).to.not.equal(null);
      expect(asked.filter((url) => url.includes('/messages?'))).to.deep.equal([]);
      await startRelay();
      await reconnected(element);
      olderButton(element)!.click();
      await until(() => asked.some((url) => url.includes('/messages?before=41&')), 'the page before seq 41 is asked for');
    } finally {
      window.fetch = fetchBefore;
    }
  });

  it('when the relay\'s page was the last one, the button goes and the log keeps the focus, as with the held ones', async () => {
    const { groupId, santa, giftee } = await createGroup();
    const { conversation, store, url } = await cachedConversation(groupId, santa.id);
    const gifteeChat = await chatFor(giftee.id, { mode: 'inline', 'conversation-id': conversation.id });
    await connected(gifteeChat);
    for (const text of ['one', 'two', 'three']) await send(gifteeChat, text);
    await until(() => bubbles(gifteeChat).length === 3 && messageElements(gifteeChat).every((message) => !message.classList.contains('sending')), 'the three are stored');
    // The santa's cache holds only the newest (as after a cache trimmed to its newest messages).
    const response = await fetch(`${url}/conversations/${encodeURIComponent(conversation.id)}/messages`, { headers: { authorization: `Bearer ${await tokenFor(santa.id)}` } });
    const stored = ((await response.json()) as { messages: StoredMessage[] }).messages;
    await store.putMessages(conversation.id, stored.slice(2));
    const element = await chatFor(santa.id, { mode: 'inline', 'conversation-id': conversation.id });
    await until(() => bubbles(element).length === 1 && olderButton(element) !== null, 'the newest, and the button');
    await connected(element);
    const button = olderButton(element)!;
    button.focus();
    button.click();
    await until(() => bubbles(element).length === 3, 'the relay\'s page before it');
    expect(bubbles(element)).to.deep.equal(['one', 'two', 'three']);
    await until(() => olderButton(element) === null, 'the button is gone');
    await until(() => shadow(element).activeElement === log(element), 'the log has the focus');
  });

  it('renders what there was when the thread opened (held, or the relay\'s pages) outside the log\'s live part, and what arrives inside it', async () => {
    const { groupId, santa, giftee } = await createGroup();
    const { conversation } = await cachedConversation(groupId, santa.id);
    const gifteeChat = await chatFor(giftee.id, { mode: 'inline', 'conversation-id': conversation.id });
    await connected(gifteeChat);
    for (const text of ['one', 'two']) await send(gifteeChat, text);
    await until(() => messageElements(gifteeChat).length === 2 && messageElements(gifteeChat).every((message) => message.classList.contains('sent')), 'the two are stored');
    // The santa's cache has none of them: they come in the relay's page, after the thread is open.
    const element = await chatFor(santa.id, { mode: 'inline', 'conversation-id': conversation.id });
    await connected(element);
    await until(() => bubbles(element).length === 2, 'the relay\'s page');
    expect(liveness(element)).to.deep.equal(['one: off', 'two: off']);
    expect(log(element).getAttribute('aria-live'), 'the log itself stays live').to.equal('polite');
    expect(log(element).getAttribute('role')).to.equal('log');

    await send(gifteeChat, 'three');
    await until(() => bubbles(element).length === 3, 'a message that arrives');
    await send(element, 'four');
    await until(() => messageElements(element).at(-1)?.classList.contains('sent') === true, 'the santa\'s own is stored');
    expect(liveness(element)).to.deep.equal(['one: off', 'two: off', 'three: polite', 'four: polite']);
    const history = shadow(element).querySelector('.log > [aria-live="off"]')!;
    expect(history.getAttribute('aria-live')).to.equal('off');
    // Laid out as the log: as wide as its content, the peer's messages on the start side, the santa's on the end side.
    expect(Math.abs(history.getBoundingClientRect().width - (log(element).clientWidth - 28))).to.be.below(2);
    const [one, , , four] = messageElements(element);
    expect(Math.abs(one!.getBoundingClientRect().left - log(element).getBoundingClientRect().left - 14)).to.be.below(2);
    expect(Math.abs(log(element).getBoundingClientRect().right - 14 - four!.getBoundingClientRect().right)).to.be.below(2);
  });

  it('a reveal among the messages held but not rendered has no notice in the window; one inside it keeps its place', () => {
    const day = (hour: number, minute = 0): string => new Date(FIXTURE_NOW.getFullYear(), FIXTURE_NOW.getMonth(), FIXTURE_NOW.getDate(), hour, minute).toISOString();
    const shown = [sentMessage(10, 'me', day(12)), sentMessage(11, 'peer', day(13))];
    const revealedBefore = renderThreadFixture(shown, { revealedAt: day(9), lastHidden: sentMessage(9, 'peer', day(10)) });
    // Counted, not compared as elements: a failing comparison of a DOM node hangs the reporter.
    expect(revealedBefore.querySelectorAll('.reveal').length, 'the reveal was before the last hidden message').to.equal(0);
    const revealedBetween = renderThreadFixture(shown, { revealedAt: day(11), lastHidden: sentMessage(9, 'peer', day(10)) });
    const items = [...revealedBetween.querySelectorAll('.reveal, .message')].map((item) => (item.classList.contains('reveal') ? 'reveal' : item.querySelector('.bubble')!.textContent));
    expect(items).to.deep.equal(['reveal', 'text 10', 'text 11']);
    const revealedInside = renderThreadFixture(shown, { revealedAt: day(12, 30), lastHidden: sentMessage(9, 'peer', day(10)) });
    const inside = [...revealedInside.querySelectorAll('.reveal, .message')].map((item) => (item.classList.contains('reveal') ? 'reveal' : item.querySelector('.bubble')!.textContent));
    expect(inside).to.deep.equal(['text 10', 'reveal', 'text 11']);
  });
});
