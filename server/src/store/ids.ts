import { randomBytes, randomUUID } from 'node:crypto';

/**
 * Relay-made ids, shared by every store so ids look the same whatever the backend.
 * All are random: an id reveals no order, count or person.
 */

/** `c_` + 16 base64url characters (96 bits). */
export function newConversationId(): string {
  return `c_${randomBytes(12).toString('base64url')}`;
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
