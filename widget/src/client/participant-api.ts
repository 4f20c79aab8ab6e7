/**
 * The participant HTTP calls the client makes: "Message Match" and older history pages, each
 * with a fresh token (a 401 asks the provider once and tries again).
 */
import { ConversationResponseSchema, HistoryResponseSchema, LIMITS, type Conversation, type HistoryResponse } from '../../../protocol/browser.js';
import { ChatClientError } from './errors.js';
import { callApi, type ResponseSchema } from './http-api.js';
import type { TokenSource } from './token-source.js';

const HISTORY_PAGE = LIMITS.historyPageDefault;

export class ParticipantApi {
  readonly #server: string;
  readonly #fetch: typeof fetch;
  readonly #tokens: TokenSource;

  constructor(server: string, fetchFunction: typeof fetch, tokens: TokenSource) {
    this.#server = server;
    this.#fetch = fetchFunction;
    this.#tokens = tokens;
  }

  /** One call with a fresh token; a 401 asks the provider once and tries again. */
  async #call<T>(path: string, schema: ResponseSchema<T>, body?: unknown): Promise<T> {
    const request = { fetch: this.#fetch, url: `${this.#server}${path}`, body };
    try {
      return await callApi({ ...request, token: await this.#tokens.fresh() }, schema);
    } catch (error) {
      if (!(error instanceof ChatClientError && error.status === 401 && this.#tokens.canRenew)) throw error;
      return callApi({ ...request, token: await this.#tokens.renew() }, schema);
    }
  }

  /** The conversation with one's giftee (or santa) in `groupId`, created on first use. */
  async conversationWith(groupId: string, withRole: 'giftee' | 'santa'): Promise<Conversation> {
    const { conversation } = await this.#call(`/groups/${encodeURIComponent(groupId)}/conversation`, ConversationResponseSchema, { with: withRole });
    return conversation;
  }

  /** The page of messages before `lowest` (the oldest `seq` held; 0 when none: the newest page). */
  olderMessages(conversationId: string, lowest: number): Promise<HistoryResponse> {
    const query = lowest > 1 ? `before=${lowest}&limit=${HISTORY_PAGE}` : `limit=${HISTORY_PAGE}`;
    return this.#call(`/conversations/${encodeURIComponent(conversationId)}/messages?${query}`, HistoryResponseSchema);
  }
}
