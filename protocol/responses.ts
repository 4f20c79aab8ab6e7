/** HTTP response bodies (docs/protocol.md §1-2), so the widget parses what the relay sends. */
import * as z from './schema.js';
import { ErrorCode } from './codes.js';
import { ConversationSchema, MemberGroupSchema, MessageSchema } from './objects.js';

export const ApiErrorSchema = z.object({
  success: z.literal(false),
  error: z.object({
    code: z.literal(Object.values(ErrorCode)),
    message: z.string(),
    field: z.optional(z.string()),
    /** Why a 401 or a foreign-origin 403 was refused: a `Refusal` (refusals.ts); a string, so new ones parse. */
    reason: z.optional(z.string()),
  }),
});
export type ApiError = z.Infer<typeof ApiErrorSchema>;

export const ConversationResponseSchema = z.object({
  success: z.literal(true),
  conversation: ConversationSchema,
});
export type ConversationResponse = z.Infer<typeof ConversationResponseSchema>;

export const ConversationListResponseSchema = z.object({
  success: z.literal(true),
  conversations: z.array(ConversationSchema),
  unreadTotal: z.integerAtLeast(0),
});
export type ConversationListResponse = z.Infer<typeof ConversationListResponseSchema>;

export const GroupListResponseSchema = z.object({
  success: z.literal(true),
  groups: z.array(MemberGroupSchema),
});
export type GroupListResponse = z.Infer<typeof GroupListResponseSchema>;

export const HistoryResponseSchema = z.object({
  success: z.literal(true),
  messages: z.array(MessageSchema),
  hasMore: z.boolean(),
});
export type HistoryResponse = z.Infer<typeof HistoryResponseSchema>;

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
export type GroupResponse = z.Infer<typeof GroupResponseSchema>;
