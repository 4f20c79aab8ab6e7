/**
 * docs/protocol.md §3, NEW_MESSAGE "once per stored message and socket": a message a socket's
 * SYNC answer (HISTORY) already carried is not sent to it again live, and one above it is.
 * Clients rely on this, so a message first seen in HISTORY must count as arrived (the widget's
 * `santa-chat-message`, widget/src/client/sync.ts).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import WebSocket from 'ws';
import { BEFORE, context, message } from '../views/fixtures.test-support.js';
import { Connection, SocketState } from './connection.js';
import { SocketHub } from './hub.js';

/** The text frames in what the relay wrote to a TCP socket (unmasked, as a server sends them). */
function framesIn(buffer: Buffer): string[] {
  const texts: string[] = [];
  let offset = 0;
  while (offset < buffer.length) {
    let length = buffer[offset + 1]! & 0x7f;
    let start = offset + 2;
    if (length === 126) {
      length = buffer.readUInt16BE(offset + 2);
      start = offset + 4;
    } else if (length === 127) {
      length = Number(buffer.readBigUInt64BE(offset + 2));
      start = offset + 10;
    }
    texts.push(buffer.toString('utf8', start, start + length));
    offset = start + length;
  }
  return texts;
}

/** A ready connection of `userId` over a socket that keeps what it is sent (at the end of the turn). */
function connectionOf(userId: string): { connection: Connection; sent: string[] } {
  const sent: string[] = [];
  const tcp = { destroyed: false, writable: true, write: (buffer: Buffer) => void sent.push(...framesIn(buffer)) };
  const socket = { readyState: WebSocket.OPEN, bufferedAmount: 0, _socket: tcp };
  const connection = new Connection(socket as unknown as WebSocket, 0);
  connection.userId = userId;
  connection.state = SocketState.READY;
  return { connection, sent };
}

/** Frames leave at the end of the turn (frame-writer.ts). */
const endOfTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('SocketHub', () => {
  it('does not send a socket a message its HISTORY page already carried, and sends the next one', async () => {
    const hub = new SocketHub(5);
    const giftee = connectionOf('giftee-id');
    hub.add(giftee.connection, 'giftee-id');
    giftee.connection.delivered.baseline('c_conversation1', 0);

    // The giftee's SYNC was answered after seq 1 committed, before its fan-out.
    giftee.connection.delivered.sentPage('c_conversation1', 0, [1]);
    assert.equal(hub.deliver({ type: 'message', context: context(), message: message('santa-id', 1) }, BEFORE), 0);
    await endOfTurn();
    assert.deepEqual(giftee.sent, []);

    assert.equal(hub.deliver({ type: 'message', context: context(), message: message('santa-id', 2) }, BEFORE), 1);
    await endOfTurn();
    assert.equal(giftee.sent.length, 1);
    const frame = JSON.parse(giftee.sent[0]!) as { type: string; seq: number; senderId: string };
    assert.deepEqual([frame.type, frame.seq], ['NEW_MESSAGE', 2]);
    assert.notEqual(frame.senderId, 'santa-id', "the giftee's copy does not name the santa");
  });
});
