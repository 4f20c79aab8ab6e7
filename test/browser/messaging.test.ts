/**
 * Two `<santa-chat>` elements on one page, as the two participants of a conversation (and
 * as two tabs of one user): messages both ways, unread badges, read receipts only when the
 * thread is visible, typing, day separators and links.
 */
import { expect } from '@open-wc/testing';
import {
  bubbles,
  chatFor,
  cleanup,
  connected,
  createGroup,
  messageElements,
  openMatch,
  relayInfo,
  send,
  shadow,
  shadowText,
  sleep,
  tokenFor,
  type,
  until,
  untilMessages,
} from './harness.js';
import type { SantaChat } from '../../widget/src/santa-chat.component.js';
import { renderThreadFixture, sentMessage } from './thread-fixture.js';

/** What the relay itself counts as unread for `userId` (GET /conversations). */
async function relayUnread(userId: string): Promise<number> {
  const { url } = await relayInfo();
  const response = await fetch(`${url}/conversations`, { headers: { authorization: `Bearer ${await tokenFor(userId)}` } });
  return ((await response.json()) as { unreadTotal: number }).unreadTotal;
}

function launcher(element: SantaChat): HTMLButtonElement {
  const button = shadow(element).querySelector<HTMLButtonElement>('.launcher');
  if (!button) throw new Error('no launcher');
  return button;
}

function launcherBadge(element: SantaChat): string | null {
  return launcher(element).querySelector('.badge')?.textContent?.trim() ?? null;
}

describe('messaging', () => {
  afterEach(cleanup);

  it('santa and giftee send and receive both ways', async () => {
    const { groupId, santa, giftee } = await createGroup();
    const santaChat = await chatFor(santa.id, { mode: 'inline' });
    const gifteeChat = await chatFor(giftee.id, { mode: 'inline' });
    await connected(santaChat, gifteeChat);
    const fromSanta = await openMatch(santaChat, groupId);
    const fromGiftee = await openMatch(gifteeChat, groupId, 'santa');
    expect(fromGiftee.id).to.equal(fromSanta.id);

    await send(santaChat, 'Do you like blue or red?');
    expect(await untilMessages(gifteeChat, 1)).to.deep.equal(['Do you like blue or red?']);
    await send(gifteeChat, 'Red, please!');
    expect(await untilMessages(santaChat, 2)).to.deep.equal(['Do you like blue or red?', 'Red, please!']);
    await until(() => bubbles(gifteeChat).length === 2, 'the giftee sees its own message');
    await until(() => !shadowText(santaChat).includes('Sending…') && !shadowText(gifteeChat).includes('Sending…'), 'both acknowledged');

    // Own messages on the right, the other side's on the left, in both elements.
    const santaOwn = messageElements(santaChat).map((message) => message.classList.contains('own'));
    const gifteeOwn = messageElements(gifteeChat).map((message) => message.classList.contains('own'));
    expect(santaOwn).to.deep.equal([true, false]);
    expect(gifteeOwn).to.deep.equal([false, true]);
    // Who said what, for screen readers: the giftee sees "Secret Santa", the santa the giftee's name.
    expect(messageElements(gifteeChat)[0]!.querySelector('.visually-hidden')!.textContent).to.equal('Secret Santa:');
    expect(messageElements(santaChat)[1]!.querySelector('.visually-hidden')!.textContent).to.equal(`${giftee.name}:`);
    expect(shadowText(santaChat)).to.include(`Your giftee: ${giftee.name}`);
    expect(shadowText(gifteeChat)).to.include('Your Secret Santa');
  });

  it('unread badges count in both elements of one user and clear in both when one reads', async () => {
    const { groupId, santa, giftee } = await createGroup();
    const santaChat = await chatFor(santa.id, { mode: 'inline' });
    const tabA = await chatFor(giftee.id);
    const tabB = await chatFor(giftee.id);
    await connected(santaChat, tabA, tabB);
    await openMatch(santaChat, groupId);
    await send(santaChat, 'First clue');
    await send(santaChat, 'Second clue');

    await until(() => tabA.unread.total === 2 && tabB.unread.total === 2, 'both tabs count 2 unread');
    await tabA.updateComplete;
    await tabB.updateComplete;
    for (const tab of [tabA, tabB]) {
      expect(launcherBadge(tab)).to.equal('2');
      expect(launcher(tab).getAttribute('aria-label')).to.equal('Open chat, 2 unread');
    }
    const conversationId = Object.keys(tabA.unread.byConversation)[0]!;
    expect(tabA.unread.byConversation).to.deep.equal({ [conversationId]: 2 });

    // Tab A opens the panel and the conversation: it reads, tab B hears of it (READ).
    tabA.show();
    await tabA.updateComplete;
    const item = shadow(tabA).querySelector<HTMLButtonElement>(`.list button[data-conversation-id="${conversationId}"]`);
    expect(item, 'conversation in the list').to.exist;
    expect(item!.querySelector('.badge')!.textContent).to.equal('2');
    item!.click();
    await until(() => tabA.unread.total === 0, 'tab A cleared');
    await until(() => tabB.unread.total === 0, 'tab B cleared by READ');
    await tabB.updateComplete;
    expect(launcherBadge(tabB)).to.equal(null);
    expect(launcher(tabB).getAttribute('aria-label')).to.equal('Open chat');
    expect(await relayUnread(giftee.id)).to.equal(0);
  });

  it("shows a message sent in one tab in the sender's other tab, as their own and without an event", async () => {
    const { groupId, santa, giftee } = await createGroup();
    const tabA = await chatFor(santa.id, { mode: 'inline' });
    const tabB = await chatFor(santa.id, { mode: 'inline' });
    const gifteeChat = await chatFor(giftee.id, { mode: 'inline' });
    await connected(tabA, tabB, gifteeChat);
    const conversation = await openMatch(tabA, groupId);
    await openMatch(tabB, groupId);
    await openMatch(gifteeChat, groupId, 'santa');
    const heard: Event[] = [];
    const listener = (event: Event): void => void heard.push(event);
    document.addEventListener('santa-chat-message', listener);
    try {
      await send(tabA, 'sent from tab A');
      await until(() => bubbles(tabB).length === 1, 'tab B shows it');
      expect(messageElements(tabB)[0]!.classList.contains('own')).to.equal(true);
      await untilMessages(gifteeChat, 1);
      await sleep(200);
      expect(bubbles(tabA)).to.deep.equal(['sent from tab A']);
      expect(tabB.unread.byConversation[conversation.id] ?? 0).to.equal(0);
      expect(heard.map((event) => event.target)).to.deep.equal([gifteeChat]);
    } finally {
      document.removeEventListener('santa-chat-message', listener);
    }
  });

  it('sends READ only while the thread is visible: closed it stays unread, opening clears it', async () => {
    const { groupId, santa, giftee } = await createGroup();
    const santaChat = await chatFor(santa.id, { mode: 'inline' });
    await connected(santaChat);
    const conversation = await openMatch(santaChat, groupId);
    const gifteeChat = await chatFor(giftee.id, { 'conversation-id': conversation.id });
    await connected(gifteeChat);

    await send(santaChat, 'Are you there?');
    await until(() => gifteeChat.unread.total === 1, 'giftee unread 1');
    await sleep(600);
    expect(gifteeChat.unread.total, 'still unread while closed').to.equal(1);
    expect(await relayUnread(giftee.id), 'the relay heard no READ').to.equal(1);
    // A preview of the message appears by the launcher while the panel is closed.
    await gifteeChat.updateComplete;
    expect(shadow(gifteeChat).querySelector('.preview')?.textContent).to.include('Are you there?');

    gifteeChat.show();
    await until(() => gifteeChat.unread.total === 0, 'opening the panel clears unread');
    await until(() => launcherBadge(gifteeChat) === null, 'badge gone');
    let relayCount = -1;
    for (let tries = 0; tries < 50 && relayCount !== 0; tries++) {
      relayCount = await relayUnread(giftee.id);
      if (relayCount !== 0) await sleep(50);
    }
    expect(relayCount, 'the relay got READ').to.equal(0);
  });

  it('shows the peer typing', async () => {
    const { groupId, santa, giftee } = await createGroup();
    const santaChat = await chatFor(santa.id, { mode: 'inline' });
    const gifteeChat = await chatFor(giftee.id, { mode: 'inline' });
    await connected(santaChat, gifteeChat);
    await openMatch(santaChat, groupId);
    await openMatch(gifteeChat, groupId, 'santa');

    await type(santaChat, 'I am think');
    await until(() => shadow(gifteeChat).querySelector('.typing')?.textContent?.trim() === 'Secret Santa is typing…', 'giftee sees typing');
    expect(shadow(santaChat).querySelector('.typing')!.textContent!.trim(), 'not on the typing side').to.equal('');

    await type(gifteeChat, 'hm');
    await until(() => shadow(santaChat).querySelector('.typing')?.textContent?.trim() === `${giftee.name} is typing…`, 'santa sees typing');

    // The message itself replaces the indicator.
    await send(santaChat, 'I am thinking of a gift');
    await untilMessages(gifteeChat, 1);
    await gifteeChat.updateComplete;
    expect(shadow(gifteeChat).querySelector('.typing')!.textContent!.trim()).to.equal('');
  });

  it('separates days, starting with "Today" for messages sent now', async () => {
    const { groupId, santa } = await createGroup();
    const santaChat = await chatFor(santa.id, { mode: 'inline' });
    await connected(santaChat);
    await openMatch(santaChat, groupId);
    await send(santaChat, 'one');
    await send(santaChat, 'two');
    await until(() => bubbles(santaChat).length === 2 && !shadowText(santaChat).includes('Sending…'), 'two sent');
    const log = shadow(santaChat).querySelector('.log')!;
    const days = [...log.querySelectorAll('.day')];
    expect(days.map((day) => day.textContent)).to.deep.equal(['Today']);
    expect(log.querySelector('.day + .message'), 'the separator comes before the first message').to.exist;
  });

  it('separates messages of different days (Yesterday, Today, a date)', async () => {
    const at = (daysAgo: number, hour: number) => new Date(2026, 11, 20 - daysAgo, hour, 5).toISOString();
    const container = renderThreadFixture(
      [
        sentMessage(1, 'me', at(5, 9), 'a'),
        sentMessage(2, 'peer', at(5, 10), 'b'),
        sentMessage(3, 'me', at(1, 9), 'c'),
        sentMessage(4, 'peer', at(0, 9), 'd'),
        sentMessage(5, 'me', at(0, 14), 'e'),
      ],
      { createdAt: at(6, 9) },
    );
    const sequence = [...container.querySelectorAll('.day, .message')].map((node) =>
      node.classList.contains('day') ? `[${node.textContent}]` : node.querySelector('.bubble')!.textContent,
    );
    expect(sequence).to.deep.equal(['[Dec 15, 2026]', 'a', 'b', '[Yesterday]', 'c', '[Today]', 'd', 'e']);
  });

  it('builds http(s) links as <a rel="noopener noreferrer"> and leaves the rest as text', async () => {
    const { groupId, santa, giftee } = await createGroup();
    const santaChat = await chatFor(santa.id, { mode: 'inline' });
    const gifteeChat = await chatFor(giftee.id, { mode: 'inline' });
    await connected(santaChat, gifteeChat);
    await openMatch(santaChat, groupId);
    await openMatch(gifteeChat, groupId, 'santa');
    const content = 'My list: https://example.com/wish-list?size=M&colour=red. Also (http://example.org/a_b) or ftp://example.net/x';
    await send(santaChat, content);
    await untilMessages(gifteeChat, 1);
    const bubble = messageElements(gifteeChat)[0]!.querySelector('.bubble')!;
    expect(bubble.textContent).to.equal(content);
    const links = [...bubble.querySelectorAll('a')];
    expect(links.map((link) => link.getAttribute('href'))).to.deep.equal([
      'https://example.com/wish-list?size=M&colour=red',
      'http://example.org/a_b',
    ]);
    for (const link of links) {
      expect(link.getAttribute('rel')).to.equal('noopener noreferrer');
      expect(link.getAttribute('target')).to.equal('_blank');
      expect(link.textContent).to.equal(link.getAttribute('href'));
    }
  });
});
