/**
 * The widget as participants use it (#14): starting both chats from the list alone, in inline
 * and launcher mode; "Seen" under one's latest message the other side has read, live and after
 * a reload, for both sides; the santa's quick questions. Everything found by accessible name.
 */
import { expect } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import {
  bubbles,
  chatFor,
  cleanup,
  connected,
  createGroup,
  pressChord,
  putGroup,
  relayInfo,
  send,
  settled,
  shadow,
  shadowText,
  sleep,
  tokenFor,
  until,
  untilMessages,
} from './harness.js';
import type { SantaChat } from '../../widget/src/santa-chat.component.js';

/** A button's accessible name as these templates give it: aria-label, else its text. */
function nameOf(element: Element): string {
  return (element.getAttribute('aria-label') ?? element.textContent ?? '').replace(/\s+/g, ' ').trim();
}

/** The buttons of the element whose accessible name starts with `name`. */
function buttons(element: SantaChat, name: string): HTMLButtonElement[] {
  return [...shadow(element).querySelectorAll<HTMLButtonElement>('button')].filter((button) => nameOf(button).startsWith(name));
}

async function button(element: SantaChat, name: string): Promise<HTMLButtonElement> {
  await until(() => buttons(element, name).length === 1, `one button named "${name}…"`);
  return buttons(element, name)[0]!;
}

/** The composer, found by its label. */
function composer(element: SantaChat, label: string): HTMLTextAreaElement | undefined {
  return [...shadow(element).querySelectorAll<HTMLTextAreaElement>('textarea')].find((input) => nameOf(input) === label);
}

async function relayConversations(userId: string): Promise<{ role: string }[]> {
  const { url } = await relayInfo();
  const response = await fetch(`${url}/conversations`, { headers: { authorization: `Bearer ${await tokenFor(userId)}` } });
  return ((await response.json()) as { conversations: { role: string }[] }).conversations;
}

function seen(element: SantaChat): string[] {
  return [...shadow(element).querySelectorAll('.log .message')]
    .filter((message) => message.querySelector('.seen')?.textContent === 'Seen')
    .map((message) => message.querySelector('.bubble')?.textContent ?? '');
}

function prompts(element: SantaChat): HTMLButtonElement[] {
  const group = [...shadow(element).querySelectorAll('[role="group"]')].find((node) => nameOf(node) === 'Questions to ask');
  // The suggestions; the other button of the group is the "Ideas" toggle, with its aria-expanded.
  return group ? [...group.querySelectorAll<HTMLButtonElement>('button:not([aria-expanded])')] : [];
}

describe('starting both chats from the widget', () => {
  afterEach(cleanup);

  for (const mode of ['inline', 'launcher'] as const) {
    it(`a participant with no conversation starts each chat from the list (${mode})`, async () => {
      const { groupId, giftee, third } = await createGroup();
      // giftee-X gives to third-X and is given to by santa-X: both chats, none started.
      const chat = await chatFor(giftee.id, { mode, 'group-id': groupId });
      await connected(chat);
      if (mode === 'launcher') (await button(chat, 'Open chat')).click();

      (await button(chat, `Your giftee: ${third.name}`)).click();
      await until(() => composer(chat, `Message to ${third.name}`) !== undefined, 'the chat with the giftee is open');
      expect(bubbles(chat)).to.deep.equal([]);
      (await button(chat, 'Back to conversations')).click();

      (await button(chat, 'Your Secret Santa')).click();
      await until(() => composer(chat, 'Message to Secret Santa') !== undefined, 'the chat with the santa is open');
      expect((await relayConversations(giftee.id)).map((c) => c.role).sort()).to.deep.equal(['giftee', 'santa']);

      (await button(chat, 'Back to conversations')).click();
      await button(chat, `Your giftee: ${third.name}`);
      expect(shadowText(chat)).not.to.contain('Start a chat');
    });
  }

  it('before the raffle, and without a giftee, a sentence says so', async () => {
    const { groupId, giftee, body } = await createGroup();
    const other = `${groupId}-b`;
    await putGroup(groupId, { ...body, assignments: [] });
    await putGroup(other, {
      ...body,
      name: 'Book club',
      assignments: [
        { santa: body.members[0]!.id, giftee: body.members[2]!.id },
        { santa: body.members[2]!.id, giftee: body.members[0]!.id },
      ],
    });
    const chat = await chatFor(giftee.id, { mode: 'inline' });
    await connected(chat);
    await until(() => shadowText(chat).includes('The raffle has not happened yet.'), 'the not-drawn sentence');
    expect(shadowText(chat)).to.contain('The raffle gave you no giftee in this group.');
    expect(shadowText(chat)).to.contain('Office 2026').and.to.contain('Book club');
    expect(buttons(chat, 'Your giftee')).to.have.length(0);
    expect(buttons(chat, 'Your Secret Santa')).to.have.length(0);
    await settled(chat);
    await expect(chat, 'the not-drawn sentences').to.be.accessible();

    const scoped = await chatFor(giftee.id, { mode: 'inline', 'group-id': other });
    await connected(scoped);
    await until(() => shadowText(scoped).includes('The raffle gave you no giftee in this group.'), 'the group-id group only');
    expect(shadowText(scoped)).not.to.contain('The raffle has not happened yet.');
  });
});

describe('a raffle drawn while the widget is open', () => {
  afterEach(cleanup);

  it('turns the not-drawn sentence into both chats, without a reload, within a second', async () => {
    const { groupId, giftee, third, body } = await createGroup();
    await putGroup(groupId, { ...body, assignments: [] });
    const chat = await chatFor(giftee.id, { mode: 'inline', 'group-id': groupId });
    await connected(chat);
    await until(() => shadowText(chat).includes('The raffle has not happened yet.'), 'the not-drawn sentence');

    const drawnAt = performance.now();
    await putGroup(groupId, body);
    await button(chat, `Your giftee: ${third.name}`);
    expect(performance.now() - drawnAt).to.be.below(1000);
    await button(chat, 'Your Secret Santa');
    expect(shadowText(chat)).not.to.contain('The raffle has not happened yet.');
  });
});

describe('Seen', () => {
  afterEach(cleanup);

  it('appears under the sender’s latest read message within a second of the other side opening the thread, both ways, and after a reload', async () => {
    const { groupId, santa, giftee } = await createGroup();
    let santaChat = await chatFor(santa.id, { mode: 'inline', 'group-id': groupId });
    const gifteeChat = await chatFor(giftee.id, { mode: 'inline', 'group-id': groupId });
    await connected(santaChat, gifteeChat);
    (await button(santaChat, `Your giftee: ${giftee.name}`)).click();
    await until(() => composer(santaChat, `Message to ${giftee.name}`) !== undefined, 'the santa’s thread');
    await send(santaChat, 'Hello there');
    await send(santaChat, 'What do you like?');
    await untilMessages(santaChat, 2);
    await sleep(300);
    expect(seen(santaChat), 'nothing read yet').to.deep.equal([]);

    (await button(gifteeChat, 'Your Secret Santa')).click();
    const opened = performance.now();
    await until(() => seen(santaChat).length > 0, 'Seen on the santa’s side', 1000);
    expect(performance.now() - opened).to.be.below(1000);
    expect(seen(santaChat)).to.deep.equal(['What do you like?']);
    await settled(santaChat);
    await expect(santaChat, 'a thread with Seen').to.be.accessible();

    // The giftee answers while the santa's thread is open: the santa reads it, the giftee sees it.
    await untilMessages(gifteeChat, 2);
    await send(gifteeChat, 'Books!');
    await until(() => seen(gifteeChat).length > 0, 'Seen on the giftee’s side', 2000);
    expect(seen(gifteeChat)).to.deep.equal(['Books!']);
    expect(seen(santaChat), 'still under the santa’s latest read message').to.deep.equal(['What do you like?']);

    // A reload with nothing cached: READY's peerReadUpTo says it.
    await santaChat.logout();
    santaChat.remove();
    santaChat = await chatFor(santa.id, { mode: 'inline', 'group-id': groupId });
    await connected(santaChat);
    (await button(santaChat, `Your giftee: ${giftee.name}`)).click();
    await untilMessages(santaChat, 3);
    await until(() => seen(santaChat).length > 0, 'Seen after the reload');
    expect(seen(santaChat)).to.deep.equal(['What do you like?']);
  });
});

describe('the santa’s quick questions', () => {
  afterEach(cleanup);

  it('fill the composer and send nothing; keyboard reachable; behind "Ideas" once the thread is older', async () => {
    const { groupId, santa, giftee } = await createGroup();
    const santaChat = await chatFor(santa.id, { mode: 'inline', 'group-id': groupId });
    await connected(santaChat);
    (await button(santaChat, `Your giftee: ${giftee.name}`)).click();
    await until(() => prompts(santaChat).length === 5, 'five suggestions');
    await settled(santaChat);
    await expect(santaChat, 'the quick questions').to.be.accessible();
    expect(prompts(santaChat).map(nameOf)).to.deep.equal([
      'What size do you wear?',
      'Favourite colours?',
      'Anything you can’t eat or use?',
      'What do you do for fun?',
      'Is there a wish list?',
    ]);
    prompts(santaChat)[1]!.click();
    await santaChat.updateComplete;
    const input = composer(santaChat, `Message to ${giftee.name}`)!;
    expect(input.value).to.equal('Favourite colours?');
    expect(shadow(santaChat).activeElement).to.equal(input);

    prompts(santaChat)[0]!.focus();
    await sendKeys({ press: 'Enter' });
    await santaChat.updateComplete;
    expect(input.value).to.equal('Favourite colours?\nWhat size do you wear?');
    await sleep(300);
    expect(bubbles(santaChat), 'nothing was sent').to.deep.equal([]);
    expect((await relayConversations(santa.id))[0]).to.include({ lastMessage: null });

    for (const text of ['one', 'two', 'three']) await send(santaChat, text);
    await untilMessages(santaChat, 3);
    await until(() => prompts(santaChat).length === 0, 'hidden once the santa has sent three');
    const ideas = await button(santaChat, 'Ideas');
    expect(ideas.getAttribute('aria-expanded')).to.equal('false');
    ideas.click();
    await until(() => prompts(santaChat).length === 5, 'shown on demand');
    expect(ideas.getAttribute('aria-expanded')).to.equal('true');
  });

  it('sit on one line that scrolls sideways, without widening the widget; each comes into view when focused', async () => {
    const { groupId, santa, giftee } = await createGroup();
    const santaChat = await chatFor(santa.id, { mode: 'inline', 'group-id': groupId });
    // A phone's column, narrower than the five questions side by side.
    santaChat.style.cssText = 'display: block; width: 320px; height: 480px';
    await connected(santaChat);
    (await button(santaChat, `Your giftee: ${giftee.name}`)).click();
    await until(() => prompts(santaChat).length === 5, 'five suggestions');
    await settled(santaChat);
    const row = shadow(santaChat).querySelector<HTMLElement>('.prompts')!;
    const tops = new Set(prompts(santaChat).map((prompt) => Math.round(prompt.getBoundingClientRect().top)));
    expect([...tops], 'one line').to.have.length(1);
    // One 44 px row with its padding, and a scrollbar where the engine draws one (Firefox: 12 px); two rows are over 100.
    expect(row.getBoundingClientRect().height, 'one row high').to.be.below(80);
    expect(row.scrollWidth, 'the row scrolls').to.be.above(row.clientWidth + 100);
    expect(santaChat.getBoundingClientRect().width).to.equal(320);

    // A host's column sized to its content (a grid's auto track, a flex item) is not widened by the row.
    santaChat.style.width = 'min-content';
    await new Promise((resolve) => requestAnimationFrame(resolve));
    expect(santaChat.getBoundingClientRect().width, 'the widget at its narrowest').to.be.below(row.scrollWidth / 2);
    santaChat.style.width = '320px';
    await new Promise((resolve) => requestAnimationFrame(resolve));

    const last = prompts(santaChat).at(-1)!;
    expect(last.getBoundingClientRect().left, 'the last is out of view at first').to.be.above(row.getBoundingClientRect().right);
    last.focus();
    await until(() => {
      const [item, box] = [last.getBoundingClientRect(), row.getBoundingClientRect()];
      return item.left >= box.left - 1 && item.right <= box.right + 1;
    }, 'the focused question scrolled into view');

    // By keyboard, back from the composer: each question's focus ring is drawn inside it, where the
    // scrolling row, which clips whatever leaves it, cannot cut it off.
    composer(santaChat, `Message to ${giftee.name}`)!.focus();
    for (const prompt of prompts(santaChat).reverse()) {
      await pressChord('Shift', 'Tab');
      expect(shadow(santaChat).activeElement, 'Shift+Tab reaches each question').to.equal(prompt);
      expect(prompt.matches(':focus-visible'), 'a visible focus').to.equal(true);
      const style = getComputedStyle(prompt);
      expect(parseFloat(style.outlineWidth), 'a ring').to.be.at.least(2);
      expect(parseFloat(style.outlineOffset) + parseFloat(style.outlineWidth), 'the ring inside the question').to.be.at.most(0);
      const [item, box] = [prompt.getBoundingClientRect(), row.getBoundingClientRect()];
      expect(item.top, 'inside the row').to.be.at.least(box.top);
      expect(item.bottom, 'inside the row').to.be.at.most(box.top + row.clientHeight);
    }
  });

  it('are replaced or turned off by the `prompts` property, and the giftee never sees them', async () => {
    const { groupId, santa, giftee } = await createGroup();
    const santaChat = await chatFor(santa.id, { mode: 'inline', 'group-id': groupId });
    const gifteeChat = await chatFor(giftee.id, { mode: 'inline', 'group-id': groupId });
    await connected(santaChat, gifteeChat);
    santaChat.prompts = ['Tea or coffee?'];
    (await button(santaChat, `Your giftee: ${giftee.name}`)).click();
    await until(() => prompts(santaChat).length === 1, 'the host’s one suggestion');
    expect(nameOf(prompts(santaChat)[0]!)).to.equal('Tea or coffee?');
    santaChat.prompts = [];
    await santaChat.updateComplete;
    expect(prompts(santaChat)).to.have.length(0);
    expect(shadow(santaChat).querySelector('.prompts')).to.equal(null);

    (await button(gifteeChat, 'Your Secret Santa')).click();
    await until(() => composer(gifteeChat, 'Message to Secret Santa') !== undefined, 'the giftee’s thread');
    await sleep(200);
    expect(shadow(gifteeChat).querySelector('.prompts')).to.equal(null);
    expect(shadowText(gifteeChat)).not.to.contain('Favourite colours?');
  });
});
