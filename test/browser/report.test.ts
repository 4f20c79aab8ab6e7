/**
 * The Report action: on each message of the other side (not one's own), keyboard reachable, a
 * confirmation with an optional reason, then "Reported"; the relay stores the report for the
 * organizer with the real sender.
 */
import { expect } from '@open-wc/testing';
import type { WebhookEvent } from '../../protocol/webhooks.js';
import { chatFor, cleanup, connected, createGroup, messageElements, openMatch, send, shadow, until, untilMessages } from './harness.js';
import { RawParticipant } from './headless.js';

/** What the host's webhook receiver got (signatures checked by the relay plugin). */
async function webhookEvents(): Promise<WebhookEvent[]> {
  const { deliveries } = (await (await fetch('/__relay/webhooks')).json()) as { deliveries: { id: string; event: WebhookEvent }[] };
  return deliveries.map(({ event }) => event);
}

describe('report', () => {
  afterEach(cleanup);

  it('reports a message of the other side with a reason, shows it reported, and the host hears of it', async () => {
    const { groupId, santa, giftee, third } = await createGroup();
    const santaChat = await chatFor(santa.id, { mode: 'inline' });
    const gifteeChat = await chatFor(giftee.id, { mode: 'inline' });
    await connected(santaChat, gifteeChat);
    await openMatch(santaChat, groupId);
    await openMatch(gifteeChat, groupId, 'santa');
    await send(santaChat, 'Something unkind');
    await untilMessages(gifteeChat, 1);
    await send(gifteeChat, 'Hey!');
    await until(() => messageElements(gifteeChat).length === 2 && !shadow(gifteeChat).textContent!.includes('Sending…'), 'both shown');

    const [theirs, own] = messageElements(gifteeChat);
    expect(own!.querySelector('.meta button')).to.equal(null, 'no Report on one\'s own message');
    const report = theirs!.querySelector<HTMLButtonElement>('.meta button');
    expect(report?.textContent).to.equal('Report');
    expect(report!.tabIndex).to.equal(0);
    report!.focus();
    report!.click();
    await until(() => shadow(gifteeChat).querySelector('.report-form') !== null, 'the confirmation opens');
    const reason = shadow(gifteeChat).querySelector<HTMLTextAreaElement>('.report-form textarea')!;
    await until(() => shadow(gifteeChat).activeElement === reason, 'the reason field has the focus');
    expect(reason.maxLength).to.equal(500);
    reason.value = 'Rude';
    shadow(gifteeChat).querySelector<HTMLButtonElement>('.report-form button[type="submit"]')!.click();
    await until(() => messageElements(gifteeChat)[0]!.querySelector('.meta')!.textContent!.includes('Reported'), 'Reported shows');
    expect(shadow(gifteeChat).querySelector('.report-form')).to.equal(null);

    const response = await fetch(`/__relay/reports/${groupId}`);
    const { reports } = (await response.json()) as { reports: { senderId: string; reporterId: string; reason: string; text: string; messageId: string; conversationId: string }[] };
    expect(reports.map(({ senderId, reporterId, reason, text }) => ({ senderId, reporterId, reason, text }))).to.deep.equal([
      { senderId: santa.id, reporterId: giftee.id, reason: 'Rude', text: 'Something unkind' },
    ]);
    const [{ messageId, conversationId }] = reports as [(typeof reports)[number]];

    // The host's webhook receiver gets message.reported, signed, with the real sender.
    let reported: Extract<WebhookEvent, { type: 'message.reported' }> | undefined;
    for (let tries = 0; reported === undefined && tries < 50; tries += 1) {
      const events = await webhookEvents();
      reported = events.find((event) => event.type === 'message.reported' && event.data.messageId === messageId) as typeof reported;
      if (reported === undefined) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(reported, 'message.reported reaches the receiver').to.not.equal(undefined);
    expect({ ...reported!.data, reportedAt: undefined }).to.deep.equal({
      groupId,
      conversationId,
      messageId,
      reporterId: giftee.id,
      senderId: santa.id,
      text: 'Something unkind',
      reason: 'Rude',
      reportedAt: undefined,
    });

    // A stranger to the conversation (the group's third member) cannot report the message.
    const stranger = await RawParticipant.connect(third.id);
    try {
      stranger.send({ type: 'REPORT', conversationId, messageId });
      expect((await stranger.next('ERROR')).code).to.equal('FORBIDDEN');
    } finally {
      stranger.close();
    }
    const after = (await (await fetch(`/__relay/reports/${groupId}`)).json()) as { reports: unknown[] };
    expect(after.reports.length).to.equal(1, 'the stranger\'s report is not stored');
    expect((await webhookEvents()).filter((event) => event.type === 'message.reported' && event.data.messageId === messageId).length).to.equal(1);
  });

  it('cancels without reporting', async () => {
    const { groupId, santa, giftee } = await createGroup();
    const santaChat = await chatFor(santa.id, { mode: 'inline' });
    const gifteeChat = await chatFor(giftee.id, { mode: 'inline' });
    await connected(santaChat, gifteeChat);
    await openMatch(santaChat, groupId);
    await openMatch(gifteeChat, groupId, 'santa');
    await send(santaChat, 'Hello');
    await untilMessages(gifteeChat, 1);
    messageElements(gifteeChat)[0]!.querySelector<HTMLButtonElement>('.meta button')!.click();
    await until(() => shadow(gifteeChat).querySelector('.report-form') !== null, 'the confirmation opens');
    [...shadow(gifteeChat).querySelectorAll<HTMLButtonElement>('.report-form button')].find((button) => button.textContent === 'Cancel')!.click();
    await until(() => shadow(gifteeChat).querySelector('.report-form') === null, 'closed');
    expect(messageElements(gifteeChat)[0]!.querySelector('.meta button')?.textContent).to.equal('Report');
    const { reports } = (await (await fetch(`/__relay/reports/${groupId}`)).json()) as { reports: unknown[] };
    expect(reports).to.deep.equal([]);
  });
});
