/**
 * Motion and prefers-reduced-motion: the launcher's panel fades in only when the system has no
 * preference against motion, and the log jumps to new messages (no smooth scrolling) always.
 */
import { expect } from '@open-wc/testing';
import { emulateMedia } from '@web/test-runner-commands';
import { chatFor, cleanup, connected, createGroup, engine, openMatch, shadow, untilMessages } from './harness.js';
import { RawParticipant } from './headless.js';
import type { SantaChat } from '../../widget/src/santa-chat.component.js';

function nextFrame(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => resolve()));
}

/** Opens the launcher's panel and checks how it appears; closes it again. */
async function expectPanelMotion(element: SantaChat, reduced: boolean): Promise<void> {
  element.show();
  await element.updateComplete;
  const panel = shadow(element).querySelector<HTMLElement>('.panel')!;
  const animations = panel.getAnimations();
  if (reduced) {
    expect(animations, 'no animation under reduced motion').to.deep.equal([]);
    expect(getComputedStyle(panel).animationName).to.equal('none');
    expect(getComputedStyle(panel).opacity, 'fully shown at once').to.equal('1');
  } else {
    expect(animations.map((animation) => (animation as CSSAnimation).animationName), 'the fade-in').to.deep.equal(['rise']);
    expect(animations[0]!.effect!.getTiming().duration).to.equal(160);
    await Promise.all(animations.map((animation) => animation.finished));
    expect(getComputedStyle(panel).opacity, 'fully shown once it ends').to.equal('1');
  }
  element.close();
  await element.updateComplete;
}

describe('motion', () => {
  afterEach(cleanup);

  it('fades the panel in, and not under prefers-reduced-motion: reduce', async () => {
    const { santa } = await createGroup();
    const element = await chatFor(santa.id);
    await connected(element);
    const runningIn = await engine();
    if (runningIn === 'chromium') {
      try {
        await emulateMedia({ reducedMotion: 'reduce' });
        await expectPanelMotion(element, true);
        await emulateMedia({ reducedMotion: 'no-preference' });
        await expectPanelMotion(element, false);
      } finally {
        await emulateMedia({ reducedMotion: 'no-preference' });
      }
      return;
    }
    // Firefox and WebKit: a test cannot emulate media features there (emulateMedia needs
    // Chrome's protocol). The run's own setting is checked instead: WebKit's run has GTK's
    // animations off, which WebKitGTK reports as reduce (test/run-browsers.mjs); Firefox's has
    // no preference. So each way is checked in a non-Chromium engine too.
    const reduced = matchMedia('(prefers-reduced-motion: reduce)').matches;
    expect(reduced, `the ${runningIn} run's configured motion preference`).to.equal(runningIn === 'webkit');
    await expectPanelMotion(element, reduced);
  });

  it('jumps to each new message at the end of the log, without smooth scrolling', async () => {
    const { groupId, santa, giftee } = await createGroup();
    const element = await chatFor(santa.id, { mode: 'inline', style: 'height: 260px' });
    await connected(element);
    await openMatch(element, groupId);
    const other = await RawParticipant.connect(giftee.id);
    try {
      const conversation = await other.conversation(groupId, 'santa');
      const log = shadow(element).querySelector<HTMLElement>('.log')!;
      expect(getComputedStyle(log).scrollBehavior).to.equal('auto');
      const gap = () => log.scrollHeight - log.scrollTop - log.clientHeight;
      // Six (under the relay's rate limit of ten in ten seconds), of three lines each.
      for (let count = 1; count <= 6; count++) {
        const ack = await other.sendMessage(conversation.id, `Message number ${count},\nthree lines\nof the log.`);
        expect(ack.type, JSON.stringify(ack)).to.equal('ACK');
        await untilMessages(element, count);
        // The widget scrolls in the frame after it renders: by the next one it is at the end,
        // where a smooth scroll would still be on its way.
        await nextFrame();
        await nextFrame();
        expect(gap(), `at the end after message ${count}`).to.be.at.most(1);
      }
      expect(log.scrollHeight, 'the log overflows').to.be.greaterThan(log.clientHeight * 2);
    } finally {
      other.close();
    }
  });
});
