import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo, Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import WebSocket, { WebSocketServer } from 'ws';
import { coalesceWrites } from './write-coalescer.js';

/** Counts the system-call-level writes (`_write` / `_writev`) a TCP socket makes. */
function countWrites(tcp: Socket): { calls: number; chunks: number } {
  const counts = { calls: 0, chunks: 0 };
  const writable = tcp as unknown as {
    _write: (...args: unknown[]) => void;
    _writev: (chunks: unknown[], callback: unknown) => void;
  };
  const write = writable._write.bind(tcp);
  const writev = writable._writev.bind(tcp);
  writable._write = (...args) => {
    counts.calls += 1;
    counts.chunks += 1;
    write(...args);
  };
  writable._writev = (chunks, callback) => {
    counts.calls += 1;
    counts.chunks += chunks.length;
    writev(chunks, callback);
  };
  return counts;
}

describe('coalesceWrites', () => {
  let server: WebSocketServer;
  let serverSide: WebSocket;
  let client: WebSocket;
  const received: string[] = [];

  before(async () => {
    server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await once(server, 'listening');
    const accepted = once(server, 'connection');
    client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
    client.on('message', (data) => received.push(String(data)));
    [serverSide] = (await accepted) as [WebSocket];
    await once(client, 'open');
  });

  after(async () => {
    client.close();
    server.close();
  });

  const tcpOf = (socket: WebSocket): Socket => (socket as unknown as { _socket: Socket })._socket;
  const until = async (count: number): Promise<void> => {
    while (received.length < count) await new Promise((resolve) => setTimeout(resolve, 5));
  };

  it('sends the frames of one turn in one write, in order', async () => {
    received.length = 0;
    const counts = countWrites(tcpOf(serverSide));
    // A promise chain, as when a committed batch resolves sends one after another.
    await Promise.resolve().then(async () => {
      for (const text of ['one', 'two', 'three']) {
        coalesceWrites(serverSide);
        serverSide.send(text);
        await null;
      }
    });
    await until(3);
    assert.deepEqual(received, ['one', 'two', 'three']);
    assert.equal(counts.calls, 1);
    // ws hands each frame over as header and payload: all six pieces went in that one write.
    assert.equal(counts.chunks, 6);
  });

  it('without it, each frame is a write of its own (the control)', async () => {
    received.length = 0;
    const counts = countWrites(tcpOf(serverSide));
    for (const text of ['a', 'b', 'c']) serverSide.send(text);
    await until(3);
    assert.deepEqual(received, ['a', 'b', 'c']);
    assert.equal(counts.calls, 3);
    assert.equal(counts.chunks, 6);
  });
});
