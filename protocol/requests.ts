/** Participant request bodies and queries (docs/protocol.md §2), parsed by the relay. */
import * as z from 'zod/mini';
import { firstFailure, PARSE_OPTIONS, type FieldResult } from './issues.js';
import { LIMITS } from './limits.js';

/** Body of `POST /groups/:groupId/conversation`. */
export const ConversationRequestSchema = z.object({
  with: z._default(z.enum(['giftee', 'santa']), 'giftee'),
});
export type ConversationRequest = z.output<typeof ConversationRequestSchema>;

export function parseConversationRequest(body: unknown): FieldResult<ConversationRequest> {
  // The seed's clients post with no body at all; that asks for the giftee.
  const result = ConversationRequestSchema.safeParse(body === undefined || body === null || body === '' ? {} : body, PARSE_OPTIONS);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, ...firstFailure(result.error) };
}

export type HistoryQuery = { after?: number; before?: number; limit: number };

const DECIMAL_DIGITS = /^\d+$/;

function parseNonNegativeInteger(raw: string): number | null {
  if (!DECIMAL_DIGITS.test(raw)) return null;
  const value = Number(raw);
  return Number.isSafeInteger(value) ? value : null;
}

/** Query of `GET /conversations/:id/messages`: `after` or `before` a seq, and a page size. */
export function parseHistoryQuery(query: Record<string, string | undefined>): FieldResult<HistoryQuery> {
  const value: HistoryQuery = { limit: LIMITS.historyPageDefault };
  for (const field of ['after', 'before'] as const) {
    const raw = query[field];
    if (raw === undefined) continue;
    const seq = parseNonNegativeInteger(raw);
    if (seq === null) return { ok: false, field, message: `${field}: expected a non-negative integer` };
    value[field] = seq;
  }
  if (value.after !== undefined && value.before !== undefined) {
    return { ok: false, field: 'before', message: 'before: cannot be combined with after' };
  }
  if (query.limit !== undefined) {
    const limit = parseNonNegativeInteger(query.limit);
    if (limit === null || limit < 1 || limit > LIMITS.historyPageMax) {
      return { ok: false, field: 'limit', message: `limit: expected an integer from 1 to ${LIMITS.historyPageMax}` };
    }
    value.limit = limit;
  }
  return { ok: true, value };
}
