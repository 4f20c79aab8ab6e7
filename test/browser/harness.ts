/**
 * Browser-side helpers for tests against the real relay (see relay-plugin.ts): tokens,
 * groups with unique ids per test, stopping and restarting the relay, waiting for a state,
 * driving the composer and reading what the widget shows and caches.
 */
import { executeServerCommand, sendKeys } from '@web/test-runner-commands';
import '../../widget/src/santa-chat.js';
import './axe-setup.js';
import type { SantaChat } from '../../widget/src/santa-chat.component.js';
import { backoffDelay } from '../../widget/src/client/backoff.js';
import { databaseName } from '../../widget/src/storage/open-history-store.js';
import type { Engine } from './engine-plugin.js';

export async function relayInfo(): Promise<{ url: string; running: boolean }> {
  return (await fetch('/__relay/info')).json() as Promise<{ url: string; running: boolean }>;
}

export async function tokenFor(userId: string, seconds?: number): Promise<string> {
  const response = await fetch('/__relay/token', { method: 'POST', body: JSON.stringify({ userId, seconds }) });
  return ((await response.json()) as { token: string }).token;
}

let counter = 0;

export interface Member {
  id: string;
  name: string;
}

/**
 * A fresh three-person raffle (santa -> giftee -> third -> santa) with unique ids and names.
 * `santaName` / `gifteeName` replace the default names (a unique tag is still appended).
 */
export async function createGroup(options: { revealInMs?: number; santaName?: string; gifteeName?: string } = {}) {
  counter += 1;
  const tag = `${Date.now().toString(36)}${counter}${Math.random().toString(36).slice(2, 6)}`;
  const santa: Member = { id: `santa-${tag}`, name: options.santaName ? `${options.santaName} ${tag}` : `Alice${tag}` };
  const giftee: Member = { id: `giftee-${tag}`, name: options.gifteeName ? `${options.gifteeName} ${tag}` : `Bob${tag}` };
  const third: Member = { id: `third-${tag}`, name: `Cleo${tag}` };
  const groupId = `group-${tag}`;
  const body = {
    name: 'Office 2026',
    revealAt: new Date(Date.now() + (options.revealInMs ?? 7 * 24 * 3600 * 1000)).toISOString(),
    members: [santa, giftee, third],
    assignments: [
      { santa: santa.id, giftee: giftee.id },
      { santa: giftee.id, giftee: third.id },
      { santa: third.id, giftee: santa.id },
    ],
  };
  const response = await fetch(`/__relay/group/${groupId}`, { method: 'PUT', body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`group PUT failed: ${response.status}`);
  return { groupId, santa, giftee, third, body, tag };
}

export async function putGroup(groupId: string, body: unknown): Promise<Response> {
  return fetch(`/__relay/group/${groupId}`, { method: 'PUT', body: JSON.stringify(body) });
}

export async function stopRelay(): Promise<void> {
  await fetch('/__relay/stop', { method: 'POST' });
}

export async function startRelay(): Promise<void> {
  await fetch('/__relay/start', { method: 'POST' });
}

/**
 * Creates a `<santa-chat>` for `userId` in the document (removed by `cleanup`). A token is
 * minted unless `attributes.token` is given (an empty string: no token attribute at all);
 * `properties` are assigned before the element is connected.
 */
export async function chatFor(
  userId: string,
  attributes: Record<string, string> = {},
  properties: Partial<Pick<SantaChat, 'tokenProvider' | 'strings'>> = {},
): Promise<SantaChat> {
  const element = document.createElement('santa-chat');
  if (!('server' in attributes)) element.setAttribute('server', (await relayInfo()).url);
  if (!('token' in attributes)) element.setAttribute('token', await tokenFor(userId));
  for (const [name, value] of Object.entries(attributes)) {
    if (!((name === 'token' || name === 'server') && value === '')) element.setAttribute(name, value);
  }
  Object.assign(element, properties);
  document.body.append(element);
  created.push(element);
  await element.updateComplete;
  return element;
}

const created: HTMLElement[] = [];

export async function cleanup(): Promise<void> {
  // A test that failed half-way must not leave the next one without a relay.
  await startRelay();
  for (const element of created.splice(0)) {
    const chat = element as SantaChat;
    await chat.logout().catch(() => {});
    element.remove();
  }
}

/** Polls `predicate` every 20 ms until it holds, or fails after `timeoutMs` with `what`. */
export async function until(predicate: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Waits for the element's animations (the panel's fade-in) to end, and for a frame after:
 * axe measures contrast on the colours as they are, which are faded mid-animation.
 */
export async function settled(element: SantaChat): Promise<void> {
  await element.updateComplete;
  await Promise.all(shadow(element).getAnimations().map((animation) => animation.finished));
  await new Promise((resolve) => requestAnimationFrame(resolve));
}

export function shadow(element: SantaChat): ShadowRoot {
  if (!element.shadowRoot) throw new Error('no shadow root');
  return element.shadowRoot;
}

/** Visible text of the element's shadow tree (what a user could read). */
export function shadowText(element: SantaChat): string {
  return shadow(element).textContent ?? '';
}

export function connected(...elements: SantaChat[]): Promise<void> {
  return allConnected(elements, 'connected', 8000);
}

function allConnected(elements: SantaChat[], what: string, timeoutMs: number): Promise<void> {
  return until(() => elements.every((element) => element.connectionState === 'connected'), what, timeoutMs);
}

/**
 * How long a client may take to reconnect once a stopped relay is back: its loop waits at most
 * the longest backoff between attempts (client/backoff.ts, 20 s), plus the attempt itself.
 */
export const RECONNECT_WITHIN_MS = backoffDelay(Number.POSITIVE_INFINITY, () => 1) + 5_000;

/** `connected`, for elements that were backing off while the relay was stopped (`startRelay`). */
export function reconnected(...elements: SantaChat[]): Promise<void> {
  return allConnected(elements, 'reconnected', RECONNECT_WITHIN_MS);
}

/** Opens the conversation with one's giftee (default) or santa and waits for the thread. */
export async function openMatch(element: SantaChat, groupId: string, withRole: 'giftee' | 'santa' = 'giftee') {
  const conversation = await element.messageMatch(groupId, withRole);
  await element.updateComplete;
  await until(() => shadow(element).querySelector('.log') !== null, 'the thread is shown');
  return conversation;
}

export function textarea(element: SantaChat): HTMLTextAreaElement {
  const input = shadow(element).querySelector<HTMLTextAreaElement>('#composer-input');
  if (!input) throw new Error('no composer');
  return input;
}

export function sendButton(element: SantaChat): HTMLButtonElement {
  const button = shadow(element).querySelector<HTMLButtonElement>('.send');
  if (!button) throw new Error('no send button');
  return button;
}

/** Types `text` into the composer as a user would (value + input event). */
export async function type(element: SantaChat, text: string): Promise<void> {
  const input = textarea(element);
  input.value = text;
  input.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
  await element.updateComplete;
}

/** Types `text` and clicks Send. */
export async function send(element: SantaChat, text: string): Promise<void> {
  await type(element, text);
  sendButton(element).click();
  await element.updateComplete;
}

export function messageElements(element: SantaChat): HTMLElement[] {
  return [...shadow(element).querySelectorAll<HTMLElement>('.log .message')];
}

/** The text of each message bubble in the open thread, in order. */
export function bubbles(element: SantaChat): string[] {
  return messageElements(element).map((message) => message.querySelector('.bubble')?.textContent ?? '');
}

/** Waits until the open thread shows at least `count` messages; returns their texts. */
export async function untilMessages(element: SantaChat, count: number, timeoutMs = 5000): Promise<string[]> {
  await until(() => bubbles(element).length >= count, `${count} messages shown`, timeoutMs);
  return bubbles(element);
}

/** The name of the IndexedDB database that caches `userId`'s chat on the test relay. */
export async function cacheName(userId: string): Promise<string> {
  return databaseName((await relayInfo()).url, userId);
}

/** Every record of every store of the database `name` (opened without creating it). */
export async function readDatabase(name: string): Promise<Record<string, unknown[]>> {
  const names = (await indexedDB.databases()).map((database) => database.name);
  if (!names.includes(name)) throw new Error(`no database ${name}`);
  const database = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open(name);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  try {
    const result: Record<string, unknown[]> = {};
    for (const storeName of [...database.objectStoreNames]) {
      result[storeName] = await new Promise<unknown[]>((resolve, reject) => {
        const request = database.transaction(storeName, 'readonly').objectStore(storeName).getAll();
        request.onsuccess = () => resolve(request.result as unknown[]);
        request.onerror = () => reject(request.error);
      });
    }
    return result;
  } finally {
    database.close();
  }
}

/** Collects the `type` events that reach `document` until `stop()` is called. */
export function recordEvents<T = unknown>(eventType: string): { events: CustomEvent<T>[]; stop: () => void } {
  const events: CustomEvent<T>[] = [];
  const listener = (event: Event): void => void events.push(event as CustomEvent<T>);
  document.addEventListener(eventType, listener);
  return { events, stop: () => document.removeEventListener(eventType, listener) };
}

/**
 * Opens `path?query` in an iframe and resolves with the first message it posts whose `source`
 * is `source` (the CSP pages report that way: a page with a strict policy cannot run the
 * test framework itself).
 */
export async function reportOfPage<T extends { source: string }>(path: string, source: T['source'], query: Record<string, string>, timeoutMs: number): Promise<T> {
  const iframe = document.createElement('iframe');
  try {
    const reported = new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${path} did not report`)), timeoutMs);
      window.addEventListener('message', function onMessage(event: MessageEvent) {
        const data = event.data as T | undefined;
        if (event.source !== iframe.contentWindow || data?.source !== source) return;
        window.removeEventListener('message', onMessage);
        clearTimeout(timer);
        resolve(data);
      });
    });
    iframe.src = `${path}?${new URLSearchParams(query)}`;
    document.body.append(iframe);
    return await reported;
  } finally {
    iframe.remove();
  }
}

/** The engine running this test (see engine-plugin.ts). */
export async function engine(): Promise<Engine> {
  return (await executeServerCommand<Engine>('santa-chat-engine')) as Engine;
}

/**
 * Types `text` as real key presses, one key at a time. Not `sendKeys({ type })`: over WebDriver
 * it presses every key down before any comes up, so a doubled letter ("ll") comes out once.
 */
export async function typeKeys(text: string): Promise<void> {
  for (const key of text) await sendKeys({ press: key });
}

/** Presses a chord such as `['Shift', 'Enter']` as real key events (see engine-plugin.ts). */
export async function pressChord(...keys: string[]): Promise<void> {
  await executeServerCommand('santa-chat-chord', { keys });
}

/**
 * Opens `path?query` as a top-level window (a popup opened by a real key press on a button, so
 * that no popup blocker refuses it) and resolves with the first message it posts whose `source`
 * is `source`. Top level, not an iframe: WebKit fires no `securitypolicyviolation` event in a
 * same-origin iframe.
 */
export async function reportOfWindow<T extends { source: string }>(path: string, source: T['source'], query: Record<string, string>, timeoutMs: number): Promise<T> {
  const button = document.createElement('button');
  button.textContent = 'Open the page';
  let opened: Window | null = null;
  const reported = new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${path} did not report${opened ? '' : ' (no window was opened)'}`)), timeoutMs);
    window.addEventListener('message', function onMessage(event: MessageEvent) {
      const data = event.data as T | undefined;
      if (opened === null || event.source !== opened || data?.source !== source) return;
      window.removeEventListener('message', onMessage);
      clearTimeout(timer);
      resolve(data);
    });
  });
  button.addEventListener('click', () => {
    opened = window.open(`${path}?${new URLSearchParams(query)}`, '_blank');
  });
  document.body.append(button);
  try {
    button.focus();
    await sendKeys({ press: 'Enter' });
    return await reported;
  } finally {
    (opened as Window | null)?.close();
    button.remove();
    window.focus();
  }
}
