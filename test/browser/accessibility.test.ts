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
  openMatch,
  send,
  settled,
  shadow,
  type,
  until,
  untilMessages,
} from './harness.js';
import type { SantaChat } from '../../widget/src/santa-chat.component.js';

function launcher(element: SantaChat): HTMLButtonElement {
  return shadow(element).querySelector<HTMLButtonElement>('.launcher')!;
}

function panel(element: SantaChat): HTMLElement | null {
  return shadow(element).querySelector<HTMLElement>('.panel');
}

function focused(element: SantaChat): Element | null {
  return shadow(element).activeElement;
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
