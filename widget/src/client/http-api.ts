/**
 * The participant HTTP API (docs/protocol.md §2), parsed with the contract's response schemas.
 * Failures become `ChatClientError`s with the relay's `code` and the HTTP `status`.
 */
import { ApiErrorSchema } from '../../../protocol/browser.js';
import { ChatClientError } from './errors.js';
import type { TokenSource } from './token-source.js';

/**
 * A protocol response schema (`protocol/schema.ts`, docs/decisions/0007-browser-schemas-without-zod.md);
 * only `safeParse` is used.
 */
export interface ResponseSchema<T> {
  safeParse(input: unknown): { success: true; data: T } | { success: false };
}

/** The relay's participant API, called with the client's token. */
export class ParticipantApi {
  readonly #server: string;
  readonly #fetch: typeof fetch;
  readonly #tokens: TokenSource;

  constructor(server: string, fetcher: typeof fetch, tokens: TokenSource) {
    this.#server = server;
    this.#fetch = fetcher;
    this.#tokens = tokens;
  }

  /** A call with a fresh token; a 401 asks the provider once and tries again. */
  async call<T>(path: string, schema: ResponseSchema<T>, body?: unknown): Promise<T> {
    const request = { fetch: this.#fetch, url: `${this.#server}${path}`, body };
    try {
      return await callApi({ ...request, token: await this.#tokens.fresh() }, schema);
    } catch (error) {
      if (!(error instanceof ChatClientError && error.status === 401 && this.#tokens.canRenew)) throw error;
      return callApi({ ...request, token: await this.#tokens.renew() }, schema);
    }
  }
}

interface ApiRequest {
  fetch: typeof fetch;
  url: string;
  token: string;
  /** POSTed as JSON; without one the call is a GET. */
  body?: unknown;
}

/** One call; resolves with the parsed body or rejects with a `ChatClientError`. */
async function callApi<T>(request: ApiRequest, schema: ResponseSchema<T>): Promise<T> {
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
