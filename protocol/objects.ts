import * as z from 'zod/mini';

const nonNegativeInt = () => z.int().check(z.minimum(0));

export const MessageSchema = z.object({
  id: z.string(),
  conversationId: z.string(),
  seq: z.int().check(z.minimum(1)),
  senderId: z.string(),
  content: z.string(),
  timestamp: z.string(),
});
export type Message = z.infer<typeof MessageSchema>;

/** What the caller may know of the other side; before the reveal a giftee sees only the alias. */
export const PeerSchema = z.object({
  id: z.string(),
  name: z.string(),
  anonymous: z.boolean(),
});
export type Peer = z.infer<typeof PeerSchema>;

export const SelfSchema = z.object({
  id: z.string(),
  name: z.string(),
});
export type Self = z.infer<typeof SelfSchema>;

export const ConversationRole = { SANTA: 'santa', GIFTEE: 'giftee' } as const;
export type ConversationRole = (typeof ConversationRole)[keyof typeof ConversationRole];

export const ConversationSchema = z.object({
  id: z.string(),
  groupId: z.string(),
  groupName: z.string(),
  participants: z.array(z.string()),
  createdAt: z.string(),
  role: z.enum(ConversationRole),
  self: SelfSchema,
  peer: PeerSchema,
  revealAt: z.string(),
  revealed: z.boolean(),
  unread: nonNegativeInt(),
  lastMessage: z.nullable(MessageSchema),
  closed: z.boolean(),
});
export type Conversation = z.infer<typeof ConversationSchema>;
