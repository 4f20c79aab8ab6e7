/** Relay -> client frames (docs/protocol.md §3), parsed by the widget. */
import * as z from './schema.js';
import { ErrorCode } from './codes.js';
import { PROTOCOL_VERSION } from './limits.js';
import { ConversationSchema, MemberGroupSchema, MessageSchema, PeerSchema } from './objects.js';

export const ReadyFrameSchema = z.object({
  type: z.literal('READY'),
  userId: z.string(),
  protocol: z.literal(PROTOCOL_VERSION),
  conversations: z.array(ConversationSchema),
  unreadTotal: z.integerAtLeast(0),
  /** The user's groups and roles in them; always sent by relays since it was added. */
  groups: z.optional(z.array(MemberGroupSchema)),
});
export const AckFrameSchema = z.object({
  type: z.literal('ACK'),
  clientId: z.string(),
  conversationId: z.string(),
  id: z.string(),
  seq: z.integerAtLeast(1),
  timestamp: z.string(),
});
export const MessageFrameSchema = z.object({
  type: z.literal('NEW_MESSAGE'),
  conversationId: z.string(),
  id: z.string(),
  seq: z.integerAtLeast(1),
  senderId: z.string(),
  content: z.string(),
  timestamp: z.string(),
  clientId: z.optional(z.string()),
});
export const HistoryFrameSchema = z.object({
  type: z.literal('HISTORY'),
  conversationId: z.string(),
  messages: z.array(MessageSchema),
  hasMore: z.boolean(),
});
export const TypingNoticeSchema = z.object({
  type: z.literal('TYPING'),
  conversationId: z.string(),
  senderId: z.string(),
});
export const ReadNoticeSchema = z.object({
  type: z.literal('READ'),
  conversationId: z.string(),
  readerId: z.string(),
  upTo: z.integerAtLeast(0),
});
export const ConversationFrameSchema = z.object({
  type: z.literal('CONVERSATION'),
  conversation: ConversationSchema,
});
export const RevealFrameSchema = z.object({
  type: z.literal('REVEAL'),
  conversationId: z.string(),
  alias: z.string(),
  participants: z.array(z.string()),
  peer: PeerSchema,
});
export const ErrorFrameSchema = z.object({
  type: z.literal('ERROR'),
  code: z.literal(Object.values(ErrorCode)),
  message: z.string(),
  clientId: z.optional(z.string()),
  conversationId: z.optional(z.string()),
  retryAfterMs: z.optional(z.integerAtLeast(0)),
});
export const ReportedFrameSchema = z.object({
  type: z.literal('REPORTED'),
  conversationId: z.string(),
  messageId: z.string(),
});
export const PongFrameSchema = z.object({
  type: z.literal('PONG'),
});

/**
 * Each relay frame's schema by its `type`. The widget looks a frame's schema up by `type`
 * rather than through `z.discriminatedUnion`, which accepts and refuses the same frames and
 * would add the union machinery to the widget bundle.
 */
export const ServerFrameSchemas = {
  READY: ReadyFrameSchema,
  ACK: AckFrameSchema,
  NEW_MESSAGE: MessageFrameSchema,
  HISTORY: HistoryFrameSchema,
  TYPING: TypingNoticeSchema,
  READ: ReadNoticeSchema,
  CONVERSATION: ConversationFrameSchema,
  REVEAL: RevealFrameSchema,
  ERROR: ErrorFrameSchema,
  PONG: PongFrameSchema,
  REPORTED: ReportedFrameSchema,
} as const;

export type ReadyFrame = z.Infer<typeof ReadyFrameSchema>;
export type AckFrame = z.Infer<typeof AckFrameSchema>;
export type MessageFrame = z.Infer<typeof MessageFrameSchema>;
export type HistoryFrame = z.Infer<typeof HistoryFrameSchema>;
export type TypingNotice = z.Infer<typeof TypingNoticeSchema>;
export type ReadNotice = z.Infer<typeof ReadNoticeSchema>;
export type ConversationFrame = z.Infer<typeof ConversationFrameSchema>;
export type RevealFrame = z.Infer<typeof RevealFrameSchema>;
export type ErrorFrame = z.Infer<typeof ErrorFrameSchema>;
export type PongFrame = z.Infer<typeof PongFrameSchema>;
export type ReportedFrame = z.Infer<typeof ReportedFrameSchema>;
export type ServerFrame = z.Infer<(typeof ServerFrameSchemas)[keyof typeof ServerFrameSchemas]>;

/** The widget's side: a relay frame, or null for anything it does not understand; never throws. */
export function parseServerFrame(text: string): ServerFrame | null {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  const type = (raw as { type?: unknown } | null)?.type;
  // Own keys only: a `type` of "constructor" or "__proto__" names no frame.
  if (typeof type !== 'string' || !Object.hasOwn(ServerFrameSchemas, type)) return null;
  const result = ServerFrameSchemas[type as keyof typeof ServerFrameSchemas].safeParse(raw);
  return result.success ? result.data : null;
}
