import * as z from './schema.js';

export const MessageSchema = z.object({
  id: z.string(),
  conversationId: z.string(),
  seq: z.integerAtLeast(1),
  senderId: z.string(),
  content: z.string(),
  timestamp: z.string(),
});
export type Message = z.Infer<typeof MessageSchema>;

/** What the caller may know of the other side; before the reveal a giftee sees only the alias. */
export const PeerSchema = z.object({
  id: z.string(),
  name: z.string(),
  anonymous: z.boolean(),
});
export type Peer = z.Infer<typeof PeerSchema>;

export const SelfSchema = z.object({
  id: z.string(),
  name: z.string(),
});
export type Self = z.Infer<typeof SelfSchema>;

export const ConversationRole = { SANTA: 'santa', GIFTEE: 'giftee' } as const;
export type ConversationRole = (typeof ConversationRole)[keyof typeof ConversationRole];

export const ConversationSchema = z.object({
  id: z.string(),
  groupId: z.string(),
  groupName: z.string(),
  participants: z.array(z.string()),
  createdAt: z.string(),
  role: z.literal(Object.values(ConversationRole)),
  self: SelfSchema,
  peer: PeerSchema,
  revealAt: z.string(),
  revealed: z.boolean(),
  unread: z.integerAtLeast(0),
  lastMessage: z.nullable(MessageSchema),
  closed: z.boolean(),
  /** The other side has read up to this `seq` (0: nothing). Always sent by relays since it was added. */
  peerReadUpTo: z.optional(z.integerAtLeast(0)),
});
export type Conversation = z.Infer<typeof ConversationSchema>;

/**
 * A group as one member takes part in it (READY `groups`, `GET /groups`): their giftee, and
 * only whether they have a santa. The santa is never named or identified here, revealed or not.
 */
export const MemberGroupSchema = z.object({
  id: z.string(),
  name: z.string(),
  revealAt: z.string(),
  /** The raffle has happened in this group. */
  drawn: z.boolean(),
  /** Whom the member gives to; null before the raffle or when it gave them nobody. */
  giftee: z.nullable(SelfSchema),
  /** Someone gives to the member (a conversation with "your Secret Santa" can be opened). */
  hasSanta: z.boolean(),
});
export type MemberGroup = z.Infer<typeof MemberGroupSchema>;
