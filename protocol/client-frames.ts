/** Client -> relay frames (docs/protocol.md §3), parsed by the relay. */
import * as z from 'zod/mini';
import { Id, parseId, wellFormedText } from './ids.js';
import { firstFailure, PARSE_OPTIONS } from './issues.js';
import { LIMITS } from './limits.js';
import { findLoneSurrogate } from './text.js';

const nonNegativeInt = () => z.int().check(z.minimum(0));
const MAX_CLIENT_ID_LENGTH = 128;
const ClientId = z.string().check(z.minLength(1), z.maxLength(MAX_CLIENT_ID_LENGTH));

// Client -> relay. Unknown keys are stripped, so a newer client never breaks an older relay.
// Content is not checked here: the relay runs checkContent to answer EMPTY or TOO_LONG.

export const AuthFrameSchema = z.object({
  type: z.literal('AUTH'),
  token: z.string().check(z.minLength(1), z.maxLength(LIMITS.maxTokenLength)),
});
export const NewMessageFrameSchema = z.object({
  type: z.literal('NEW_MESSAGE'),
  conversationId: Id,
  content: z.string(),
  clientId: z.optional(ClientId),
});
export const TypingFrameSchema = z.object({
  type: z.literal('TYPING'),
  conversationId: Id,
});
export const ReadFrameSchema = z.object({
  type: z.literal('READ'),
  conversationId: Id,
  upTo: nonNegativeInt(),
});
export const SyncFrameSchema = z.object({
  type: z.literal('SYNC'),
  conversationId: Id,
  after: nonNegativeInt(),
});
export const ReportFrameSchema = z.object({
  type: z.literal('REPORT'),
  conversationId: Id,
  messageId: z.string().check(z.minLength(1), z.maxLength(LIMITS.maxIdLength)),
  reason: z.optional(z.string().check(z.maxLength(LIMITS.maxReportReasonLength), wellFormedText)),
});
export const PingFrameSchema = z.object({
  type: z.literal('PING'),
});

export const ClientFrameSchema = z.discriminatedUnion('type', [
  AuthFrameSchema,
  NewMessageFrameSchema,
  TypingFrameSchema,
  ReadFrameSchema,
  SyncFrameSchema,
  PingFrameSchema,
  ReportFrameSchema,
]);

export type AuthFrame = z.infer<typeof AuthFrameSchema>;
export type NewMessageFrame = z.infer<typeof NewMessageFrameSchema>;
export type TypingFrame = z.infer<typeof TypingFrameSchema>;
export type ReadFrame = z.infer<typeof ReadFrameSchema>;
export type SyncFrame = z.infer<typeof SyncFrameSchema>;
export type PingFrame = z.infer<typeof PingFrameSchema>;
export type ReportFrame = z.infer<typeof ReportFrameSchema>;
export type ClientFrame = z.infer<typeof ClientFrameSchema>;

export const CLIENT_FRAME_TYPES: ReadonlySet<string> = new Set<ClientFrame['type']>([
  'AUTH',
  'NEW_MESSAGE',
  'TYPING',
  'READ',
  'SYNC',
  'PING',
  'REPORT',
]);

export type ClientFrameFailure = {
  ok: false;
  code: 'BAD_REQUEST';
  message: string;
  clientId?: string;
  conversationId?: string;
  /** The frame's type when it is a known one, so the relay can treat a broken AUTH as AUTH. */
  type?: ClientFrame['type'];
};
export type ClientFrameResult = { ok: true; frame: ClientFrame } | ClientFrameFailure;

type EchoedIds = { clientId?: string; conversationId?: string };

// Only own properties are read: JSON.parse makes `__proto__` an own key, and reading through
// the prototype chain would let a polluted Object.prototype answer for a missing field.
function ownProperty(object: object, key: string): unknown {
  return Object.hasOwn(object, key) ? (object as Record<string, unknown>)[key] : undefined;
}

function echoedIds(raw: object): EchoedIds {
  const echoed: EchoedIds = {};
  const clientId = ownProperty(raw, 'clientId');
  if (ClientId.safeParse(clientId).success) echoed.clientId = clientId as string;
  const conversationId = parseId(ownProperty(raw, 'conversationId'));
  if (conversationId !== null) echoed.conversationId = conversationId;
  return echoed;
}

function refuse(message: string, echoed: EchoedIds = {}): ClientFrameFailure {
  return { ok: false, code: 'BAD_REQUEST', message, ...echoed };
}

const MAX_QUOTED_TYPE_LENGTH = 64;

/**
 * The precompiled check of the relay's most frequent frame: accepts exactly what
 * `NewMessageFrameSchema` accepts in its common form (string ids, a string clientId or none)
 * and returns the same frame; anything else is `null`, and the schema decides and words the
 * refusal, so no refusal text depends on this check. `frames.test.ts` holds the two together.
 */
export function fastNewMessageFrame(raw: object): NewMessageFrame | null {
  const frame = raw as { type?: unknown; conversationId?: unknown; content?: unknown; clientId?: unknown };
  const { conversationId, content, clientId } = frame;
  if (frame.type !== 'NEW_MESSAGE' || typeof content !== 'string' || typeof conversationId !== 'string') return null;
  // As the schema path reads it: an own `type`, never one a polluted prototype answers for.
  if (!Object.hasOwn(raw, 'type')) return null;
  if (conversationId.length === 0 || conversationId.length > LIMITS.maxIdLength || findLoneSurrogate(conversationId) !== -1) {
    return null;
  }
  if (clientId === undefined) return { type: 'NEW_MESSAGE', conversationId, content };
  if (typeof clientId !== 'string' || clientId.length === 0 || clientId.length > MAX_CLIENT_ID_LENGTH) return null;
  return { type: 'NEW_MESSAGE', conversationId, content, clientId };
}

/** Turns one text frame into a client frame or a BAD_REQUEST reason; never throws. */
export function parseClientFrame(text: string): ClientFrameResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return refuse('Frame is not valid JSON.');
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return refuse('Frame must be a JSON object.');
  }
  const fast = fastNewMessageFrame(raw);
  if (fast !== null) return { ok: true, frame: fast };
  return parseClientFrameValue(raw);
}

/** The schemas' answer for a parsed JSON object (what `parseClientFrame` falls back to). */
export function parseClientFrameValue(raw: object): ClientFrameResult {
  const echoed = echoedIds(raw);
  const type = ownProperty(raw, 'type');
  if (type === undefined) return refuse('Frame has no "type".', echoed);
  if (typeof type !== 'string') return refuse('Frame "type" must be a string.', echoed);
  if (!CLIENT_FRAME_TYPES.has(type)) {
    return refuse(`Unknown frame type ${JSON.stringify(type.slice(0, MAX_QUOTED_TYPE_LENGTH))}.`, echoed);
  }
  const result = ClientFrameSchema.safeParse(raw, PARSE_OPTIONS);
  if (result.success) return { ok: true, frame: result.data };
  return { ...refuse(firstFailure(result.error, type).message, echoed), type: type as ClientFrame['type'] };
}
