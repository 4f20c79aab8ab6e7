/**
 * A `clientId`: a UUID version 7 (RFC 9562), 48 bits of Unix milliseconds and then 74 random
 * bits. Time-ordered, so the ids many participants send at about the same time sort together
 * and the relay's dedupe index, `(client_id, sender_id)`, gains its new entries at one end
 * instead of on a page of their own (docs/decisions/0022-appends-touch-two-pages.md). The time
 * in it tells no one anything new: the relay echoes a clientId only to its sender's own
 * sockets, never to the peer. `getRandomValues` exists on plain-http host pages too.
 */
export function newClientId(now: number = Date.now()): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let time = Math.max(0, Math.floor(now));
  for (let index = 5; index >= 0; index -= 1) {
    bytes[index] = time % 256;
    time = Math.floor(time / 256);
  }
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x70;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  let hex = '';
  for (const byte of bytes) hex += (byte < 16 ? '0' : '') + byte.toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
