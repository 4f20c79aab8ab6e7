/**
 * Accessibility: axe audits of every state of the element, the launcher's name and badge,
 * focus moving into the panel and back to the launcher, Escape, and the live message log.
 */
import { expect } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import {
  chatFor,
  cleanup,
  connected,
  createGroup,
  messageElements,
  openMatch,
  send,
  settled,
  shadow,
  type,
  until,
  untilMessages,
} from './harness.js';
import { targetSizeViolations, violatedRules } from './axe-setup.js';
import type { SantaChat } from '../../widget/src/santa-chat.component.js';
import { LIMITS } from '../../protocol/browser.js';

function launcher(element: SantaChat): HTMLButtonElement {
  return shadow(element).querySelector<HTMLButtonElement>('.launcher')!;
}

function panel(element: SantaChat): HTMLElement | null {
  return shadow(element).querySelector<HTMLElement>('.panel');
}

function focused(element: SantaChat): Element | null {
  return shadow(element).activeElement;
}

/** WCAG contrast of two computed `rgb()` colours. */
function contrast(foreground: string, background: string): number {
  const luminance = (colour: string): number => {
    const [r, g, b] = (colour.match(/[\d.]+/g) ?? []).slice(0, 3).map((part) => {
      const channel = Number(part) / 255;
      return channel <= 0.03928 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  };
  const [light, dark] = [luminance(foreground), luminance(background)].sort((a, b) => b - a);
  return (light! + 0.05) / (dark! + 0.05);
}

describe('accessibility', () => {
  afterEach(cleanup);

  it('passes an axe audit closed, with the list, in a thread, asking to confirm, inline and dark', async () => {
    const { groupId, santa, giftee } = await createGroup({ santaName: 'Zoë' });
    const santaChat = await chatFor(santa.id, { mode: 'inline' });
    const gifteeChat = await chatFor(giftee.id);
    await connected(santaChat, gifteeChat);
    const conversation = await openMatch(santaChat, groupId);
    await send(santaChat, 'A first message with a link https://example.com/list');
    await until(() => gifteeChat.unread.total === 1, 'giftee unread');
    await gifteeChat.updateComplete;

    await settled(gifteeChat);
    await expect(gifteeChat, 'launcher with a badge and preview').to.be.accessible();
    gifteeChat.show();
    await settled(gifteeChat);
    await expect(gifteeChat, 'conversation list').to.be.accessible();
    shadow(gifteeChat).querySelector<HTMLButtonElement>(`.list button[data-conversation-id="${conversation.id}"]`)!.click();
    await untilMessages(gifteeChat, 1);
    await send(gifteeChat, 'A reply');
    await untilMessages(santaChat, 2);
    await settled(gifteeChat);
    await settled(santaChat);
    await expect(gifteeChat, 'thread (launcher panel)').to.be.accessible();
    await expect(santaChat, 'thread (inline)').to.be.accessible();

    await type(santaChat, 'Love, zoe');
    shadow(santaChat).querySelector<HTMLButtonElement>('.send')!.click();
    await santaChat.updateComplete;
    expect(shadow(santaChat).querySelector('.confirm')).to.exist;
    await settled(santaChat);
    await expect(santaChat, 'self-outing question').to.be.accessible();

    santaChat.setAttribute('theme', 'dark');
    await settled(santaChat);
    await expect(santaChat, 'dark theme').to.be.accessible();
  });

  for (const theme of ['light', 'dark'] as const) {
    it(`passes axe in the ${theme} theme: launcher and inline, list and thread, over the limit, focus in the list`, async function () {
      this.timeout(25000);
      const { groupId, santa, giftee } = await createGroup();
      const santaChat = await chatFor(santa.id, { mode: 'inline', theme });
      const gifteeChat = await chatFor(giftee.id, { theme });
      await connected(santaChat, gifteeChat);
      await settled(santaChat);
      await expect(santaChat, `${theme}: inline list`).to.be.accessible();
      await openMatch(santaChat, groupId);
      await send(santaChat, 'Hello there https://example.com/list');
      await until(() => gifteeChat.unread.total === 1, 'giftee unread');
      await settled(gifteeChat);
      await expect(gifteeChat, `${theme}: launcher with a badge and preview`).to.be.accessible();
      gifteeChat.show();
      await settled(gifteeChat);
      await expect(gifteeChat, `${theme}: launcher list`).to.be.accessible();

      // The list's focus ring is drawn inside the button, where the scroll box cannot clip it.
      const item = shadow(gifteeChat).querySelector<HTMLButtonElement>('.list button[data-conversation-id]')!;
      await sendKeys({ press: 'Tab' });
      await until(() => shadow(gifteeChat).activeElement !== null, 'focus in the panel');
      item.focus();
      expect(item.matches(':focus-visible'), 'focused from the keyboard').to.equal(true);
      const ring = getComputedStyle(item);
      expect(ring.outlineStyle).to.equal('solid');
      expect(Number.parseFloat(ring.outlineOffset) + Number.parseFloat(ring.outlineWidth), 'the ring stays inside the button').to.be.at.most(0);

      item.click();
      await untilMessages(gifteeChat, 1);
      await settled(gifteeChat);
      await settled(santaChat);
      await expect(gifteeChat, `${theme}: launcher thread`).to.be.accessible();
      await expect(santaChat, `${theme}: inline thread`).to.be.accessible();

      // Over the limit: the counter in the error colour, Send disabled; both must stay readable.
      await type(santaChat, 'x'.repeat(LIMITS.maxContentCodePoints + 5));
      const counter = shadow(santaChat).querySelector('.counter')!;
      expect(counter.classList.contains('over')).to.equal(true);
      expect(shadow(santaChat).querySelector<HTMLButtonElement>('.send')!.disabled).to.equal(true);
      await settled(santaChat);
      await expect(santaChat, `${theme}: over the limit`).to.be.accessible();
      // axe skips disabled controls: the disabled Send's own contrast, measured here.
      const send_ = getComputedStyle(shadow(santaChat).querySelector('.send')!);
      expect(contrast(send_.color, send_.backgroundColor), `${theme}: disabled Send`).to.be.at.least(4.5);
      const over = getComputedStyle(counter);
      const surface = getComputedStyle(shadow(santaChat).querySelector('.panel')!).backgroundColor;
      expect(contrast(over.color, surface), `${theme}: over-limit counter`).to.be.at.least(4.5);
    });
  }

  it('names the launcher with the unread total and shows it as a badge', async () => {
    const { groupId, santa, giftee } = await createGroup();
    const santaChat = await chatFor(santa.id, { mode: 'inline' });
    const gifteeChat = await chatFor(giftee.id);
    await connected(santaChat, gifteeChat);
    expect(launcher(gifteeChat).getAttribute('aria-label')).to.equal('Open chat');
    expect(launcher(gifteeChat).getAttribute('aria-expanded')).to.equal('false');
    expect(launcher(gifteeChat).querySelector('.badge')).to.equal(null);
    await openMatch(santaChat, groupId);
    for (const content of ['one', 'two', 'three']) await send(santaChat, content);
    await until(() => launcher(gifteeChat).getAttribute('aria-label') === 'Open chat, 3 unread', 'label with the total');
    const badge = launcher(gifteeChat).querySelector('.badge')!;
    expect(badge.textContent!.trim()).to.equal('3');
    expect(badge.getAttribute('aria-hidden'), 'the label already says it').to.equal('true');
    expect(badge.getAttribute('part')).to.equal('badge');
  });

  it('moves focus into the panel on open; Escape closes it and focus returns to the launcher', async () => {
    const { groupId, santa } = await createGroup();
    const santaChat = await chatFor(santa.id);
    await connected(santaChat);
    expect(panel(santaChat)).to.equal(null);

    // Opening by the launcher (a real click): focus goes into the dialog.
    launcher(santaChat).focus();
    launcher(santaChat).click();
    await santaChat.updateComplete;
    expect(santaChat.open).to.equal(true);
    expect(santaChat.hasAttribute('open')).to.equal(true);
    expect(launcher(santaChat).getAttribute('aria-expanded')).to.equal('true');
    expect(panel(santaChat)!.getAttribute('role')).to.equal('dialog');
    expect(panel(santaChat)!.getAttribute('aria-label')).to.equal('Secret Santa chat');
    await until(() => panel(santaChat)!.contains(focused(santaChat)), 'focus in the panel');

    // Escape from inside the panel (a real key press).
    await sendKeys({ press: 'Escape' });
    await until(() => !santaChat.open, 'closed by Escape');
    await santaChat.updateComplete;
    expect(panel(santaChat)).to.equal(null);
    await until(() => focused(santaChat) === launcher(santaChat), 'focus back on the launcher');

    // Opening a conversation puts focus in its composer; a dispatched Escape closes it too.
    await santaChat.messageMatch(groupId);
    await santaChat.updateComplete;
    await until(() => focused(santaChat)?.id === 'composer-input', 'focus in the composer');
    focused(santaChat)!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, composed: true }));
    await until(() => !santaChat.open, 'closed by Escape');
    await until(() => focused(santaChat) === launcher(santaChat), 'focus back on the launcher');

    // The close button does the same.
    santaChat.show();
    await santaChat.updateComplete;
    shadow(santaChat).querySelector<HTMLButtonElement>('.header button[aria-label="Close chat"]')!.click();
    await until(() => !santaChat.open && focused(santaChat) === launcher(santaChat), 'closed by the button');
  });

  it('keeps every control 24 px, or spaced as WCAG 2.5.8 allows: Report under each of a run, its form, Resume here, at 375 and 800 px', async function () {
    this.timeout(25000);
    // The rule runs in every audit (axe-core ships it disabled; axe-setup.ts turns it on): two
    // 10 px buttons 4 px apart fail it, each within the other's 24 px circle.
    const cramped = document.createElement('div');
    const tiny = 'all: unset; display: inline-block; width: 10px; height: 10px; margin-right: 4px;';
    cramped.innerHTML = `<button style="${tiny}" aria-label="one"></button><button style="${tiny}" aria-label="two"></button>`;
    document.body.append(cramped);
    try {
      expect(await violatedRules(cramped), 'a default audit of two cramped buttons').to.deep.equal(['target-size']);
      expect(await targetSizeViolations(cramped), 'two cramped buttons').to.have.length(2);
    } finally {
      cramped.remove();
    }

    const { groupId, santa, giftee } = await createGroup();
    const santaChat = await chatFor(santa.id, { mode: 'inline' });
    const gifteeChat = await chatFor(giftee.id, { mode: 'inline' });
    await connected(santaChat, gifteeChat);
    await openMatch(santaChat, groupId);
    // A run of short messages: each has its own Report, one above the other.
    for (const text of ['Hi', 'ok', 'A longer one that wraps onto a second line on a phone, with more words in it']) await send(santaChat, text);
    await openMatch(gifteeChat, groupId, 'santa');
    await untilMessages(gifteeChat, 3);
    for (const width of ['375px', '800px']) {
      gifteeChat.style.width = width;
      await settled(gifteeChat);
      const reports = messageElements(gifteeChat).map((message) => message.querySelector('.meta button'));
      expect(reports.every((button) => button?.textContent === 'Report'), 'a Report under each').to.equal(true);
      expect(await targetSizeViolations(gifteeChat), `the thread at ${width}`).to.deep.equal([]);
    }
    messageElements(gifteeChat)[1]!.querySelector<HTMLButtonElement>('.meta button')!.click();
    await until(() => shadow(gifteeChat).querySelector('.report-form') !== null, 'the report form opens');
    await settled(gifteeChat);
    expect(await targetSizeViolations(gifteeChat), 'with the report form open').to.deep.equal([]);
    // A failed message's Retry and Delete: composer.test.ts audits them, with this rule on.

    // Paused because the giftee opened too many tabs: the banner's "Resume here".
    const tabs: SantaChat[] = [];
    for (let index = 0; index < LIMITS.maxSocketsPerUser; index += 1) tabs.push(await chatFor(giftee.id, { mode: 'inline' }));
    await connected(...tabs);
    await until(() => shadow(gifteeChat).querySelector('.banner button') !== null, 'paused by the newest tab');
    expect(shadow(gifteeChat).querySelector('.banner button')!.textContent).to.equal('Resume here');
    for (const width of ['375px', '800px']) {
      gifteeChat.style.width = width;
      await settled(gifteeChat);
      expect(await targetSizeViolations(gifteeChat), `the paused banner at ${width}`).to.deep.equal([]);
    }
  });

  it('shows messages in a role="log" live region labelled with the conversation', async () => {
    const { groupId, santa, giftee } = await createGroup();
    const santaChat = await chatFor(santa.id, { mode: 'inline' });
    await connected(santaChat);
    await openMatch(santaChat, groupId);
    const log = shadow(santaChat).querySelector('.log')!;
    expect(log.getAttribute('role')).to.equal('log');
    expect(log.getAttribute('aria-live')).to.equal('polite');
    expect(log.getAttribute('aria-label')).to.equal(`Your giftee: ${giftee.name}`);
    expect(panel(santaChat)!.getAttribute('role'), 'inline is a region, not a dialog').to.equal('region');
    const input = shadow(santaChat).querySelector('#composer-input')!;
    expect(input.getAttribute('aria-label')).to.equal(`Message to ${giftee.name}`);
    expect(input.getAttribute('aria-describedby')).to.equal('composer-counter');
  });
});
