/**
 * The participant HTTP API (docs/protocol.md §2), parsed with the contract's response schemas.
 * Failures become `ChatClientError`s with the relay's `code` and the HTTP `status`.
 */
import { ApiErrorSchema } from '../../../protocol/browser.js';
import { ChatClientError } from './errors.js';

/**
 * A protocol response schema (`protocol/schema.ts`, docs/decisions/0007-browser-schemas-without-zod.md);
 * only `safeParse` is used.
 */
export interface ResponseSchema<T> {
  safeParse(input: unknown): { success: true; data: T } | { success: false };
}

export interface ApiRequest {
  fetch: typeof fetch;
  url: string;
  token: string;
  /** POSTed as JSON; without one the call is a GET. */
  body?: unknown;
}

/** One call; resolves with the parsed body or rejects with a `ChatClientError`. */
export async function callApi<T>(request: ApiRequest, schema: ResponseSchema<T>): Promise<T> {
  const headers: Record<string, string> = { authorization: `Bearer ${request.token}` };
  if (request.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await request.fetch(request.url, {
      method: request.body === undefined ? 'GET' : 'POST',
      headers,
      ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
    });
  } catch (error) {
    throw new ChatClientError('NETWORK', `The chat server could not be reached: ${error instanceof Error ? error.message : String(error)}`);
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  if (response.ok) {
    const parsed = schema.safeParse(body);
    if (parsed.success) return parsed.data;
    throw new ChatClientError('INTERNAL', 'The chat server sent an answer this widget does not understand.', response.status);
  }
  const failure = ApiErrorSchema.safeParse(body);
  if (failure.success) throw new ChatClientError(failure.data.error.code, failure.data.error.message, response.status);
  throw new ChatClientError('INTERNAL', `The chat server answered ${response.status}.`, response.status);
}
