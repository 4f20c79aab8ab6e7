/**
 * The element's public surface: attributes, `tokenProvider`, `strings`, the read-only
 * `unread` and `connectionState`, the methods and the `santa-chat-*` events.
 */
import { expect } from '@open-wc/testing';
import { emulateMedia } from '@web/test-runner-commands';
import {
  bubbles,
  cacheName,
  chatFor,
  cleanup,
  connected,
  createGroup,
  engine,
  openMatch,
  putGroup,
  recordEvents,
  send,
  sendButton,
  shadow,
  shadowText,
  sleep,
  textarea,
  tokenFor,
  until,
  untilMessages,
} from './harness.js';
import type { SantaChat } from '../../widget/src/santa-chat.component.js';
import type { UnreadCounts } from '../../widget/src/client/types.js';

/** Counts the WebSockets the page opens while it is installed (the client takes the global at creation). */
function countSockets(): { readonly count: number; restore: () => void } {
  const Original = window.WebSocket;
  const counter = { count: 0, restore: () => void (window.WebSocket = Original) };
  window.WebSocket = class extends Original {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      counter.count++;
    }
  };
  return counter;
}

const LIGHT_SURFACE = 'rgb(255, 255, 255)';
const DARK_SURFACE = 'rgb(30, 28, 26)';

/** The names of the conversations listed (not the chats offered to start). */
function listNames(element: SantaChat): string[] {
  return [...shadow(element).querySelectorAll('.list [data-conversation-id] .name')].map((name) => name.textContent ?? '');
}

async function dbExists(name: string): Promise<boolean> {
  return (await indexedDB.databases()).some((database) => database.name === name);
}

describe('element API', () => {
  afterEach(cleanup);

  describe('attributes', () => {
    it('connects with server and token, and mode switches between launcher and inline', async () => {
      const { santa } = await createGroup();
      const element = await chatFor(santa.id);
      expect(element.getAttribute('mode'), 'launcher is the default, reflected').to.equal('launcher');
      await connected(element);
      expect(shadow(element).querySelector('.launcher')).to.exist;
      expect(shadow(element).querySelector('.panel')).to.equal(null);

      element.setAttribute('mode', 'inline');
      await element.updateComplete;
      expect(shadow(element).querySelector('.launcher')).to.equal(null);
      expect(shadow(element).querySelector('.panel')!.getAttribute('role')).to.equal('region');
      expect(shadow(element).querySelector('.header button[aria-label="Close chat"]'), 'no close button inline').to.equal(null);

      element.mode = 'launcher';
      await element.updateComplete;
      expect(element.getAttribute('mode')).to.equal('launcher');
      expect(shadow(element).querySelector('.launcher')).to.exist;
    });

    it('open opens and closes the panel, both ways between attribute and property', async () => {
      const { santa } = await createGroup();
      const element = await chatFor(santa.id, { open: '' });
      expect(element.open).to.equal(true);
      expect(shadow(element).querySelector('.panel[role="dialog"]')).to.exist;
      element.removeAttribute('open');
      await element.updateComplete;
      expect(element.open).to.equal(false);
      expect(shadow(element).querySelector('.panel')).to.equal(null);
      element.open = true;
      await element.updateComplete;
      expect(element.hasAttribute('open')).to.equal(true);
      expect(shadow(element).querySelector('.panel')).to.exist;
    });

    it('theme switches the colours (light, dark)', async () => {
      const { santa } = await createGroup();
      const element = await chatFor(santa.id, { mode: 'inline' });
      expect(element.getAttribute('theme')).to.equal('light');
      const panel = () => shadow(element).querySelector<HTMLElement>('.panel')!;
      const light = getComputedStyle(panel()).backgroundColor;
      expect(light).to.equal('rgb(255, 255, 255)');
      element.setAttribute('theme', 'dark');
      await element.updateComplete;
      expect(element.theme).to.equal('dark');
      expect(getComputedStyle(panel()).backgroundColor).to.equal('rgb(30, 28, 26)');
      element.theme = 'light';
      await element.updateComplete;
      expect(element.getAttribute('theme')).to.equal('light');
      expect(getComputedStyle(panel()).backgroundColor).to.equal(light);
    });

    it('theme="auto" follows the system colour scheme', async () => {
      const { santa } = await createGroup();
      const element = await chatFor(santa.id, { mode: 'inline', theme: 'auto' });
      const background = () => getComputedStyle(shadow(element).querySelector<HTMLElement>('.panel')!).backgroundColor;
      const runningIn = await engine();
      if (runningIn === 'chromium') {
        try {
          await emulateMedia({ colorScheme: 'dark' });
          expect(background()).to.equal(DARK_SURFACE);
          await emulateMedia({ colorScheme: 'light' });
          expect(background()).to.equal(LIGHT_SURFACE);
        } finally {
          await emulateMedia({ colorScheme: 'no-preference' });
        }
        return;
      }
      // Firefox and WebKit: a test cannot emulate media features there (emulateMedia needs
      // Chrome's protocol). Each run's system scheme is set by the engine's configuration
      // instead (web-test-runner.config.mjs): Firefox's is dark by a pref, WebKit's is GTK's
      // light. So both ways are checked in some engine, and in Chromium both in one run.
      const systemDark = matchMedia('(prefers-color-scheme: dark)').matches;
      expect(systemDark, `the ${runningIn} run's configured scheme`).to.equal(runningIn === 'firefox');
      expect(background()).to.equal(systemDark ? DARK_SURFACE : LIGHT_SURFACE);
      // The attribute wins over the system scheme, either way.
      element.theme = systemDark ? 'light' : 'dark';
      await element.updateComplete;
      expect(background()).to.equal(systemDark ? LIGHT_SURFACE : DARK_SURFACE);
    });

    it('group-id shows, counts and messages only that group', async () => {
      const { groupId, santa, giftee, third, body } = await createGroup();
      // A second exchange of the same people, where the santa gives to the third.
      const otherGroupId = `${groupId}-b`;
      const response = await putGroup(otherGroupId, {
        ...body,
        name: 'Family 2026',
        assignments: [
          { santa: santa.id, giftee: third.id },
          { santa: third.id, giftee: giftee.id },
          { santa: giftee.id, giftee: santa.id },
        ],
      });
      expect(response.status).to.equal(201);
      const all = await chatFor(santa.id);
      const onlyFirst = await chatFor(santa.id, { mode: 'inline', 'group-id': groupId });
      await connected(all, onlyFirst);
      await all.messageMatch(groupId);
      const other = await all.messageMatch(otherGroupId);
      all.close();
      // Both elements hold both conversations, the filtered one shows one.
      await until(() => all.client!.conversations.length === 2 && onlyFirst.client!.conversations.length === 2, 'both know both');
      await onlyFirst.updateComplete;
      expect(listNames(onlyFirst)).to.deep.equal([`Your giftee: ${giftee.name}`]);
      all.show();
      await all.updateComplete;
      shadow(all).querySelector<HTMLButtonElement>('.header button[aria-label="Back to conversations"]')!.click();
      await all.updateComplete;
      expect(listNames(all).sort()).to.deep.equal([`Your giftee: ${giftee.name}`, `Your giftee: ${third.name}`].sort());
      all.close();
      expect(onlyFirst.groupId).to.equal(groupId);

      // A message in the other group counts for the unfiltered element only.
      const thirdChat = await chatFor(third.id, { mode: 'inline' });
      await connected(thirdChat);
      await openMatch(thirdChat, otherGroupId, 'santa');
      const unreadEvents = recordEvents<UnreadCounts>('santa-chat-unread');
      const messageEvents = recordEvents('santa-chat-message');
      try {
        await send(thirdChat, 'hello from the other group');
        await until(() => all.unread.total === 1, 'unfiltered counts it');
        await sleep(300);
        expect(all.unread.byConversation[other.id]).to.equal(1);
        expect(onlyFirst.unread.total, 'filtered does not').to.equal(0);
        const filteredEvents = unreadEvents.events.filter((event) => event.target === onlyFirst);
        for (const event of filteredEvents) expect(event.detail.total, 'santa-chat-unread agrees with `unread`').to.equal(0);
        expect(unreadEvents.events.some((event) => event.target === all && event.detail.total === 1)).to.equal(true);
        expect(messageEvents.events.map((event) => event.target)).to.deep.equal([all]);
      } finally {
        unreadEvents.stop();
        messageEvents.stop();
      }

      // messageMatch() without a group uses group-id.
      const conversation = await onlyFirst.messageMatch();
      expect(conversation.groupId).to.equal(groupId);
    });

    it('conversation-id opens that conversation directly', async () => {
      const { groupId, santa, giftee } = await createGroup();
      const santaChat = await chatFor(santa.id, { mode: 'inline' });
      await connected(santaChat);
      const conversation = await santaChat.messageMatch(groupId);
      await send(santaChat, 'waiting for you');
      const gifteeChat = await chatFor(giftee.id, { mode: 'inline', 'conversation-id': conversation.id });
      await until(() => bubbles(gifteeChat).length === 1, 'the thread is open');
      expect(bubbles(gifteeChat)).to.deep.equal(['waiting for you']);
      expect(shadow(gifteeChat).querySelector('.header h2')!.textContent).to.equal('Your Secret Santa');
      expect(shadow(gifteeChat).querySelector('.header button[aria-label="Back to conversations"]'), 'pinned: no way back').to.equal(null);
    });
  });

  describe('tokens', () => {
    it('asks tokenProvider when there is no token', async () => {
      const { santa } = await createGroup();
      let calls = 0;
      const element = await chatFor(santa.id, { token: '' }, {
        tokenProvider: async () => {
          calls++;
          return tokenFor(santa.id);
        },
      });
      await connected(element);
      expect(calls).to.equal(1);
      expect(element.hasAttribute('token')).to.equal(false);
    });

    it('asks tokenProvider when the token has expired', async () => {
      const { santa } = await createGroup();
      let calls = 0;
      const element = await chatFor(santa.id, { token: await tokenFor(santa.id, -120) }, {
        tokenProvider: async () => {
          calls++;
          return tokenFor(santa.id);
        },
      });
      await connected(element);
      expect(calls).to.equal(1);
    });

    it('asks a tokenProvider set after the element is on the page', async () => {
      const { santa } = await createGroup();
      const element = await chatFor(santa.id, { token: '' });
      await sleep(200);
      expect(element.connectionState).to.equal('disconnected');
      expect(element.client).to.equal(null);
      element.tokenProvider = () => tokenFor(santa.id);
      await connected(element);
    });

    it('without a provider an expired token stops with a notice and santa-chat-error; a new token resumes', async () => {
      const { santa } = await createGroup();
      const states = recordEvents<{ state: string; reason?: string }>('santa-chat-connection');
      const errors = recordEvents<{ code: string }>('santa-chat-error');
      try {
        const element = await chatFor(santa.id, { mode: 'inline', token: await tokenFor(santa.id, -120) });
        await until(() => states.events.some((event) => event.target === element && event.detail.reason === 'unauthorized'), 'refused');
        await element.updateComplete;
        expect(element.connectionState).to.equal('disconnected');
        expect(errors.events.map((event) => [event.target, event.detail.code])).to.deep.equal([[element, 'UNAUTHENTICATED']]);
        const notice = shadow(element).querySelector('.banner[role="alert"]');
        expect(notice?.textContent).to.include('Chat could not sign in');
        element.setAttribute('token', await tokenFor(santa.id));
        await connected(element);
        await element.updateComplete;
        expect(shadow(element).querySelector('.banner')).to.equal(null);
      } finally {
        states.stop();
        errors.stop();
      }
    });

    it('renews a token from the provider before it expires, on the same socket', async function () {
      this.timeout(25000);
      const { groupId, santa, giftee } = await createGroup();
      const sockets = countSockets();
      let calls = 0;
      let element: SantaChat;
      try {
        // A token that lives 61 s is renewed 60 s before expiry, at the earliest after 10 s.
        element = await chatFor(santa.id, { mode: 'inline', token: '' }, {
          tokenProvider: async () => {
            calls++;
            return tokenFor(santa.id, 61);
          },
        });
      } finally {
        sockets.restore();
      }
      await connected(element);
      const states = recordEvents<{ state: string }>('santa-chat-connection');
      try {
        await until(() => calls === 2, 'renewed by the provider', 14000);
        await sleep(300);
        expect(sockets.count, 'one socket throughout').to.equal(1);
        expect(states.events.filter((event) => event.target === element), 'no state change').to.deep.equal([]);
        expect(element.connectionState).to.equal('connected');
        // The renewed socket still works.
        const gifteeChat = await chatFor(giftee.id, { mode: 'inline' });
        await connected(gifteeChat);
        await openMatch(element, groupId);
        await openMatch(gifteeChat, groupId, 'santa');
        await send(element, 'still here');
        await untilMessages(gifteeChat, 1);
      } finally {
        states.stop();
      }
    });

    it('takes a new token attribute on a live socket without reconnecting', async () => {
      const { santa } = await createGroup();
      const sockets = countSockets();
      let element: SantaChat;
      try {
        element = await chatFor(santa.id);
      } finally {
        sockets.restore();
      }
      await connected(element);
      const states = recordEvents('santa-chat-connection');
      try {
        element.token = await tokenFor(santa.id, 7200);
        await element.updateComplete;
        await sleep(400);
        expect(element.connectionState).to.equal('connected');
        expect(sockets.count).to.equal(1);
        expect(states.events.filter((event) => event.target === element)).to.deep.equal([]);
      } finally {
        states.stop();
      }
    });
  });

  describe('properties and methods', () => {
    it('strings overrides any UI text', async () => {
      const { groupId, santa, giftee } = await createGroup();
      const element = await chatFor(santa.id, { mode: 'inline' }, {
        strings: { send: 'Envoyer', placeholder: 'Écrire un message…', yourGiftee: 'Ton destinataire : {name}', charactersLeft: '{count} caractères restants' },
      });
      await connected(element);
      await openMatch(element, groupId);
      expect(sendButton(element).textContent).to.equal('Envoyer');
      expect(textarea(element).placeholder).to.equal('Écrire un message…');
      expect(shadow(element).querySelector('.header h2')!.textContent).to.equal(`Ton destinataire : ${giftee.name}`);
      expect(shadow(element).querySelector('#composer-counter')!.textContent!.trim()).to.equal('500 caractères restants');
      // Strings not overridden keep their English default; a new object re-renders.
      expect(shadowText(element)).to.include('No messages yet. Say hello!');
      element.strings = { ...element.strings, noMessages: 'Pas encore de messages.' };
      await element.updateComplete;
      expect(shadowText(element)).to.include('Pas encore de messages.');
    });

    it('unread and connectionState are read-only', async () => {
      const { santa } = await createGroup();
      const element = await chatFor(santa.id);
      await connected(element);
      const writable = element as unknown as { unread: unknown; connectionState: unknown };
      expect(() => (writable.unread = { total: 5, byConversation: {} })).to.throw(TypeError);
      expect(() => (writable.connectionState = 'disconnected')).to.throw(TypeError);
      expect(element.unread).to.deep.equal({ total: 0, byConversation: {} });
      expect(element.connectionState).to.equal('connected');
    });

    it('show() opens, close() closes, messageMatch(groupId, with) opens either conversation', async () => {
      const { groupId, santa, giftee } = await createGroup();
      const element = await chatFor(giftee.id);
      await connected(element);
      element.show();
      await element.updateComplete;
      expect(element.open).to.equal(true);
      element.close();
      await element.updateComplete;
      expect(element.open).to.equal(false);

      const withSanta = await element.messageMatch(groupId, 'santa');
      await element.updateComplete;
      expect(element.open, 'messageMatch opens the panel').to.equal(true);
      expect(withSanta.role).to.equal('giftee');
      expect(shadow(element).querySelector('.header h2')!.textContent).to.equal('Your Secret Santa');

      const withGiftee = await element.messageMatch(groupId);
      await element.updateComplete;
      expect(withGiftee.role).to.equal('santa');
      expect(withGiftee.id).not.to.equal(withSanta.id);
      expect(shadow(element).querySelector('.header h2')!.textContent).not.to.include(santa.name);
      expect(shadow(element).querySelector('.header h2')!.textContent).to.match(/^Your giftee: Cleo/);
    });

    it('logout() closes the socket and deletes that user’s IndexedDB database', async () => {
      const { groupId, santa, giftee } = await createGroup();
      const santaChat = await chatFor(santa.id, { mode: 'inline' });
      const gifteeChat = await chatFor(giftee.id, { mode: 'inline' });
      await connected(santaChat, gifteeChat);
      await openMatch(santaChat, groupId);
      await send(santaChat, 'something to cache');
      await until(() => !shadowText(santaChat).includes('Sending…'), 'sent');
      const santaDb = await cacheName(santa.id);
      const gifteeDb = await cacheName(giftee.id);
      expect(await dbExists(santaDb)).to.equal(true);

      const states = recordEvents<{ state: string; reason?: string }>('santa-chat-connection');
      try {
        await santaChat.logout();
      } finally {
        states.stop();
      }
      expect(states.events.filter((event) => event.target === santaChat).map((event) => event.detail)).to.deep.equal([
        { state: 'disconnected', reason: 'client' },
      ]);
      await santaChat.updateComplete;
      expect(await dbExists(santaDb), "the santa's cache is gone").to.equal(false);
      expect(await dbExists(gifteeDb), "another user's cache stays").to.equal(true);
      expect(santaChat.connectionState).to.equal('disconnected');
      expect(santaChat.token).to.equal('');
      expect(shadowText(santaChat)).not.to.include('something to cache');
      await sleep(300);
      expect(await dbExists(santaDb), 'and it is not re-created').to.equal(false);
    });
  });

  describe('events (bubbling and composed, heard on document)', () => {
    it('santa-chat-connection, -message and -unread', async () => {
      const { groupId, santa, giftee } = await createGroup();
      const connection = recordEvents<{ state: string }>('santa-chat-connection');
      const message = recordEvents<{ conversationId: string; message: { content: string; seq: number } }>('santa-chat-message');
      const unread = recordEvents<UnreadCounts>('santa-chat-unread');
      try {
        const santaChat = await chatFor(santa.id, { mode: 'inline' });
        const gifteeChat = await chatFor(giftee.id);
        await connected(santaChat, gifteeChat);
        const fromGiftee = <T>(recorder: { events: CustomEvent<T>[] }) => recorder.events.filter((event) => event.target === gifteeChat);

        expect(fromGiftee(connection).map((event) => event.detail.state)).to.deep.equal(['connecting', 'connected']);
        const conversation = await openMatch(santaChat, groupId);
        await send(santaChat, 'ping');
        await until(() => fromGiftee(message).length === 1, 'santa-chat-message');
        const event = fromGiftee(message)[0]!;
        expect(event.bubbles).to.equal(true);
        expect(event.composed).to.equal(true);
        expect(event.detail.conversationId).to.equal(conversation.id);
        expect(event.detail.message.content).to.equal('ping');
        expect(event.detail.message.seq).to.equal(1);
        // Not for one's own messages.
        expect(message.events.filter((candidate) => candidate.target === santaChat)).to.deep.equal([]);

        await until(() => fromGiftee(unread).some((candidate) => candidate.detail.total === 1), 'santa-chat-unread');
        const last = fromGiftee(unread).at(-1)!;
        expect(last.detail).to.deep.equal({ total: 1, byConversation: { [conversation.id]: 1 } });
        expect(last.bubbles && last.composed).to.equal(true);
      } finally {
        connection.stop();
        message.stop();
        unread.stop();
      }
    });

    it('santa-chat-error when Message Match fails (not a member, no raffle yet)', async () => {
      const { groupId, santa } = await createGroup();
      const stranger = await createGroup();
      const errors = recordEvents<{ code: string; message: string }>('santa-chat-error');
      try {
        const element = await chatFor(santa.id, { mode: 'inline' });
        await connected(element);
        let failure: unknown;
        await element.messageMatch(stranger.groupId).catch((error: unknown) => (failure = error));
        expect((failure as { code?: string }).code).to.equal('FORBIDDEN');
        await until(() => errors.events.length === 1, 'santa-chat-error');
        expect(errors.events[0]!.target).to.equal(element);
        expect(errors.events[0]!.bubbles && errors.events[0]!.composed).to.equal(true);
        expect(errors.events[0]!.detail.code).to.equal('FORBIDDEN');

        // The same people before the raffle: 409 NO_MATCH.
        const { body } = await createGroup();
        const unDrawn = `${groupId}-undrawn`;
        const put = await putGroup(unDrawn, { ...body, members: [...body.members, { id: santa.id, name: santa.name }], assignments: [] });
        expect(put.status).to.equal(201);
        await element.messageMatch(unDrawn).catch((error: unknown) => (failure = error));
        expect((failure as { code?: string }).code).to.equal('NO_MATCH');
        await until(() => errors.events.length === 2, 'second santa-chat-error');
        expect(errors.events[1]!.detail.code).to.equal('NO_MATCH');
      } finally {
        errors.stop();
      }
    });
  });
});
