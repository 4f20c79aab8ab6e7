import { randomBytes, randomUUID } from 'node:crypto';

/**
 * Relay-made ids, shared by every store so ids look the same whatever the backend.
 * None reveals a count or a person. Only a conversation id reveals an order: its creation
 * time, which both participants see anyway as the conversation's `createdAt`
 * (docs/decisions/0024-conversation-ids-sort-by-creation.md).
 */

/** Base64url's 64 characters in their own (ASCII) order, so that a string of them sorts as its number. */
const SORTABLE_DIGITS = '-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz';
const TIME_DIGITS = 8;

/**
 * `c_` + the creation time in milliseconds (8 characters of `SORTABLE_DIGITS`, good until the
 * year 10889) + 16 base64url characters (96 random bits). Ids sort by creation time, so the
 * messages of conversations opened in the same season sit together at the end of the
 * `(conversation_id, seq)` index instead of each among years of history.
 */
export function newConversationId(createdAt: number): string {
  let time = '';
  let rest = Math.max(0, Math.floor(createdAt));
  for (let digit = 0; digit < TIME_DIGITS; digit += 1) {
    time = SORTABLE_DIGITS[rest % 64]! + time;
    rest = Math.floor(rest / 64);
  }
  return `c_${time}${randomBytes(12).toString('base64url')}`;
}

/** `s_` + 22 base64url characters (128 bits): stands for a santa, so it must not be guessable. */
export function newSantaAlias(): string {
  return `s_${randomBytes(16).toString('base64url')}`;
}

/** `m_` + a UUID v4 without dashes. */
export function newMessageId(): string {
  return `m_${randomUUID().replaceAll('-', '')}`;
}

/** `r_` + 16 base64url characters (96 bits). */
export function newReportId(): string {
  return `r_${randomBytes(12).toString('base64url')}`;
}
