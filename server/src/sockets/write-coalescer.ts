/**
 * Coalesces the frames written to one socket in one turn of the event loop into one write.
 * A send produces three frames (the peer's NEW_MESSAGE, the sender's own copy and its ACK) and a
 * group commit settles hundreds of sends in the same turn; without this, each frame is its own
 * `writev` system call, which profiling showed as the relay's largest single cost. The TCP
 * socket is corked at its first frame and uncorked by `process.nextTick`, which runs once the
 * current callback and every promise continuation it started have finished: the frames a
 * committed batch produces leave together, and none waits for another turn of the loop.
 */
import type { Socket } from 'node:net';
import type WebSocket from 'ws';

const corked = new Set<Socket>();
let flushScheduled = false;

/** The TCP socket under a `ws` WebSocket (the `_socket` field, undocumented but stable since ws 1). */
function tcpSocketOf(socket: WebSocket): Socket | undefined {
  return (socket as unknown as { _socket?: Socket })._socket;
}

/** Call before `socket.send`: holds this turn's frames for one write at the end of the turn. */
export function coalesceWrites(socket: WebSocket): void {
  const tcp = tcpSocketOf(socket);
  if (tcp === undefined || corked.has(tcp)) return;
  tcp.cork();
  corked.add(tcp);
  if (!flushScheduled) {
    flushScheduled = true;
    process.nextTick(flushCorked);
  }
}

function flushCorked(): void {
  flushScheduled = false;
  for (const tcp of corked) tcp.uncork();
  corked.clear();
}
