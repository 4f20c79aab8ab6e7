import { newClientId } from '../../widget/src/client/client-id.js';

/**
 * The bench's clientIds are the widget's (`widget/src/client/client-id.ts`, a UUIDv7 of the send
 * time), so the relay's dedupe index sees the same time-ordered keys of the same length as from
 * real participants. Only the last 48 of its random bits are replaced by the message's number in
 * this run, which the load generator reads back from an `ACK` or an `ERROR`.
 */
export function benchClientId(id: number, now: number): string {
  return `${newClientId(now).slice(0, 24)}${id.toString(16).padStart(12, '0')}`;
}

/** The message number of a bench clientId; NaN for any other string. */
export function benchIdOf(clientId: string): number {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(clientId) ? Number.parseInt(clientId.slice(24), 16) : Number.NaN;
}
