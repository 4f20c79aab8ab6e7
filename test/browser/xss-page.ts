/**
 * The XSS page's script (xss-page.html, opened in an iframe by xss-payloads.test.ts, served
 * under the strict policy). With `?group=` and `?members=` (a cycle, member i gives to i + 1)
 * it puts one inline `<santa-chat>` per member, plus a closed launcher for member 0 (the giftee
 * of the last sender, so its preview is fresh when read), and every member sends its share of
 * the accepted payloads to its giftee through the composer (a share stays under the relay's
 * 10 messages per 10 s). It reports to the parent what every surface
 * shows, what the content rule refused where, every executed payload and every violation; and
 * last, as a control, the violation an HTML injection into this page causes.
 */
import { executed, violations } from './xss-guard.js';
import type { Conversation } from '../../protocol/browser.js';
import type { SantaChat } from '../../widget/src/santa-chat.component.js';
import { bubbles, chatFor, connected, messageElements, openMatch, send, sendButton, shadow, sleep, type, until, untilMessages } from './harness.js';
import { RawParticipant } from './headless.js';
import { XSS_PAYLOADS } from './xss-payloads.js';

interface Vector {
  name: string;
  input: string;
  result: 'ok' | 'EMPTY' | 'BAD_REQUEST' | 'TOO_LONG';
  codePoints?: number;
}

export interface Refusal {
  name: string;
  expected: string;
  /** Send enabled after typing it into the composer. */
  sendable: boolean;
  counter: string;
  /** What `client.send()` did: `sent`, or the code it rejected with. */
  client: string;
  /** What the relay answered a raw NEW_MESSAGE with: `stored`, or the ERROR code. */
  relay: string;
}

export interface XssReport {
  source: 'santa-chat-xss';
  error?: string;
  /** Names of the accepted payloads each member sent, in order. */
  shares: string[][];
  disabledSends: string[];
  ownBubbles: string[][];
  receivedBubbles: string[][];
  /** Every element inside any bubble: tag, attributes, and the link's protocol. */
  bubbleElements: Array<{ tag: string; attributes: string[]; href: string; protocol: string }>;
  /** script, img, iframe... anywhere in a thread or list (none expected). */
  dangerousElements: string[];
  listLast: string[][];
  /** The launcher's preview: the name shown, and all its text (name, then content). */
  preview: { name: string; text: string } | null;
  refusals: Refusal[];
  acceptedVectors: Array<{ name: string; sendable: boolean; counter: string; codePoints: number }>;
  storedBySender0: number;
  executed: string[];
  violations: typeof violations;
  control: { executed: string[]; violations: typeof violations };
}

const params = new URLSearchParams(location.search);
const DANGEROUS = ['script', 'img', 'iframe', 'object', 'embed', 'svg', 'math', 'style', 'link', 'meta', 'base', 'form', 'input', 'details', 'video', 'audio', 'source', 'a[href^="javascript"]'];

/** The DANGEROUS elements below any of the `scopes` selectors. */
function within(...scopes: string[]): string {
  return scopes.flatMap((scope) => DANGEROUS.map((selector) => `${scope} ${selector}`)).join(', ');
}

function report(result: Omit<XssReport, 'source'> | { error: string }): void {
  parent.postMessage({ source: 'santa-chat-xss', ...result }, location.origin);
}

function threadElements(chat: SantaChat): XssReport['bubbleElements'] {
  return messageElements(chat).flatMap((message) =>
    [...message.querySelector('.bubble')!.querySelectorAll('*')].map((element) => ({
      tag: element.localName,
      attributes: element.getAttributeNames().sort(),
      href: element.getAttribute('href') ?? '',
      protocol: element instanceof HTMLAnchorElement ? element.protocol : '',
    })),
  );
}

function dangerous(chat: SantaChat): string[] {
  return [...shadow(chat).querySelectorAll(within('.log', '.list'))].map((element) => element.outerHTML);
}

function counter(chat: SantaChat): string {
  return shadow(chat).querySelector('#composer-counter')?.textContent?.trim() ?? '';
}

async function run(): Promise<void> {
  const groupId = params.get('group')!;
  const members = params.get('members')!.split(',');
  const accepted = XSS_PAYLOADS.filter((payload) => payload.refused === undefined);
  const shares = members.map((_, sender) => accepted.filter((_, index) => index % members.length === sender));

  const launcher = await chatFor(members[0]!, { 'group-id': groupId });
  const chats: SantaChat[] = [];
  for (const member of members) chats.push(await chatFor(member, { mode: 'inline', 'group-id': groupId }));
  await connected(launcher, ...chats);
  const toGiftee: Conversation[] = [];
  for (const chat of chats) toGiftee.push(await openMatch(chat, groupId, 'giftee'));

  const disabledSends: string[] = [];
  for (const [sender, chat] of chats.entries()) {
    for (const payload of shares[sender]!) {
      await type(chat, payload.text);
      if (sendButton(chat).disabled) disabledSends.push(payload.name);
      await send(chat, payload.text);
    }
  }
  for (const [sender, chat] of chats.entries()) {
    const conversationId = toGiftee[sender]!.id;
    const all = (): boolean => chat.client!.messages(conversationId).filter((message) => message.status === 'sent').length === shares[sender]!.length;
    await until(all, `member ${sender}'s payloads acknowledged`, 15000);
  }
  await sleep(100);
  const ownBubbles = chats.map((chat) => bubbles(chat));
  const bubbleElements = chats.flatMap((chat) => threadElements(chat));
  const dangerousElements = chats.flatMap((chat) => dangerous(chat));

  const receivedBubbles: string[][] = [];
  for (const [index, chat] of chats.entries()) {
    await openMatch(chat, groupId, 'santa');
    receivedBubbles.push(await untilMessages(chat, shares[(index + members.length - 1) % members.length]!.length, 10000));
    bubbleElements.push(...threadElements(chat));
    dangerousElements.push(...dangerous(chat));
  }
  const listLast: string[][] = [];
  for (const chat of chats) {
    chat.activeConversationId = null;
    await chat.updateComplete;
    listLast.push([...shadow(chat).querySelectorAll('.list [data-conversation-id] .last')].map((last) => last.textContent ?? ''));
    dangerousElements.push(...dangerous(chat));
  }
  await until(() => shadow(launcher).querySelector('.preview') !== null, 'the launcher preview');
  const previewElement = shadow(launcher).querySelector('.preview')!;
  // The name in <strong>, then the content; contents are trimmed, so only markup whitespace goes.
  const preview = { name: previewElement.querySelector('strong')?.textContent ?? '', text: previewElement.textContent?.trim() ?? '' };
  dangerousElements.push(...[...shadow(launcher).querySelectorAll(within('.preview'))].map((element) => element.outerHTML));

  // What the content rule refuses: the XSS payloads it refuses and the contract's vectors.
  const vectors = ((await (await fetch('/protocol/content-rule-vectors.json')).json()) as { vectors: Vector[] }).vectors;
  const refused = [
    ...XSS_PAYLOADS.flatMap((payload) => (payload.refused === undefined ? [] : [{ name: payload.name, input: payload.text, expected: payload.refused }])),
    ...vectors.flatMap((vector) => (vector.result === 'ok' ? [] : [{ name: `vector: ${vector.name}`, input: vector.input, expected: vector.result }])),
  ];
  const chat = chats[0]!;
  const conversationId = toGiftee[0]!.id;
  await openMatch(chat, groupId, 'giftee');
  const raw = await RawParticipant.connect(members[0]!);
  const refusals: Refusal[] = [];
  try {
    for (const { name, input, expected } of refused) {
      await type(chat, input);
      const sendable = !sendButton(chat).disabled;
      const shown = counter(chat);
      sendButton(chat).click();
      await chat.updateComplete;
      const client = await chat.client!.send(conversationId, input).then(
        () => 'sent',
        (error: unknown) => String((error as { code?: string }).code),
      );
      const answer = await raw.sendMessage(conversationId, input);
      refusals.push({ name, expected, sendable, counter: shown, client, relay: answer.type === 'ERROR' ? answer.code : 'stored' });
    }
    const acceptedVectors = [];
    for (const vector of vectors.filter((candidate) => candidate.result === 'ok')) {
      await type(chat, vector.input);
      acceptedVectors.push({ name: vector.name, sendable: !sendButton(chat).disabled, counter: counter(chat), codePoints: vector.codePoints ?? -1 });
    }
    await type(chat, '');
    const stored = await raw.api<{ messages: unknown[] }>('GET', `/conversations/${encodeURIComponent(conversationId)}/messages?limit=200`);
    // Late events (an image error, a toggle, a load) get a moment to fire.
    await sleep(500);
    const during = { executed: [...executed], violations: [...violations] };

    // Control: an injection into this page is refused by the policy, and the listener sees it.
    const sink = document.createElement('div');
    sink.innerHTML = `<img src="/favicon-missing.png" onerror="__xss('control')">`;
    document.body.append(sink);
    await until(() => violations.length > during.violations.length, 'the control violation', 3000).catch(() => {});
    const control = { executed: executed.slice(during.executed.length), violations: violations.slice(during.violations.length) };
    sink.remove();

    for (const element of [launcher, ...chats]) await element.logout();
    report({
      shares: shares.map((share) => share.map((payload) => payload.name)),
      disabledSends,
      ownBubbles,
      receivedBubbles,
      bubbleElements,
      dangerousElements,
      listLast,
      preview,
      refusals,
      acceptedVectors,
      storedBySender0: stored.body.messages.length,
      ...during,
      control,
    });
  } finally {
    raw.close();
  }
}

run().catch((error: unknown) => report({ error: String((error as Error)?.stack ?? error) }));
