/**
 * HTTP and socket helpers for the relay's HTTP tests: plain `fetch` against a running relay,
 * tokens minted the way a host would (independently of the relay's own signer), and
 * assertions for the contract's error body.
 */
import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import type { AckFrame, ApiError } from '../../protocol/index.js';
import { inMemoryApp } from '../../server/src/app.test-support.js';
import type { TestClient } from './client.js';
import { TEST_ADMIN_TOKEN, TEST_SECRET } from './relay.js';

export interface HttpResult<T = unknown> {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed JSON body; `undefined` when the body is not JSON. */
  body: T;
}

/** A URL under a `createTestApp()` origin goes to that app (`app.request`, no port); any other over the network. */
export async function request<T = unknown>(url: string, init: RequestInit = {}): Promise<HttpResult<T>> {
  const app = inMemoryApp(url);
  const response = app ? await app.request(url, init) : await fetch(url, init);
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, headers: response.headers, text, body: body as T };
}

/** Calls of one participant: `Authorization: Bearer <token>` on every request. */
export function asParticipant(baseUrl: string, token: string) {
  const authorization = { authorization: `Bearer ${token}` };
  return {
    get: <T = unknown>(path: string, headers: Record<string, string> = {}) =>
      request<T>(`${baseUrl}${path}`, { headers: { ...authorization, ...headers } }),
    /** `body` is sent as JSON; a string is sent as it is; `undefined` sends no body. */
    post: <T = unknown>(path: string, body?: unknown, headers: Record<string, string> = {}) =>
      request<T>(`${baseUrl}${path}`, {
        method: 'POST',
        headers: { ...authorization, 'content-type': 'application/json', ...headers },
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      }),
  };
}

/** One call of `userId` (with a token the relay minted) to a participant route; a body goes as JSON. */
export function callAs<T = unknown>(
  relay: { url: string; token(userId: string): string },
  userId: string,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<HttpResult<T>> {
  return request<T>(`${relay.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${relay.token(userId)}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

/** Calls of the host's server on the admin API. */
export function asHost(baseUrl: string, adminToken: string = TEST_ADMIN_TOKEN) {
  const headers = (extra: Record<string, string>) => ({ authorization: `Bearer ${adminToken}`, ...extra });
  const groupUrl = (groupId: string) => `${baseUrl}/admin/groups/${encodeURIComponent(groupId)}`;
  return {
    put: <T = unknown>(groupId: string, body: unknown, extra: Record<string, string> = {}) =>
      request<T>(groupUrl(groupId), {
        method: 'PUT',
        headers: headers({ 'content-type': 'application/json', ...extra }),
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    get: <T = unknown>(groupId: string, extra: Record<string, string> = {}) =>
      request<T>(groupUrl(groupId), { headers: headers(extra) }),
    delete: <T = unknown>(groupId: string, extra: Record<string, string> = {}) =>
      request<T>(groupUrl(groupId), { method: 'DELETE', headers: headers(extra) }),
  };
}

/**
 * Asserts the contract's error body `{ success: false, error: { code, message } }` with this
 * status and code (and `error.field` when given); returns the error.
 */
export function assertError(result: HttpResult, status: number, code: string, field?: string): ApiError['error'] {
  assert.equal(result.status, status, `expected ${status} ${code}, got ${result.status}: ${result.text}`);
  assert.match(result.headers.get('content-type') ?? '', /^application\/json/);
  const body = result.body as ApiError;
  assert.deepEqual(Object.keys(body).sort(), ['error', 'success']);
  assert.equal(body.success, false);
  assert.equal(body.error.code, code);
  assert.equal(typeof body.error.message, 'string');
  assert.ok(body.error.message.length > 0, 'error.message is empty');
  if (field !== undefined) assert.equal(body.error.field, field, `error.field of ${result.text}`);
  return body.error;
}

/** A JWT signed HS256 (or with whatever `header` says) the way a host site mints one. */
export function mintToken(
  claims: Record<string, unknown>,
  { secret = TEST_SECRET, header = { alg: 'HS256', typ: 'JWT' } }: { secret?: string; header?: Record<string, unknown> } = {},
): string {
  const encode = (part: unknown): string => Buffer.from(JSON.stringify(part)).toString('base64url');
  const signingInput = `${encode(header)}.${encode(claims)}`;
  return `${signingInput}.${createHmac('sha256', secret).update(signingInput).digest('base64url')}`;
}

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** Sends one message over an authenticated socket and resolves with its ACK (it is stored). */
export async function sendMessage(client: TestClient, conversationId: string, content: string): Promise<AckFrame> {
  const clientId = randomUUID();
  client.send({ type: 'NEW_MESSAGE', conversationId, content, clientId });
  return client.next('ACK', (ack) => ack.clientId === clientId);
}

/** Sends `count` messages ("<prefix> 1", "<prefix> 2", ...) in one burst and waits for every ACK. */
export async function sendMessages(client: TestClient, conversationId: string, count: number, prefix = 'message'): Promise<void> {
  const clientIds = Array.from({ length: count }, () => randomUUID());
  clientIds.forEach((clientId, index) => {
    client.send({ type: 'NEW_MESSAGE', conversationId, content: `${prefix} ${index + 1}`, clientId });
  });
  const lastClientId = clientIds.at(-1);
  await client.next('ACK', (ack) => ack.clientId === lastClientId, 15_000);
  const acked = new Set(client.all('ACK').map((ack) => ack.clientId));
  assert.ok(clientIds.every((clientId) => acked.has(clientId)), 'some messages were not acknowledged');
}
