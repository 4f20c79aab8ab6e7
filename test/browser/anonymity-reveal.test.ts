/**
 * Anonymity as the giftee's browser holds it: before the reveal neither the santa's id nor
 * name is anywhere in the giftee's element (text, markup, attributes), its events or its
 * IndexedDB cache. At `revealAt` the REVEAL names the santa and re-labels what was cached.
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
  recordEvents,
  send,
  settled,
  shadow,
  shadowText,
  sleep,
  type,
  until,
  untilMessages,
  type Member,
} from './harness.js';
import type { SantaChat } from '../../widget/src/santa-chat.component.js';

/** Everything of the element a script or a user could read: text, markup with attributes. */
function everythingShown(element: SantaChat): string {
  return [shadowText(element), shadow(element).innerHTML, element.outerHTML].join('\n');
}

async function cachedRecords(userId: string): Promise<Record<string, unknown[]>> {
  return readDatabase(await cacheName(userId));
}

function expectNoTraceOf(santa: Member, haystack: string, where: string): void {
  expect(haystack.includes(santa.id), `${where} contains the santa's id`).to.equal(false);
  expect(haystack.includes(santa.name), `${where} contains the santa's name`).to.equal(false);
  expect(haystack.toLowerCase().includes(santa.name.toLowerCase()), `${where} contains the santa's name (any case)`).to.equal(false);
}

describe('anonymity and reveal', () => {
  afterEach(cleanup);

  it("keeps the santa's id and name out of the giftee's DOM, events and IndexedDB", async () => {
    const { groupId, santa, giftee } = await createGroup();
    const gifteeEvents = ['santa-chat-message', 'santa-chat-unread', 'santa-chat-connection'].map((name) => recordEvents(name));
    const santaChat = await chatFor(santa.id, { mode: 'inline' });
    const gifteeChat = await chatFor(giftee.id);
    await connected(santaChat, gifteeChat);
    const conversation = await openMatch(santaChat, groupId);

    await type(santaChat, 'Hi, guess who');
    await send(santaChat, 'Hi from your Secret Santa!');
    await send(santaChat, 'What is your favourite colour?');
    await until(() => gifteeChat.unread.total === 2, 'giftee has 2 unread');

    // The launcher, the preview and the conversation list.
    await gifteeChat.updateComplete;
    expectNoTraceOf(santa, everythingShown(gifteeChat), 'closed launcher');
    gifteeChat.show();
    await gifteeChat.updateComplete;
    expect(shadow(gifteeChat).querySelector('.list')).to.exist;
    expectNoTraceOf(santa, everythingShown(gifteeChat), 'conversation list');

    // The thread, the giftee's reply, typing and read receipts.
    shadow(gifteeChat).querySelector<HTMLButtonElement>(`.list button[data-conversation-id="${conversation.id}"]`)!.click();
    await untilMessages(gifteeChat, 2);
    await type(gifteeChat, 'Blu');
    await send(gifteeChat, 'Blue! Who are you?');
    await untilMessages(santaChat, 3);
    // The santa keeps typing (TYPING goes out at most every 2 s) until the giftee sees it.
    const typingShown = () => shadow(gifteeChat).querySelector('.typing')?.textContent?.includes('typing') === true;
    for (let tries = 0; tries < 20 && !typingShown(); tries++) {
      await type(santaChat, `Not telling${'.'.repeat(tries)}`);
      await sleep(250);
    }
    await until(typingShown, 'typing shown');
    expect(shadowText(gifteeChat)).to.include('Secret Santa is typing…');
    expectNoTraceOf(santa, everythingShown(gifteeChat), 'thread');
    expect(JSON.stringify(gifteeChat.client!.conversations)).not.to.include(santa.id);

    // The cache, once written through: every store, every record.
    let records: Record<string, unknown[]> = {};
    for (let tries = 0; tries < 50; tries++) {
      records = await cachedRecords(giftee.id);
      if ((records.messages?.length ?? 0) === 3 && (records.outbox?.length ?? 0) === 0) break;
      await sleep(50);
    }
    expect(Object.keys(records).sort()).to.deep.equal(['conversations', 'messages', 'outbox']);
    expect(records.messages).to.have.length(3);
    expect(records.conversations).to.have.length(1);
    expectNoTraceOf(santa, JSON.stringify(records), "giftee's IndexedDB");
    // The santa's own cache does name the giftee (they may know), so the check above means something.
    expect(JSON.stringify(await cachedRecords(santa.id))).to.include(giftee.id);

    const fromGiftee = gifteeEvents.flatMap((recorder) => recorder.events.filter((event) => event.target === gifteeChat));
    expect(fromGiftee.some((event) => event.type === 'santa-chat-message')).to.equal(true);
    expectNoTraceOf(santa, JSON.stringify(fromGiftee.map((event) => event.detail)), "giftee's events");
    for (const recorder of gifteeEvents) recorder.stop();
  });

  it('at revealAt names the santa, re-labels earlier messages and fires santa-chat-reveal', async function () {
    this.timeout(20000);
    const { groupId, santa, giftee } = await createGroup({ revealInMs: 2500 });
    const reveals = recordEvents<{ conversationId: string; peer: { id: string; name: string; anonymous: boolean } }>('santa-chat-reveal');
    try {
      const santaChat = await chatFor(santa.id, { mode: 'inline' });
      const gifteeChat = await chatFor(giftee.id, { mode: 'inline' });
      await connected(santaChat, gifteeChat);
      const conversation = await openMatch(santaChat, groupId);
      await openMatch(gifteeChat, groupId, 'santa');
      await send(santaChat, 'Merry Christmas!');
      await untilMessages(gifteeChat, 1);
      await send(gifteeChat, 'Thank you, mystery person');
      await untilMessages(santaChat, 2);
      expectNoTraceOf(santa, everythingShown(gifteeChat), 'before the reveal');
      expect(messageElements(gifteeChat)[0]!.querySelector('.visually-hidden')!.textContent).to.equal('Secret Santa:');

      await until(() => reveals.events.some((event) => event.target === gifteeChat), 'REVEAL reaches the giftee', 8000);
      const gifteeReveal = reveals.events.find((event) => event.target === gifteeChat)!;
      expect(gifteeReveal.bubbles && gifteeReveal.composed).to.equal(true);
      expect(gifteeReveal.detail.conversationId).to.equal(conversation.id);
      expect(gifteeReveal.detail.peer).to.deep.equal({ id: santa.id, name: santa.name, anonymous: false });
      await until(() => reveals.events.some((event) => event.target === santaChat), 'REVEAL reaches the santa');

      await gifteeChat.updateComplete;
      await santaChat.updateComplete;
      const notice = shadow(gifteeChat).querySelector('.reveal');
      expect(notice?.textContent).to.include(`Your Secret Santa was ${santa.name}!`);
      expect(shadowText(gifteeChat)).to.include(`Your Secret Santa: ${santa.name}`);
      // The santa's earlier message is now theirs by name, on screen and in the cache.
      expect(messageElements(gifteeChat)[0]!.querySelector('.visually-hidden')!.textContent).to.equal(`${santa.name}:`);
      expect(bubbles(gifteeChat)).to.deep.equal(['Merry Christmas!', 'Thank you, mystery person']);
      expect(shadow(santaChat).querySelector('.reveal')?.textContent).to.include(`${giftee.name} now knows you are their Secret Santa.`);
      await settled(gifteeChat);
      await settled(santaChat);
      await expect(gifteeChat, 'the giftee’s thread after the reveal').to.be.accessible();
      await expect(santaChat, 'the santa’s thread after the reveal').to.be.accessible();

      let senders: string[] = [];
      for (let tries = 0; tries < 50; tries++) {
        const records = await cachedRecords(giftee.id);
        senders = (records.messages as Array<{ seq: number; senderId: string }>).sort((a, b) => a.seq - b.seq).map((message) => message.senderId);
        if (senders[0] === santa.id) break;
        await sleep(50);
      }
      expect(senders).to.deep.equal([santa.id, giftee.id]);

      // After the reveal the santa may name themself without being asked.
      await send(santaChat, `It was me, ${santa.name}`);
      expect(shadow(santaChat).querySelector('.confirm')).to.equal(null);
      expect(await untilMessages(gifteeChat, 3)).to.include(`It was me, ${santa.name}`);
    } finally {
      reveals.stop();
    }
  });
});
