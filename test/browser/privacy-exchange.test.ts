/**
 * Anonymity in the giftee's browser across a whole exchange. The group is the 20-person cycle
 * of test/helpers/exchange.ts; test/chaos/anonymity-exchange.test.ts has all 20 chat over
 * real sockets in Node and scans every byte each one receives. Twenty widgets in one page
 * would be slow, so here FOUR giftees run real `<santa-chat>` elements in Chromium (members 0,
 * 5, 10 and 15: none is another's santa, so no widget's own data names a santa of another),
 * and their santas and giftees are headless participants on raw sockets (they keep nothing in
 * this origin). Each widget chats both ways, sees typing, reads and is read, shows the list,
 * is removed and comes back (IndexedDB first, then READY and HISTORY catch-up).
 *
 * What is scanned, per giftee, for any trace of their santa (id, URL/base64 forms, name,
 * first name, tag): every HTTP response the widget got (status line, headers, body) and every
 * WebSocket frame (recorded by wrapping `fetch` and `WebSocket` before the widgets exist), its
 * events, its DOM at each step (host attributes, shadow markup and text, the composer's value),
 * and at the end every IndexedDB database of the origin (every store, every record), Web
 * Storage, Cache Storage, cookies and the whole document.
 *
 * Positive controls: the same scan finds each giftee's own name and their giftee's, and after
 * the reveal it finds the santa in the DOM, the IndexedDB cache and the frames.
 */
import { expect } from '@open-wc/testing';
import { tokenSubject } from '../../widget/src/client/token.js';
import type { SantaChat } from '../../widget/src/santa-chat.component.js';
import { CycleExchange, findTraces, type ExchangeMember } from '../helpers/exchange.js';
import { domState, everythingStored, indexedDbState, type Scanned } from './browser-state.js';
import {
  cacheName,
  chatFor,
  cleanup,
  connected,
  openMatch,
  putGroup,
  readDatabase,
  recordEvents,
  send,
  shadow,
  shadowText,
  sleep,
  type,
  until,
  untilMessages,
} from './harness.js';
import { RawParticipant } from './headless.js';

const WIDGET_MEMBERS = [0, 5, 10, 15];

/** Records what the page's `fetch` and `WebSocket` receive, by the user whose token was sent. */
class WireRecorder {
  readonly #received = new Map<string, Scanned[]>();
  readonly #frames = new Map<string, number>();
  readonly #native = { WebSocket: window.WebSocket, fetch: window.fetch };

  received(userId: string): Scanned[] {
    return [...(this.#received.get(userId) ?? []), ...(this.#received.get('') ?? [])];
  }

  frames(userId: string): number {
    return this.#frames.get(userId) ?? 0;
  }

  #add(userId: string, entry: Scanned): void {
    this.#received.set(userId, [...(this.#received.get(userId) ?? []), entry]);
    if (entry.where === 'ws frame') this.#frames.set(userId, this.frames(userId) + 1);
  }

  install(): void {
    const recorder = this;
    window.WebSocket = class RecordingWebSocket extends this.#native.WebSocket {
      /** The user of the AUTH sent on this socket; '' (scanned for everyone) until then. */
      #userId = '';

      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols);
        this.addEventListener('message', (event: MessageEvent) => recorder.#add(this.#userId, { where: 'ws frame', text: String(event.data) }));
        this.addEventListener('close', (event: CloseEvent) => recorder.#add(this.#userId, { where: 'ws close', text: `${event.code} ${event.reason}` }));
      }

      override send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
        if (typeof data === 'string' && data.startsWith('{"type":"AUTH"')) {
          this.#userId = tokenSubject((JSON.parse(data) as { token: string }).token) ?? '';
        }
        super.send(data);
      }
    };
    const nativeFetch = this.#native.fetch;
    window.fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
      const response = await nativeFetch(input, init);
      const authorization = new Headers(init?.headers).get('authorization');
      const userId = authorization === null ? null : tokenSubject(authorization.replace(/^Bearer /, ''));
      if (userId !== null) {
        const head = [`HTTP ${response.status} ${response.statusText}`];
        response.headers.forEach((value, key) => head.push(`${key}: ${value}`));
        this.#add(userId, { where: `${init?.method ?? 'GET'} ${String(input)}`, text: `${head.join('\r\n')}\r\n\r\n${await response.clone().text()}` });
      }
      return response;
    };
  }

  restore(): void {
    window.WebSocket = this.#native.WebSocket;
    window.fetch = this.#native.fetch;
  }
}

/** One giftee with a widget, their headless santa and giftee, and what their browser showed. */
interface Giftee {
  member: ExchangeMember;
  santa: ExchangeMember;
  giftee: ExchangeMember;
  santaSide: RawParticipant;
  gifteeSide: RawParticipant;
  chat: SantaChat;
  shown: Scanned[];
}

function snapshot(person: Giftee, step: string): void {
  for (const entry of domState(person.chat)) person.shown.push({ where: `${step}: ${entry.where}`, text: entry.text });
}

function typingShown(chat: SantaChat): boolean {
  return shadow(chat).querySelector('.typing')?.textContent?.includes('typing') === true;
}

function size(entries: Scanned[]): number {
  return entries.reduce((sum, entry) => sum + new TextEncoder().encode(entry.text).length, 0);
}

describe('anonymity across an exchange, in the giftees’ browsers', () => {
  const wire = new WireRecorder();
  const raw: RawParticipant[] = [];

  before(() => wire.install());
  after(() => wire.restore());
  afterEach(async () => {
    for (const participant of raw.splice(0)) participant.close();
    await cleanup();
  });

  it('no frame, response, event, DOM node or IndexedDB record names a santa; after the reveal they do', async function () {
    this.timeout(30000);
    const exchange = new CycleExchange(20);
    const response = await putGroup(exchange.groupId, exchange.body(new Date(Date.now() + 24 * 3600_000)));
    expect(response.status).to.equal(201);
    const groupId = exchange.groupId;
    const events = ['santa-chat-message', 'santa-chat-unread', 'santa-chat-connection', 'santa-chat-error'].map((name) => recordEvents(name));

    const people: Giftee[] = [];
    /** Every element each giftee had (the first one, then the one after coming back). */
    const owners = new Map<EventTarget | null, Giftee>();
    for (const index of WIDGET_MEMBERS) {
      const member = exchange.members[index]!;
      const santaSide = await RawParticipant.connect(exchange.santaOf(index).id);
      const gifteeSide = await RawParticipant.connect(exchange.gifteeOf(index).id);
      raw.push(santaSide, gifteeSide);
      const chat = await chatFor(member.id, { mode: 'inline', 'group-id': groupId });
      people.push({ member, santa: exchange.santaOf(index), giftee: exchange.gifteeOf(index), santaSide, gifteeSide, chat, shown: [] });
      owners.set(chat, people.at(-1)!);
    }
    await connected(...people.map((person) => person.chat));

    for (const person of people) {
      const { chat, santaSide, gifteeSide } = person;
      snapshot(person, 'connected');
      // The santa opens the conversation and writes first; the giftee reads, replies, types.
      const withSanta = await santaSide.conversation(groupId, 'giftee');
      await santaSide.sendMessage(withSanta.id, 'Ho ho ho! Do you like chocolate?');
      await santaSide.sendMessage(withSanta.id, 'Or would you rather have socks?');
      await openMatch(chat, groupId, 'santa');
      await untilMessages(chat, 2);
      await santaSide.next('READ', (read) => read.conversationId === withSanta.id);
      santaSide.send({ type: 'TYPING', conversationId: withSanta.id });
      await until(() => typingShown(chat), 'the santa is shown typing');
      snapshot(person, 'thread with the santa');
      await type(chat, 'Choc');
      await send(chat, 'Chocolate, please! Dark if possible.');
      await santaSide.next('NEW_MESSAGE', (message) => message.conversationId === withSanta.id && message.seq === 3);
      santaSide.send({ type: 'READ', conversationId: withSanta.id, upTo: 3 });

      // The other side: the giftee is the santa of someone, who writes back.
      const withGiftee = await chat.messageMatch(groupId, 'giftee');
      await send(chat, 'Hello from your Secret Santa, ready for the big day?');
      await gifteeSide.conversation(groupId, 'santa');
      await gifteeSide.next('NEW_MESSAGE', (message) => message.conversationId === withGiftee.id);
      await gifteeSide.sendMessage(withGiftee.id, 'Yes! Any hints?');
      await untilMessages(chat, 2);
      snapshot(person, 'thread with the giftee');

      chat.activeConversationId = null;
      await chat.updateComplete;
      expect(shadow(chat).querySelectorAll('.list li')).to.have.length(2);
      snapshot(person, 'conversation list');
    }

    // Every widget leaves the page (no logout) while its santa writes and types, then comes back:
    // the cache shows first, then READY and HISTORY bring what it missed.
    for (const person of people) {
      const withSanta = person.chat.client!.conversations.find((conversation) => conversation.role === 'giftee')!;
      person.chat.remove();
      await person.santaSide.sendMessage(withSanta.id, 'While you were away: I found the perfect wrapping paper.');
      await person.santaSide.sendMessage(withSanta.id, 'And a bow.');
      person.santaSide.send({ type: 'TYPING', conversationId: withSanta.id });
      person.chat = await chatFor(person.member.id, { mode: 'inline', 'group-id': groupId, 'conversation-id': withSanta.id });
      owners.set(person.chat, person);
    }
    await connected(...people.map((person) => person.chat));
    for (const person of people) {
      await untilMessages(person.chat, 5);
      snapshot(person, 'after coming back');
    }

    // The write-through cache settles: 5 + 2 messages, an empty outbox.
    for (const person of people) {
      const name = await cacheName(person.member.id);
      let records: Record<string, unknown[]> = {};
      for (let tries = 0; tries < 60; tries++) {
        records = await readDatabase(name);
        if (records.messages?.length === 7 && records.outbox?.length === 0 && records.conversations?.length === 2) break;
        await sleep(50);
      }
      expect([records.conversations?.length, records.messages?.length, records.outbox?.length]).to.deep.equal([2, 7, 0]);
    }

    const stored = await everythingStored();
    const databases = await indexedDbState();
    for (const person of people) {
      const wireReceived = wire.received(person.member.id);
      const fromEvents = events.flatMap((recorder) => recorder.events.filter((event) => owners.get(event.target) === person));
      const scanned: Scanned[] = [
        ...wireReceived,
        ...person.shown,
        ...stored,
        { where: 'events', text: JSON.stringify(fromEvents.map((event) => [event.type, event.detail])) },
        { where: 'client state', text: JSON.stringify(person.chat.client!.conversations) },
      ];
      expect(findTraces(person.santa, scanned), `${person.member.name}'s browser names their santa`).to.deep.equal([]);

      // Positive controls: the scan sees what this giftee may know, where it is.
      const ownDatabase = databases.filter((entry) => entry.where.includes(encodeURIComponent(person.member.id)));
      expect(findTraces(person.member, ownDatabase), 'own name and id are in own cache').not.to.deep.equal([]);
      expect(findTraces(person.giftee, person.shown).map((finding) => finding.trace)).to.include(person.giftee.name.toLowerCase());
      expect(findTraces(person.giftee, ownDatabase)).not.to.deep.equal([]);
      expect(findTraces(person.member, wireReceived)).not.to.deep.equal([]);
      expect(person.shown.some((entry) => entry.text.includes('I found the perfect wrapping paper.')), 'the catch-up was shown').to.equal(true);
      expect(wireReceived.some((entry) => entry.text.startsWith('{"type":"HISTORY"') && entry.text.includes('wrapping paper')), 'HISTORY was recorded').to.equal(true);
      console.log(
        `${person.member.firstName}: wire ${size(wireReceived)} bytes in ${wire.frames(person.member.id)} frames + ${wireReceived.length - wire.frames(person.member.id)} other entries; ` +
          `DOM snapshots ${size(person.shown)} bytes; own IndexedDB ${size(ownDatabase)} bytes; whole origin ${size(stored)} bytes`,
      );
    }
    for (const recorder of events) recorder.stop();

    // The reveal: the same scans now find each santa.
    const revealed = await putGroup(groupId, exchange.body(new Date(Date.now() - 1000)));
    expect(revealed.status).to.equal(200);
    for (const person of people) {
      await until(() => shadowText(person.chat).includes(person.santa.name), `${person.member.firstName} sees the santa's name`, 8000);
      let cached: Scanned[] = [];
      for (let tries = 0; tries < 60; tries++) {
        cached = (await indexedDbState()).filter((entry) => entry.where.includes(encodeURIComponent(person.member.id)));
        if (findTraces(person.santa, cached).some((finding) => finding.trace === person.santa.id.toLowerCase())) break;
        await sleep(50);
      }
      const traces = (entries: Scanned[]) => new Set(findTraces(person.santa, entries).map((finding) => finding.trace));
      for (const [where, found] of [
        ['DOM', traces(domState(person.chat))],
        ['IndexedDB', traces(cached)],
        ['frames', traces(wire.received(person.member.id))],
      ] as const) {
        expect(found.has(person.santa.name.toLowerCase()), `${where} names the santa after the reveal`).to.equal(true);
        if (where !== 'DOM') expect(found.has(person.santa.id.toLowerCase()), `${where} has the santa's id after the reveal`).to.equal(true);
      }
    }
  });
});
