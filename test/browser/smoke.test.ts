import { expect } from '@open-wc/testing';
import { chatFor, cleanup, createGroup, shadow, until } from './harness.js';

describe('smoke', () => {
  afterEach(cleanup);

  it('santa and giftee exchange a message', async () => {
    const { groupId, santa, giftee } = await createGroup();
    const santaChat = await chatFor(santa.id, { mode: 'inline' });
    const gifteeChat = await chatFor(giftee.id, { mode: 'inline' });
    await until(() => santaChat.connectionState === 'connected' && gifteeChat.connectionState === 'connected', 'both connected');
    await santaChat.messageMatch(groupId);
    await santaChat.updateComplete;
    const input = shadow(santaChat).querySelector('textarea');
    expect(input).to.exist;
    input!.value = 'Do you like blue or red?';
    input!.dispatchEvent(new InputEvent('input'));
    await santaChat.updateComplete;
    (shadow(santaChat).querySelector('.send') as HTMLButtonElement).click();
    await until(() => (gifteeChat.unread.total ?? 0) === 1, 'giftee unread 1');
  });
});
