import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { ChatError } from '../core/errors.js';

/** Refuses bodies over `maxBytes` with 413 before they are read in full. */
export function limitBody(maxBytes: number) {
  return bodyLimit({
    maxSize: maxBytes,
    onError: (c) => {
      // The unread rest of the body is drained with a timer that can destroy the socket
      // while a keep-alive client already reuses it for its next request (a spurious
      // "other side closed"); closing after the 413 keeps the next request on a new socket.
      c.header('Connection', 'close');
      throw new ChatError('TOO_LARGE', `The request body is over ${maxBytes} bytes.`);
    },
  });
}

/** The JSON body, or `undefined` when there is none; bad JSON is a 400 with the reason. */
export async function readJsonBody(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ChatError('BAD_REQUEST', 'The request body is not valid JSON.');
  }
}
