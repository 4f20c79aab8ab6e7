/**
 * Browser-side helpers for tests against the real relay (see relay-plugin.ts): tokens,
 * groups with unique ids per test, stopping and restarting the relay, waiting for a state.
 */
import '../../widget/src/santa-chat.js';
import type { SantaChat } from '../../widget/src/santa-chat.component.js';

export async function relayInfo(): Promise<{ url: string; running: boolean }> {
  return (await fetch('/__relay/info')).json() as Promise<{ url: string; running: boolean }>;
}

export async function tokenFor(userId: string, seconds?: number): Promise<string> {
  const response = await fetch('/__relay/token', { method: 'POST', body: JSON.stringify({ userId, seconds }) });
  return ((await response.json()) as { token: string }).token;
}

let counter = 0;

/** A fresh three-person raffle (santa -> giftee -> third -> santa) with unique ids and names. */
export async function createGroup(options: { revealInMs?: number } = {}) {
  counter += 1;
  const tag = `${Date.now().toString(36)}${counter}${Math.random().toString(36).slice(2, 6)}`;
  const santa = { id: `santa-${tag}`, name: `Alice${tag}` };
  const giftee = { id: `giftee-${tag}`, name: `Bob${tag}` };
  const third = { id: `third-${tag}`, name: `Cleo${tag}` };
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
  return { groupId, santa, giftee, third, body };
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

/** Creates a `<santa-chat>` for `userId` in the document (removed by `cleanup`). */
export async function chatFor(
  userId: string,
  attributes: Record<string, string> = {},
): Promise<SantaChat> {
  const { url } = await relayInfo();
  const element = document.createElement('santa-chat');
  element.setAttribute('server', url);
  element.setAttribute('token', await tokenFor(userId));
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  document.body.append(element);
  created.push(element);
  await element.updateComplete;
  return element;
}

const created: HTMLElement[] = [];

export async function cleanup(): Promise<void> {
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

export function shadow(element: SantaChat): ShadowRoot {
  if (!element.shadowRoot) throw new Error('no shadow root');
  return element.shadowRoot;
}

/** Visible text of the element's shadow tree (what a user could read). */
export function shadowText(element: SantaChat): string {
  return shadow(element).textContent ?? '';
}
