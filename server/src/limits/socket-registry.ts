/**
 * The per-user socket limit across relay processes (docs/protocol.md §4: at most 10 sockets per
 * user). One process alone needs none: its `SocketHub` counts. With Redis, a registry sees the
 * sockets of every process and closes the user's oldest wherever they are, through an `evict`
 * bus event that the process holding them acts on.
 */
export interface SocketRegistry {
  /** This process's id; a socket's id is `nodeId:connectionNumber`. */
  readonly nodeId: string;
  /** Records an authenticated socket; sockets it pushes over the limit are evicted. Never throws. */
  admit(userId: string, socketId: string): void;
  /** Forgets a closed socket. Never throws. */
  release(userId: string, socketId: string): void;
  /** Records this process's sockets again, keeping their age (a restarted Redis forgot them). */
  restore(sockets: readonly RegisteredSocket[]): void;
}

export interface RegisteredSocket {
  userId: string;
  socketId: string;
  openedAt: number;
}

export function socketIdOf(nodeId: string, connectionNumber: number): string {
  return `${nodeId}:${connectionNumber}`;
}
