/** Relay -> client frames (PROTOCOL.md §3), parsed by the widget. */
import * as z from 'zod/mini';
import { ErrorCode } from './codes.js';
import { PROTOCOL_VERSION } from './limits.js';
import { ConversationSchema, MessageSchema, PeerSchema } from './objects.js';

const nonNegativeInt = () => z.int().check(z.minimum(0));

export const ReadyFrameSchema = z.object({
  type: z.literal('READY'),
  userId: z.string(),
  protocol: z.literal(PROTOCOL_VERSION),
  conversations: z.array(ConversationSchema),
  unreadTotal: nonNegativeInt(),
});
export const AckFrameSchema = z.object({
  type: z.literal('ACK'),
  clientId: z.string(),
  conversationId: z.string(),
  id: z.string(),
  seq: z.int().check(z.minimum(1)),
  timestamp: z.string(),
});
export const MessageFrameSchema = z.object({
  type: z.literal('NEW_MESSAGE'),
  conversationId: z.string(),
  id: z.string(),
  seq: z.int().check(z.minimum(1)),
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
  upTo: nonNegativeInt(),
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
  code: z.enum(ErrorCode),
  message: z.string(),
  clientId: z.optional(z.string()),
  conversationId: z.optional(z.string()),
  retryAfterMs: z.optional(nonNegativeInt()),
});
export const PongFrameSchema = z.object({
  type: z.literal('PONG'),
});

export const ServerFrameSchema = z.discriminatedUnion('type', [
  ReadyFrameSchema,
  AckFrameSchema,
  MessageFrameSchema,
  HistoryFrameSchema,
  TypingNoticeSchema,
  ReadNoticeSchema,
  ConversationFrameSchema,
  RevealFrameSchema,
  ErrorFrameSchema,
  PongFrameSchema,
]);

export type ReadyFrame = z.infer<typeof ReadyFrameSchema>;
export type AckFrame = z.infer<typeof AckFrameSchema>;
export type MessageFrame = z.infer<typeof MessageFrameSchema>;
export type HistoryFrame = z.infer<typeof HistoryFrameSchema>;
export type TypingNotice = z.infer<typeof TypingNoticeSchema>;
export type ReadNotice = z.infer<typeof ReadNoticeSchema>;
export type ConversationFrame = z.infer<typeof ConversationFrameSchema>;
export type RevealFrame = z.infer<typeof RevealFrameSchema>;
export type ErrorFrame = z.infer<typeof ErrorFrameSchema>;
export type PongFrame = z.infer<typeof PongFrameSchema>;
export type ServerFrame = z.infer<typeof ServerFrameSchema>;

/** The widget's side: a relay frame, or null for anything it does not understand; never throws. */
export function parseServerFrame(text: string): ServerFrame | null {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  const result = ServerFrameSchema.safeParse(raw);
  return result.success ? result.data : null;
}
