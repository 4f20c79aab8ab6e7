/**
 * Lets go of each received message's payload once `ws` has handed it over.
 *
 * `ws`'s `Receiver` collects a message's fragments in an array, and when the message is complete
 * (`dataMessage`) it emits them joined and starts a fresh `[]` for the socket's next message.
 * That fresh array lives until the socket's next frame. At 5,000 sockets that is about half a
 * second, long enough for V8 to move the array to the old generation; the next payload pushed
 * into it (a view of the buffer the TCP socket read, up to 64 KiB) is then held by an old
 * object, which the young generation's collections treat as live until the next mark-compact.
 * So every message promoted its payload and the buffer under it: about 5 MB/s at 5,000
 * sockets × 10,000/s, a mark-compact every two seconds, and the relay's p99 in its pauses
 * (docs/decisions/0029-received-payloads-die-young.md).
 *
 * After `dataMessage` has replaced a completed message's array, this empties the old one, so
 * the payload is held only by what the relay still uses. It touches `ws`'s private
 * `dataMessage` and `_fragments`; the install checks both are there and of the form this
 * expects, and does nothing otherwise (the relay then logs a warning and works as before, only
 * with the garbage), and `receiver-fragments.test.ts` fails if a new `ws` changes them.
 */
import * as ws from 'ws';
import type { Logger } from '../core/logger.js';

interface ReceiverState {
  /** An array as `install` checks; `ws` only ever replaces it with another. */
  _fragments: unknown[];
  _binaryType: unknown;
  dataMessage(this: ReceiverState, cb: unknown): void;
}

interface ReceiverClass {
  new (): ReceiverState;
  prototype: ReceiverState;
}

/** `ws` exports its `Receiver` class (its types do not declare it). */
const { Receiver } = ws as unknown as { Receiver: ReceiverClass };

const wrapped = new WeakSet<object>();

/**
 * Wraps `dataMessage` of `ws`'s `Receiver` (tests pass stand-ins) once per process; true when
 * the wrapper is in place, false when the class is not of the form this expects (left alone).
 */
export function installReceiverFragmentRelease(receiverClass: ReceiverClass = Receiver): boolean {
  const prototype = receiverClass.prototype;
  if (wrapped.has(prototype)) return true;
  const dataMessage = prototype.dataMessage;
  if (typeof dataMessage !== 'function' || dataMessage.length !== 1) return false;
  if (!Array.isArray(new receiverClass()._fragments)) return false;
  prototype.dataMessage = function releaseFragments(this: ReceiverState, cb: unknown): void {
    const fragments = this._fragments;
    dataMessage.call(this, cb);
    // With binaryType 'fragments' the array itself is the message a listener gets: kept whole.
    if (fragments !== this._fragments && this._binaryType !== 'fragments') fragments.length = 0;
  };
  wrapped.add(prototype);
  return true;
}

/** What the relay does at start-up: the wrapper, or a warning naming what to look at. */
export function releaseReceivedPayloads(logger: Logger, receiverClass: ReceiverClass = Receiver): void {
  if (installReceiverFragmentRelease(receiverClass)) return;
  logger.warn(
    "ws's Receiver is not the form server/src/sockets/receiver-fragments.ts expects; received payloads stay held until the socket's next message (docs/decisions/0029-received-payloads-die-young.md)",
  );
}
