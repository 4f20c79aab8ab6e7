/**
 * `logout()`, then another user on the same browser: nothing of the first user is left
 * anywhere a later user (or a script of the page) could read: no IndexedDB database of theirs
 * (every database of the origin is enumerated and every store read), nothing in Web Storage,
 * Cache Storage or cookies, and nothing in the DOM (markup, shadow trees, form values). The
 * first user is logged out in the worst state: relay unreachable with a message still in the
 * outbox, a draft typed, a launcher preview showing, a conversation open.
 *
 * api-events.test.ts already checks the basic case (the user's database is deleted, another
 * user's stays, it is not re-created); this extends it to every kind of browser storage, the
 * DOM, the same element taken over by the next user, and a logout racing the cache load.
 */
import { expect } from '@open-wc/testing';
import type { SantaChat } from '../../widget/src/santa-chat.component.js';
import { domState, everythingStored, indexedDbState, storageState, type Scanned } from './browser-state.js';
import { RawParticipant } from './headless.js';
import {
  cacheName,
  chatFor,
  cleanup,
  connected,
  createGroup,
  readDatabase,
  send,
  shadow,
  sleep,
  startRelay,
  stopRelay,
  tokenFor,
  type,
  until,
  untilMessages,
  openMatch,
} from './harness.js';

/** The substrings of `secrets` found in `scanned`, with where. */
function found(secrets: string[], scanned: Scanned[]): string[] {
  return scanned.flatMap(({ where, text }) => secrets.filter((secret) => text.includes(secret)).map((secret) => `${secret} in ${where}`));
}

describe('logout, then another user on the same browser', () => {
  const raw: RawParticipant[] = [];
  afterEach(async () => {
    for (const participant of raw.splice(0)) participant.close();
    await cleanup(); // starts the relay again
  });

  /**
   * Signs the first user in on a launcher, leaves every kind of state behind (see the file's
   * comment) with the relay stopped, and logs out. Resolves with what the first user was
   * (`secrets`) and the element, the relay still stopped.
   */
  async function logOutInTheWorstState() {
    const first = await createGroup();
    const { santa, giftee, tag } = first;
    const token = await tokenFor(santa.id);
    const chat = await chatFor(santa.id, { token });
    const peer = await RawParticipant.connect(giftee.id);
    raw.push(peer);
    await connected(chat);

    const conversation = await chat.messageMatch(first.groupId, 'giftee');
    await chat.updateComplete;
    await send(chat, `first words ${tag}`);
    await peer.next('NEW_MESSAGE', (message) => message.content === `first words ${tag}`);
    await peer.sendMessage(conversation.id, `a reply ${tag}`);
    await untilMessages(chat, 2);
    await type(chat, `an unsent draft ${tag}`);
    chat.close();
    await peer.sendMessage(conversation.id, `while the panel is closed ${tag}`);
    await until(() => shadow(chat).querySelector('.preview') !== null, 'the preview shows');

    await stopRelay();
    await until(() => chat.connectionState !== 'connected', 'the relay is gone');
    await chat.client!.send(conversation.id, `stuck in the outbox ${tag}`);
    const database = await cacheName(santa.id);
    for (let tries = 0; tries < 60; tries++) {
      const records = await readDatabase(database);
      if (records.outbox?.length === 1 && records.messages?.length === 3) break;
      await sleep(50);
    }
    // Everything of the first user; positive control: before logout the scan finds it all.
    const secrets = [santa.id, santa.name, giftee.id, giftee.name, tag, conversation.id, token, encodeURIComponent(santa.id)];
    const before = found(secrets, await everythingStored());
    for (const where of ['indexedDB database name', 'outbox', 'messages', 'conversations', 'shadow root', 'DOM']) {
      expect(before.some((finding) => finding.includes(where)), `before logout the scan finds the first user in ${where}`).to.equal(true);
    }
    await chat.logout();
    await chat.updateComplete;
    return { chat, secrets };
  }

  it('leaves no record of the first user in IndexedDB, Web Storage, Cache Storage or cookies', async function () {
    this.timeout(25000);
    const { chat, secrets } = await logOutInTheWorstState();
    const stored = async () => [...(await indexedDbState()), ...(await storageState())];
    expect(found(secrets, await stored()), 'right after logout').to.deep.equal([]);

    // The next user takes over the same element; nothing of the first comes back.
    await startRelay();
    const second = await createGroup();
    chat.setAttribute('token', await tokenFor(second.santa.id));
    await connected(chat);
    await openMatch(chat, second.groupId);
    const secondDatabase = await cacheName(second.santa.id);
    for (let tries = 0; tries < 60 && !(await indexedDB.databases()).some((entry) => entry.name === secondDatabase); tries++) await sleep(50);
    const after = await stored();
    expect(found(secrets, after), 'with the second user signed in').to.deep.equal([]);
    // Control: the same scan does see the second user.
    expect(found([second.santa.id, second.tag], after).length).to.be.greaterThan(0);
  });

  it('leaves nothing of the first user in the DOM: no token, no preview, no draft, no message', async function () {
    this.timeout(25000);
    const { chat, secrets } = await logOutInTheWorstState();
    expect(found(secrets, domState()), 'right after logout').to.deep.equal([]);
    // And once the next user signed in on the same element, with the panel open.
    await startRelay();
    const second = await createGroup();
    chat.setAttribute('token', await tokenFor(second.santa.id));
    await connected(chat);
    await openMatch(chat, second.groupId);
    const after = domState();
    expect(found(secrets, after), 'with the second user signed in').to.deep.equal([]);
    expect(found([second.santa.id, second.tag], after).length, 'control: the DOM shows the second user').to.be.greaterThan(0);
  });

  it('a logout racing the cache load and the first READY leaves no database behind', async () => {
    const { santa, third, tag } = await createGroup();
    // Control: without logout a database is left, and the scan below sees it.
    const kept = await chatFor(third.id, { mode: 'inline' });
    await connected(kept);
    kept.remove();
    const elements: SantaChat[] = [];
    // Logout at once, after the cache opened, and while the socket is authenticating.
    for (const delay of [0, 30, 120]) {
      const chat = await chatFor(santa.id, { mode: 'inline' });
      elements.push(chat);
      await sleep(delay);
      await chat.logout();
    }
    await sleep(500);
    const names = (await indexedDB.databases()).map((entry) => entry.name ?? '');
    expect(names.filter((name) => name.includes(tag))).to.deep.equal([await cacheName(third.id)]);
    for (const chat of elements) expect(chat.connectionState).to.equal('disconnected');
  });
});
