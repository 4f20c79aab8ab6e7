/**
 * How the widget looks where participants use it (issue #14): a phone's screen (375 × 812, in
 * a frame of that size: engine-neutral), a host page whose text styles inherit, one time
 * under a run of messages, German day separators and strings from `lang`, `borderless`.
 */
import { expect } from '@open-wc/testing';
import { sendMouse } from '@web/test-runner-commands';
import { de } from '../../widget/src/locales/de.js';
import type { SantaChat } from '../../widget/src/santa-chat.component.js';
import { chatFor, cleanup, connected, createGroup, openMatch, send, settled, shadow, until, untilMessages } from './harness.js';
import type * as Harness from './harness.js';
import { renderThreadFixture, sentMessage } from './thread-fixture.js';

/** Opens phone-page.html in a 375 × 812 frame; resolves with the frame and its harness. */
async function phoneFrame(): Promise<{ frame: HTMLIFrameElement; harness: typeof Harness }> {
  const frame = document.createElement('iframe');
  // Drawn at half size, so all of it lies inside the test page's viewport (a real pointer
  // cannot click outside it); inside, the frame's viewport is 375 × 812 CSS pixels.
  frame.style.cssText = 'width: 375px; height: 812px; border: 0; position: fixed; left: 0; top: 0; transform: scale(0.5); transform-origin: 0 0;';
  const ready = new Promise<void>((resolve) => {
    window.addEventListener('message', function onMessage(event: MessageEvent) {
      if (event.source !== frame.contentWindow || (event.data as { source?: string })?.source !== 'santa-chat-phone') return;
      window.removeEventListener('message', onMessage);
      resolve();
    });
  });
  frame.src = '/test/browser/phone-page.html';
  document.body.append(frame);
  await ready;
  frames.push(frame);
  return { frame, harness: (frame.contentWindow as Window & { harness: typeof Harness }).harness };
}

const frames: HTMLIFrameElement[] = [];

function centre(element: Element): [number, number] {
  const box = element.getBoundingClientRect();
  return [box.left + box.width / 2, box.top + box.height / 2];
}

const at = (minutes: number): string => new Date(2026, 11, 20, 9, minutes).toISOString();
const message = (seq: number, senderId: 'me' | 'peer', minutes: number) => sentMessage(seq, senderId, at(minutes));

describe('looks', () => {
  afterEach(async () => {
    for (const frame of frames.splice(0)) {
      await (frame.contentWindow as (Window & { harness?: typeof Harness }) | null)?.harness?.cleanup();
      frame.remove();
    }
    await cleanup();
  });

  it('on a 375 × 812 phone: the panel fills the screen, the launcher hides, Send is on top and a tap sends', async function () {
    this.timeout(20000);
    const { groupId, santa, giftee } = await createGroup();
    const { frame, harness } = await phoneFrame();
    const chat = (await harness.chatFor(santa.id)) as SantaChat;
    const gifteeChat = await chatFor(giftee.id, { mode: 'inline' });
    await harness.connected(chat);
    const conversation = await harness.openMatch(chat, groupId);
    await harness.settled(chat);
    const root = shadow(chat);
    const panel = root.querySelector<HTMLElement>('.panel')!;
    expect(panel.getBoundingClientRect().width, 'full width').to.equal(375);
    expect(panel.getBoundingClientRect().height, 'full height').to.equal(812);
    const launcher = root.querySelector<HTMLElement>('.launcher')!;
    expect(getComputedStyle(launcher).display, 'the launcher hides while the panel is open').to.equal('none');

    for (const [what, target] of [
      ['back', root.querySelector('.header button[aria-label="Back to conversations"]')],
      ['close', root.querySelector('.header button[aria-label="Close chat"]')],
      ['send', root.querySelector('.send')],
    ] as const) {
      expect(target, what).to.exist;
      const box = target!.getBoundingClientRect();
      expect(box.width, `${what} is 44 px wide at least`).to.be.at.least(44);
      expect(box.height, `${what} is 44 px tall at least`).to.be.at.least(44);
    }

    await harness.type(chat, 'Tapped on a phone');
    const sendButton = root.querySelector<HTMLButtonElement>('.send')!;
    const [x, y] = centre(sendButton);
    expect(root.elementFromPoint(x, y), 'Send is the element at its own centre').to.equal(sendButton);
    // A real pointer click at that point, in the page's coordinates (the frame at half size).
    const frameBox = frame.getBoundingClientRect();
    const scale = frameBox.width / 375;
    await sendMouse({ type: 'click', position: [Math.round(frameBox.left + x * scale), Math.round(frameBox.top + y * scale)] });
    await harness.until(() => chat.client!.messages(conversation.id).some((sent) => sent.status === 'sent'), 'the tap sent the message');
    await openMatch(gifteeChat, groupId, 'santa');
    expect(await untilMessages(gifteeChat, 1)).to.deep.equal(['Tapped on a phone']);
  });

  it('a host page with text-align: center, letter-spacing and more on body does not move the widget’s text', async function () {
    this.timeout(20000);
    const { groupId, santa } = await createGroup();
    const { harness } = await phoneFrame();
    const chat = (await harness.chatFor(santa.id, { mode: 'inline' })) as SantaChat;
    await harness.connected(chat);
    await harness.openMatch(chat, groupId);
    await harness.type(chat, 'x');
    const root = shadow(chat);
    for (const selector of ['.header h2', '.counter', '.bubble', '.send']) {
      const element = root.querySelector(selector);
      if (!element) continue;
      const style = getComputedStyle(element);
      expect(style.letterSpacing, `${selector} letter-spacing`).to.equal('normal');
      expect(style.wordSpacing, `${selector} word-spacing`).to.equal('0px');
      expect(style.textTransform, `${selector} text-transform`).to.equal('none');
    }
    for (const selector of ['.header h2', '.counter']) {
      const element = root.querySelector(selector)!;
      expect(getComputedStyle(element).textAlign, `${selector} text-align`).to.be.oneOf(['start', 'left']);
      const range = document.createRange();
      range.selectNodeContents(element);
      const text = range.getBoundingClientRect();
      expect(text.left - element.getBoundingClientRect().left, `${selector} text starts at the left of its box, not centred`).to.be.below(2);
    }
    expect(Number.parseFloat(getComputedStyle(root.querySelector('.counter')!).lineHeight), 'the line height is 1.4, not the host’s 3').to.be.closeTo(12 * 1.4, 0.01);
  });

  it('shows one time under a run of messages from one side within 5 minutes', () => {
    const thread = renderThreadFixture([
      message(1, 'me', 0),
      message(2, 'me', 1),
      message(3, 'me', 4),
      message(4, 'peer', 5),
      message(5, 'peer', 20),
      message(6, 'me', 21),
    ]);
    const times = [...thread.querySelectorAll('.message')].map((node) => node.querySelector('time') !== null);
    expect(times).to.deep.equal([false, false, true, true, true, true]);
    // Every own message still says "Sent" to a screen reader.
    expect(thread.querySelectorAll('.own .visually-hidden').length).to.be.at.least(4);
  });

  it('lang="de": German day separators and strings, the locale loaded on demand', async function () {
    this.timeout(15000);
    const thread = renderThreadFixture([message(1, 'me', 0)], { locale: 'de', strings: de });
    expect(thread.querySelector('.day')!.textContent).to.equal('Heute');

    const { groupId, santa } = await createGroup();
    const chat = await chatFor(santa.id, { mode: 'inline', lang: 'de' });
    await connected(chat);
    await openMatch(chat, groupId);
    await send(chat, 'Hallo');
    await until(() => shadow(chat).querySelector('.day') !== null && !shadow(chat).textContent!.includes('Wird gesendet'), 'sent');
    await chat.updateComplete;
    expect(shadow(chat).querySelector('.day')!.textContent).to.equal('Heute');
    expect(shadow(chat).querySelector('.send')!.textContent!.trim()).to.equal('Senden');
    expect(shadow(chat).querySelector('#composer-input')!.getAttribute('placeholder')).to.equal(de.placeholder);
    // A host's own strings still win over the table.
    chat.strings = { send: 'Abschicken' };
    await chat.updateComplete;
    expect(shadow(chat).querySelector('.send')!.textContent!.trim()).to.equal('Abschicken');
  });

  it('borderless drops the inline panel’s border and radius', async () => {
    const { santa } = await createGroup();
    const chat = await chatFor(santa.id, { mode: 'inline' });
    await settled(chat);
    const panel = (): CSSStyleDeclaration => getComputedStyle(shadow(chat).querySelector('.panel')!);
    expect(panel().borderTopWidth).to.equal('1px');
    chat.borderless = true;
    await settled(chat);
    expect(chat.hasAttribute('borderless'), 'reflected').to.equal(true);
    expect(panel().borderTopWidth).to.equal('0px');
    expect(panel().borderTopLeftRadius).to.equal('0px');
  });
});
