/**
 * Issue #11: message text and names are direction-isolated, so a message holding a
 * right-to-left override (U+202E) reorders nothing outside itself: the header with the peer's
 * name, the message's timestamp, the conversation list.
 */
import { expect } from '@open-wc/testing';
import { chatFor, cleanup, connected, createGroup, messageElements, openMatch, send, shadow, until, untilMessages } from './harness.js';
import type { SantaChat } from '../../widget/src/santa-chat.component.js';

const RLO = '\u202E';

function isIsolated(element: Element): boolean {
  const unicodeBidi = getComputedStyle(element).unicodeBidi;
  return element.tagName === 'BDI' || unicodeBidi === 'isolate' || unicodeBidi === 'plaintext';
}

/** Where a run of text is drawn: the box of the first occurrence of `text` inside `element`. */
function rectOfText(element: Element, text: string): DOMRect {
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
    const index = node.textContent?.indexOf(text) ?? -1;
    if (index === -1) continue;
    const range = document.createRange();
    range.setStart(node, index);
    range.setEnd(node, index + text.length);
    return range.getBoundingClientRect();
  }
  throw new Error(`"${text}" is not shown`);
}

describe('bidi isolation', () => {
  afterEach(cleanup);

  it('a message with a right-to-left override reorders neither the header, the timestamp nor the list', async () => {
    const { groupId, santa, giftee } = await createGroup({ gifteeName: 'Bob' });
    const santaChat: SantaChat = await chatFor(santa.id, { mode: 'inline' });
    const gifteeChat: SantaChat = await chatFor(giftee.id, { mode: 'inline' });
    await connected(santaChat, gifteeChat);
    await openMatch(santaChat, groupId);
    await openMatch(gifteeChat, groupId, 'santa');

    const content = `gift ${RLO}ideas please`;
    await send(gifteeChat, content);
    await untilMessages(santaChat, 1);
    const message = messageElements(santaChat)[0]!;
    const bubble = message.querySelector('.bubble')!;
    expect(bubble.textContent).to.equal(content);
    expect(bubble.getAttribute('dir')).to.equal('auto');
    expect(isIsolated(bubble), getComputedStyle(bubble).unicodeBidi).to.equal(true);

    // The timestamp is drawn below the bubble, its text in its own order.
    const time = message.querySelector('.meta time')!;
    expect(time.getBoundingClientRect().top).to.be.at.least(bubble.getBoundingClientRect().bottom - 1);
    expect(isIsolated(time) || !time.closest('.bubble')).to.equal(true);

    // The header reads "Your giftee: Bob …" left to right, the name isolated.
    const heading = shadow(santaChat).querySelector('.header h2')!;
    const name = heading.querySelector('bdi')!;
    expect(name.textContent).to.equal(giftee.name);
    expect(rectOfText(heading, 'Your giftee').right).to.be.at.most(rectOfText(name, 'Bob').left + 1);

    // Back in the list, the last message is isolated from the name above it and the badge.
    const list = await chatFor(santa.id, { mode: 'inline' });
    await connected(list);
    await until(() => shadow(list).querySelector('.list .last')?.textContent === content, 'the list shows the message');
    const last = shadow(list).querySelector('.list .last')!;
    expect(isIsolated(last)).to.equal(true);
    const title = shadow(list).querySelector('.list .name')!;
    expect(title.querySelector('bdi')?.textContent).to.equal(giftee.name);
    expect(rectOfText(title, 'Your giftee').right).to.be.at.most(rectOfText(title, 'Bob').left + 1);
  });

  it('the typing line keeps the peer\'s right-to-left name inside its own isolate', async () => {
    const { groupId, santa, giftee } = await createGroup({ gifteeName: 'בוב' });
    const santaChat: SantaChat = await chatFor(santa.id, { mode: 'inline' });
    const gifteeChat: SantaChat = await chatFor(giftee.id, { mode: 'inline' });
    await connected(santaChat, gifteeChat);
    await openMatch(santaChat, groupId);
    await openMatch(gifteeChat, groupId, 'santa');
    const input = shadow(gifteeChat).querySelector<HTMLTextAreaElement>('#composer-input')!;
    input.value = 'h';
    input.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
    await until(() => (shadow(santaChat).querySelector('.typing')?.textContent ?? '').trim() !== '', 'the typing line');
    const typing = shadow(santaChat).querySelector('.typing')!;
    const name = typing.querySelector('bdi')!;
    expect(name.textContent).to.equal(giftee.name);
    expect(isIsolated(name)).to.equal(true);
  });
});
