/**
 * The bench's clientIds have the widget's shape (`widget/src/client/client-id.ts`): a UUIDv7
 * whose first 48 bits are the send time in milliseconds, so the relay's dedupe index sees the
 * same time-ordered keys of the same length as from real participants. Where the widget puts
 * random bits, the last 48 carry the message's number in this run, which the load generator
 * reads back from an `ACK` or an `ERROR`.
 */
export function benchClientId(id: number, now: number): string {
  const time = Math.floor(now).toString(16).padStart(12, '0');
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7000-8000-${id.toString(16).padStart(12, '0')}`;
}

/** The message number of a bench clientId; NaN for any other string. */
export function benchIdOf(clientId: string): number {
  return clientId.length === 36 && clientId.startsWith('-7000-8000-', 13) ? Number.parseInt(clientId.slice(24), 16) : Number.NaN;
}
