/**
 * The Report action: on each message of the other side (not one's own), keyboard reachable, a
 * confirmation with an optional reason, then "Reported"; the relay stores the report for the
 * organizer with the real sender.
 */
import { expect } from '@open-wc/testing';
import { chatFor, cleanup, connected, createGroup, messageElements, openMatch, send, shadow, until, untilMessages } from './harness.js';

describe('report', () => {
  afterEach(cleanup);

  it('reports a message of the other side with a reason, and shows it reported', async () => {
    const { groupId, santa, giftee } = await createGroup();
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
    const { reports } = (await response.json()) as { reports: { senderId: string; reporterId: string; reason: string; text: string }[] };
    expect(reports.map(({ senderId, reporterId, reason, text }) => ({ senderId, reporterId, reason, text }))).to.deep.equal([
      { senderId: santa.id, reporterId: giftee.id, reason: 'Rude', text: 'Something unkind' },
    ]);
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
