/**
 * Writes a socket's text frames of one turn of the event loop as one buffer, in one write.
 *
 * A send produces frames for two sockets (the sender's ACK, the peer's NEW_MESSAGE) and a group
 * commit settles hundreds of sends in the same turn. Through `ws`, each frame is a header and a
 * payload written to a corked stream, and each socket's turn a `writev` of them all: profiling
 * showed that machinery (ws's `send`, the stream's buffering, `writevGeneric` building its
 * arrays, the string encoding) as about 15 % of the event loop's busy time, beside the system
 * call itself (docs/decisions/0021-frames-written-by-the-relay.md). Here the frames wait as
 * strings; at the end of the turn (`process.nextTick`, after the current callback and every
 * promise continuation it started) each socket's frames are framed into one buffer, the headers
 * as RFC 6455 §5.2 lays them out for a server (FIN, text, no mask), and handed to the TCP
 * socket in one `write`.
 *
 * The frames still go through the socket `ws` owns, so ws's own frames (pings, the close
 * handshake) share the stream: a socket's waiting frames are written before a close the relay
 * starts (`flushFrames`), and are dropped once the socket is no longer open, as `ws` does.
 */
import type { Socket } from 'node:net';
import WebSocket from 'ws';

/** FIN and the text opcode: every frame the relay sends is one whole text message. */
const FIN_TEXT = 0x81;

/** A socket's frames of this turn, and their length in UTF-16 units (at most their UTF-8 bytes). */
interface Pending {
  texts: string[];
  length: number;
}

let pending = new Map<WebSocket, Pending>();
let flushScheduled = false;

/** The TCP socket under a `ws` WebSocket (the `_socket` field, undocumented but stable since ws 1). */
function tcpSocketOf(socket: WebSocket): Socket | undefined {
  return (socket as unknown as { _socket?: Socket | null })._socket ?? undefined;
}

/**
 * Queues `text` as a frame to `socket`, written with the socket's other frames of this turn.
 * Dropped, as `ws.send` drops it, when the socket is not open.
 */
export function writeFrame(socket: WebSocket, text: string): void {
  let entry = pending.get(socket);
  if (entry === undefined) {
    if (socket.readyState !== WebSocket.OPEN || tcpSocketOf(socket) === undefined) return;
    entry = { texts: [], length: 0 };
    pending.set(socket, entry);
    if (!flushScheduled) {
      flushScheduled = true;
      process.nextTick(flushAll);
    }
  }
  entry.texts.push(text);
  entry.length += text.length;
}

/**
 * What `socket` was sent this turn and not yet written, in UTF-16 units: a lower bound of its
 * bytes, which ws's `bufferedAmount` does not count until the end of the turn.
 */
export function queuedLength(socket: WebSocket): number {
  return pending.get(socket)?.length ?? 0;
}

/** Writes `socket`'s queued frames now (before the relay closes it, so they precede the close frame). */
export function flushFrames(socket: WebSocket): void {
  const entry = pending.get(socket);
  if (entry === undefined) return;
  pending.delete(socket);
  write(socket, entry.texts);
}

function flushAll(): void {
  flushScheduled = false;
  // A frame queued while these are written (nothing does today) starts a new turn's entry
  // instead of joining one already written.
  const entries = pending;
  pending = new Map();
  for (const [socket, entry] of entries) write(socket, entry.texts);
}

function write(socket: WebSocket, texts: readonly string[]): void {
  const tcp = tcpSocketOf(socket);
  if (socket.readyState !== WebSocket.OPEN || tcp === undefined || tcp.destroyed || !tcp.writable) return;
  tcp.write(encodeFrames(texts));
}

/** The frames as they go on the wire: for each, its header (RFC 6455 §5.2, unmasked) and its UTF-8 payload. */
export function encodeFrames(texts: readonly string[]): Buffer {
  const lengths = new Array<number>(texts.length);
  let total = 0;
  for (let index = 0; index < texts.length; index++) {
    const length = Buffer.byteLength(texts[index]!);
    lengths[index] = length;
    total += headerLength(length) + length;
  }
  const buffer = Buffer.allocUnsafe(total);
  let offset = 0;
  for (let index = 0; index < texts.length; index++) {
    const length = lengths[index]!;
    buffer[offset] = FIN_TEXT;
    if (length < 126) {
      buffer[offset + 1] = length;
      offset += 2;
    } else if (length < 65536) {
      buffer[offset + 1] = 126;
      buffer.writeUInt16BE(length, offset + 2);
      offset += 4;
    } else {
      buffer[offset + 1] = 127;
      buffer.writeUInt32BE(Math.floor(length / 2 ** 32), offset + 2);
      buffer.writeUInt32BE(length >>> 0, offset + 6);
      offset += 10;
    }
    offset += buffer.write(texts[index]!, offset, length, 'utf8');
  }
  return buffer;
}

function headerLength(payloadLength: number): number {
  return payloadLength < 126 ? 2 : payloadLength < 65536 ? 4 : 10;
}
