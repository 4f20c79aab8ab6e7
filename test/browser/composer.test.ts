/**
 * The composer: Enter and Shift+Enter, the code-point counter and the 500 limit of the
 * shared content rule, the self-outing guard, and failed sends with Retry and Delete.
 */
import { expect } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import {
  bubbles,
  chatFor,
  cleanup,
  connected,
  createGroup,
  messageElements,
  openMatch,
  pressChord,
  send,
  sendButton,
  settled,
  shadow,
  shadowText,
  sleep,
  textarea,
  type,
  typeKeys,
  until,
  untilMessages,
} from './harness.js';
import type { SantaChat } from '../../widget/src/santa-chat.component.js';

function counter(element: SantaChat): HTMLElement {
  return shadow(element).querySelector<HTMLElement>('#composer-counter')!;
}

function keydown(element: SantaChat, init: KeyboardEventInit): KeyboardEvent {
  const event = new KeyboardEvent('keydown', { bubbles: true, composed: true, cancelable: true, ...init });
  textarea(element).dispatchEvent(event);
  return event;
}

function confirmBox(element: SantaChat): HTMLElement | null {
  return shadow(element).querySelector<HTMLElement>('.confirm');
}

function buttonNamed(root: ParentNode, name: string): HTMLButtonElement {
  const button = [...root.querySelectorAll('button')].find((candidate) => candidate.textContent?.trim() === name);
  if (!button) throw new Error(`no button "${name}"`);
  return button;
}

async function pair(options: Parameters<typeof createGroup>[0] = {}) {
  const group = await createGroup(options);
  const santaChat = await chatFor(group.santa.id, { mode: 'inline' });
  const gifteeChat = await chatFor(group.giftee.id, { mode: 'inline' });
  await connected(santaChat, gifteeChat);
  await openMatch(santaChat, group.groupId);
  await openMatch(gifteeChat, group.groupId, 'santa');
  return { ...group, santaChat, gifteeChat };
}

describe('composer', () => {
  afterEach(cleanup);

  it('Enter sends, Shift+Enter does not (dispatched KeyboardEvents)', async () => {
    const { santaChat, gifteeChat } = await pair();
    await type(santaChat, 'line one\nline two');
    const shifted = keydown(santaChat, { key: 'Enter', shiftKey: true });
    expect(shifted.defaultPrevented, 'Shift+Enter keeps its newline').to.equal(false);
    await santaChat.updateComplete;
    expect(textarea(santaChat).value).to.equal('line one\nline two');
    expect(bubbles(santaChat)).to.deep.equal([]);

    const enter = keydown(santaChat, { key: 'Enter' });
    expect(enter.defaultPrevented, 'Enter does not add a newline').to.equal(true);
    await santaChat.updateComplete;
    expect(textarea(santaChat).value, 'the composer is emptied').to.equal('');
    expect(await untilMessages(gifteeChat, 1)).to.deep.equal(['line one\nline two']);

    // Enter while an IME is composing does not send.
    await type(santaChat, 'kana');
    keydown(santaChat, { key: 'Enter', isComposing: true });
    await santaChat.updateComplete;
    expect(textarea(santaChat).value).to.equal('kana');

    // Nor the Enter that commits it in WebKit (Safari): the composition has already ended, so
    // that keydown has isComposing false, with the IME's keyCode 229.
    textarea(santaChat).dispatchEvent(new CompositionEvent('compositionstart', { data: '' }));
    textarea(santaChat).dispatchEvent(new CompositionEvent('compositionend', { data: 'かな' }));
    const committing = keydown(santaChat, { key: 'Enter', keyCode: 229 } as KeyboardEventInit);
    expect(committing.keyCode, 'the event carries the IME keyCode').to.equal(229);
    expect(committing.defaultPrevented, 'the IME keeps its Enter').to.equal(false);
    await santaChat.updateComplete;
    expect(textarea(santaChat).value).to.equal('kana');
    await sleep(200);
    expect(await untilMessages(gifteeChat, 1), 'only the first message was sent').to.deep.equal(['line one\nline two']);
  });

  it('Enter sends and Shift+Enter adds a newline (real key presses)', async () => {
    const { santaChat, gifteeChat } = await pair();
    textarea(santaChat).focus();
    await typeKeys('Hello');
    await pressChord('Shift', 'Enter');
    await typeKeys('there');
    await santaChat.updateComplete;
    expect(textarea(santaChat).value).to.equal('Hello\nthere');
    await sendKeys({ press: 'Enter' });
    expect(await untilMessages(gifteeChat, 1)).to.deep.equal(['Hello\nthere']);
    expect(textarea(santaChat).value).to.equal('');
    expect(shadow(santaChat).activeElement, 'focus stays in the composer').to.equal(textarea(santaChat));
  });

  it('a draft being typed keeps its element, text, caret and focus while messages arrive and the sent one settles', async () => {
    const { santaChat, gifteeChat } = await pair();
    await send(santaChat, 'first');
    await untilMessages(gifteeChat, 1);
    const input = textarea(santaChat);
    input.focus();
    await typeKeys('Hello there');
    input.setSelectionRange(5, 5);
    const sentMessage = messageElements(santaChat)[0];
    // Two messages arrive while the caret sits mid-draft: the thread re-renders around the
    // composer. The giftee's element sends through its client, which leaves the page's focus alone.
    const conversationId = gifteeChat.activeConversationId!;
    await gifteeChat.client!.send(conversationId, 'a reply');
    await gifteeChat.client!.send(conversationId, 'and another');
    expect(await untilMessages(santaChat, 3)).to.deep.equal(['first', 'a reply', 'and another']);
    await santaChat.updateComplete;
    expect(textarea(santaChat), 'the same textarea').to.equal(input);
    expect(input.value).to.equal('Hello there');
    expect([input.selectionStart, input.selectionEnd], 'the caret stays where it was').to.deep.equal([5, 5]);
    expect(shadow(santaChat).activeElement, 'focus stays in the composer').to.equal(input);
    expect(messageElements(santaChat)[0], 'the sent message keeps its element').to.equal(sentMessage);
    await typeKeys(',');
    expect(input.value).to.equal('Hello, there');
  });

  it('counts code points left by the shared rule and disables Send when blank or over 500', async () => {
    const { santaChat, gifteeChat } = await pair();
    expect(counter(santaChat).textContent!.trim()).to.equal('500 characters left');
    expect(sendButton(santaChat).disabled, 'blank').to.equal(true);

    await type(santaChat, '  \n\t  ');
    expect(sendButton(santaChat).disabled, 'whitespace only').to.equal(true);
    expect(counter(santaChat).textContent!.trim()).to.equal('500 characters left');

    // Trimmed, and \r\n counts as one newline; an emoji is one code point.
    await type(santaChat, '  a\r\nb 🎅  ');
    expect(counter(santaChat).textContent!.trim()).to.equal('495 characters left');
    expect(sendButton(santaChat).disabled).to.equal(false);

    const exactly500 = '🎅'.repeat(500);
    await type(santaChat, exactly500);
    expect(counter(santaChat).textContent!.trim()).to.equal('0 characters left');
    expect(counter(santaChat).classList.contains('over')).to.equal(false);
    expect(sendButton(santaChat).disabled, '500 code points is allowed').to.equal(false);

    await type(santaChat, `${exactly500}x`);
    expect(counter(santaChat).textContent!.trim()).to.equal('1 characters over the limit');
    expect(counter(santaChat).classList.contains('over')).to.equal(true);
    expect(sendButton(santaChat).disabled, '501 code points is refused').to.equal(true);
    keydown(santaChat, { key: 'Enter' });
    await santaChat.updateComplete;
    expect(textarea(santaChat).value, 'Enter does not send it either').to.equal(`${exactly500}x`);

    // A character the rule refuses (a control character) says so, and cannot be sent.
    await type(santaChat, 'ring the bell\u0007');
    expect(counter(santaChat).textContent!.trim()).to.equal('The message contains characters that cannot be sent.');
    expect(sendButton(santaChat).disabled).to.equal(true);

    await type(santaChat, exactly500);
    sendButton(santaChat).click();
    const [received] = await untilMessages(gifteeChat, 1);
    expect(received).to.equal(exactly500);
    expect([...received!].length).to.equal(500);
    await sleep(300);
    expect(bubbles(gifteeChat), 'the 501 was never sent').to.have.length(1);
  });

  it('asks a santa who names themself (other case, no accents) and sends only on "Send anyway"', async () => {
    const { santaChat, gifteeChat, santa, tag } = await pair({ santaName: 'Zoë Ålander' });
    expect(santa.name).to.equal(`Zoë Ålander ${tag}`);

    await type(santaChat, 'Love, ZOE');
    sendButton(santaChat).click();
    await santaChat.updateComplete;
    const box = confirmBox(santaChat);
    expect(box, 'confirm shown').to.exist;
    expect(box!.getAttribute('role')).to.equal('alertdialog');
    expect(box!.textContent).to.include('This may reveal who you are. Send anyway?');

    // "Edit": nothing is sent, the draft stays, focus goes back to the text.
    buttonNamed(box!, 'Edit').click();
    await santaChat.updateComplete;
    expect(confirmBox(santaChat)).to.equal(null);
    expect(textarea(santaChat).value).to.equal('Love, ZOE');
    await santaChat.updateComplete;
    expect(shadow(santaChat).activeElement).to.equal(textarea(santaChat));

    // Enter asks too; "Send anyway" sends.
    await type(santaChat, 'greetings from alander!');
    keydown(santaChat, { key: 'Enter' });
    await santaChat.updateComplete;
    buttonNamed(confirmBox(santaChat)!, 'Send anyway').click();
    await santaChat.updateComplete;
    expect(confirmBox(santaChat)).to.equal(null);
    expect(await untilMessages(gifteeChat, 1)).to.deep.equal(['greetings from alander!']);
    expect(bubbles(santaChat)).to.deep.equal(['greetings from alander!']);

    // Escape dismisses the question without sending.
    await type(santaChat, 'zoe again');
    sendButton(santaChat).click();
    await santaChat.updateComplete;
    expect(confirmBox(santaChat)).to.exist;
    keydown(santaChat, { key: 'Escape' });
    await santaChat.updateComplete;
    expect(confirmBox(santaChat)).to.equal(null);

    // Words that only contain the name, and the giftee's name, are not asked about.
    await type(santaChat, 'a zoetrope for you');
    sendButton(santaChat).click();
    await untilMessages(gifteeChat, 2);
    expect(confirmBox(santaChat)).to.equal(null);
    await sleep(300);
    expect(bubbles(gifteeChat)).to.deep.equal(['greetings from alander!', 'a zoetrope for you']);
  });

  it('never asks the giftee, even when they write their own name', async () => {
    const { santaChat, gifteeChat, giftee } = await pair({ gifteeName: 'Zoë' });
    await send(gifteeChat, `It is ${giftee.name.toUpperCase()} here, ZOE!`);
    expect(confirmBox(gifteeChat)).to.equal(null);
    expect(await untilMessages(santaChat, 1)).to.deep.equal([`It is ${giftee.name.toUpperCase()} here, ZOE!`]);
  });

  it('shows why a message was refused, with Retry (sends it) and Delete (drops it)', async () => {
    const { santaChat, gifteeChat } = await pair();
    // The network corrupts the next NEW_MESSAGE frame into one the relay refuses (TOO_LONG).
    const originalSend = WebSocket.prototype.send;
    let corruptNext = true;
    WebSocket.prototype.send = function (this: WebSocket, data: string | ArrayBufferLike | Blob | ArrayBufferView) {
      if (corruptNext && typeof data === 'string' && data.includes('"NEW_MESSAGE"')) {
        corruptNext = false;
        const frame = JSON.parse(data) as { content: string };
        frame.content = 'x'.repeat(501);
        return originalSend.call(this, JSON.stringify(frame));
      }
      return originalSend.call(this, data);
    };
    try {
      await send(santaChat, 'first try');
      await until(() => shadowText(santaChat).includes('Not sent: The message is too long.'), 'failure shown');
      const failed = messageElements(santaChat)[0]!;
      expect(failed.classList.contains('failed')).to.equal(true);
      expect(failed.querySelector('.bubble')!.textContent).to.equal('first try');
      await settled(santaChat);
      await expect(santaChat, 'a failed message with Retry and Delete').to.be.accessible();
      buttonNamed(failed, 'Retry').click();
      expect(await untilMessages(gifteeChat, 1)).to.deep.equal(['first try']);
      await until(() => !shadowText(santaChat).includes('Not sent'), 'retry succeeded');
      expect(messageElements(santaChat)[0]!.classList.contains('sent')).to.equal(true);

      corruptNext = true;
      await send(santaChat, 'second try');
      await until(() => shadowText(santaChat).includes('Not sent: The message is too long.'), 'second failure shown');
      buttonNamed(messageElements(santaChat)[1]!, 'Delete').click();
      await until(() => bubbles(santaChat).length === 1, 'deleted');
      expect(bubbles(santaChat)).to.deep.equal(['first try']);
      await sleep(300);
      expect(bubbles(gifteeChat)).to.deep.equal(['first try']);
    } finally {
      WebSocket.prototype.send = originalSend;
    }
  });
});
