import * as z from 'zod/mini';
import { ErrorCode } from './codes.js';
import type { FieldResult } from './group-input.js';
import { firstFailure, PARSE_OPTIONS } from './issues.js';
import { LIMITS } from './limits.js';
import { ConversationSchema, MessageSchema } from './objects.js';

export { GroupInputSchema, parseGroupInput } from './group-input.js';
export type { FieldResult, GroupAssignment, GroupInput, GroupMember } from './group-input.js';

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

// Response bodies, so the widget parses what the relay sends with the same contract.

export const ApiErrorSchema = z.object({
  success: z.literal(false),
  error: z.object({
    code: z.enum(ErrorCode),
    message: z.string(),
    field: z.optional(z.string()),
  }),
});
export type ApiError = z.infer<typeof ApiErrorSchema>;

export const ConversationResponseSchema = z.object({
  success: z.literal(true),
  conversation: ConversationSchema,
});
export type ConversationResponse = z.infer<typeof ConversationResponseSchema>;

export const ConversationListResponseSchema = z.object({
  success: z.literal(true),
  conversations: z.array(ConversationSchema),
  unreadTotal: z.int().check(z.minimum(0)),
});
export type ConversationListResponse = z.infer<typeof ConversationListResponseSchema>;

export const HistoryResponseSchema = z.object({
  success: z.literal(true),
  messages: z.array(MessageSchema),
  hasMore: z.boolean(),
});
export type HistoryResponse = z.infer<typeof HistoryResponseSchema>;

export const GroupResponseSchema = z.object({
  success: z.literal(true),
  group: z.object({
    id: z.string(),
    name: z.string(),
    revealAt: z.string(),
    members: z.array(z.object({ id: z.string(), name: z.string() })),
    assignments: z.array(z.object({ santa: z.string(), giftee: z.string() })),
  }),
});
export type GroupResponse = z.infer<typeof GroupResponseSchema>;
