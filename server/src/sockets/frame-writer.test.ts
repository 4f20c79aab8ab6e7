import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo, Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import * as ws from 'ws';
import WebSocket, { WebSocketServer } from 'ws';
import { Connection } from './connection.js';
import { encodeFrames, flushFrames, writeFrame } from './frame-writer.js';

/** Counts the system-call-level writes (`_write` / `_writev`) a TCP socket makes. */
function countWrites(tcp: Socket): { calls: number } {
  const counts = { calls: 0 };
  const writable = tcp as unknown as {
    _write: (...args: unknown[]) => void;
    _writev: (...args: unknown[]) => void;
  };
  const write = writable._write.bind(tcp);
  const writev = writable._writev.bind(tcp);
  writable._write = (...args) => {
    counts.calls += 1;
    write(...args);
  };
  writable._writev = (...args) => {
    counts.calls += 1;
    writev(...args);
  };
  return counts;
}

/** ws's own framing, the reference (exported by ws, not declared by @types/ws). */
const { Sender } = ws as unknown as {
  Sender: { frame(data: Buffer, options: { fin: boolean; opcode: number; mask: boolean; readOnly: boolean; rsv1: boolean }): Buffer[] };
};

const tcpOf = (socket: WebSocket): Socket => (socket as unknown as { _socket: Socket })._socket;

/** Payloads at every edge of the header's three length forms, and text of 2-, 3- and 4-byte UTF-8. */
const EDGE_TEXTS = [
  '',
  'a',
  'x'.repeat(125),
  'x'.repeat(126),
  'x'.repeat(127),
  'x'.repeat(65_535),
  'x'.repeat(65_536),
  'x'.repeat(70_000),
  'Grüße, 🎁 and 雪',
  // 124 characters, 126 bytes: the length that decides the header is the UTF-8 one.
  `${'y'.repeat(122)}éé`,
  JSON.stringify({ type: 'NEW_MESSAGE', content: '<b>"quoted"</b>\n\u0000' }),
];

describe('the frame writer', () => {
  let server: WebSocketServer;

  before(async () => {
    server = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
    await once(server, 'listening');
  });

  after(() => {
    // ws 8 leaves open connections open on close(): end them, so a failed test cannot hang the run.
    for (const client of server.clients) client.terminate();
    server.close();
  });

  async function pair(): Promise<{ serverSide: WebSocket; client: WebSocket; received: string[] }> {
    const accepted = once(server, 'connection');
    const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`, { perMessageDeflate: false });
    const received: string[] = [];
    client.on('message', (data, isBinary) => {
      assert.equal(isBinary, false);
      received.push(String(data));
    });
    const [serverSide] = (await accepted) as [WebSocket];
    await once(client, 'open');
    return { serverSide, client, received };
  }

  const until = async (received: string[], count: number): Promise<void> => {
    const deadline = Date.now() + 5_000;
    while (received.length < count) {
      if (Date.now() > deadline) throw new Error(`only ${received.length} of ${count} frames arrived`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };

  it('frames each text as ws would, byte for byte, at every length form', () => {
    for (const text of EDGE_TEXTS) {
      const data = Buffer.from(text);
      const viaWs = Buffer.concat(
        Sender.frame(data, { fin: true, opcode: 1, mask: false, readOnly: false, rsv1: false }),
      );
      assert.deepEqual(encodeFrames([text]), viaWs, `a ${data.length}-byte payload`);
    }
    assert.deepEqual(
      encodeFrames(['one', 'two']),
      Buffer.concat([encodeFrames(['one']), encodeFrames(['two'])]),
      'several frames are their encodings one after another',
    );
  });

  it("sends one socket's frames of one turn in one write, in order, and a real client reads each intact", async () => {
    const { serverSide, client, received } = await pair();
    const counts = countWrites(tcpOf(serverSide));
    // A promise chain, as when a committed batch resolves sends one after another.
    await Promise.resolve().then(async () => {
      for (const text of EDGE_TEXTS) {
        writeFrame(serverSide, text);
        await null;
      }
    });
    await until(received, EDGE_TEXTS.length);
    assert.deepEqual(received, EDGE_TEXTS);
    assert.equal(counts.calls, 1);
    client.close();
  });

  it('writes each socket once per turn, and the next turn again', async () => {
    const first = await pair();
    const second = await pair();
    const counts = [countWrites(tcpOf(first.serverSide)), countWrites(tcpOf(second.serverSide))];
    writeFrame(first.serverSide, 'a1');
    writeFrame(second.serverSide, 'b1');
    writeFrame(first.serverSide, 'a2');
    await new Promise((resolve) => setImmediate(resolve));
    writeFrame(first.serverSide, 'a3');
    await until(first.received, 3);
    await until(second.received, 1);
    assert.deepEqual(first.received, ['a1', 'a2', 'a3']);
    assert.deepEqual(second.received, ['b1']);
    assert.deepEqual(counts.map((count) => count.calls), [2, 1]);
    first.client.close();
    second.client.close();
  });

  it('writes what was queued before a close ahead of the close frame', async () => {
    const { serverSide, client, received } = await pair();
    const closed = once(client, 'close');
    writeFrame(serverSide, 'last words');
    writeFrame(serverSide, 'and these');
    flushFrames(serverSide);
    serverSide.close(4000, 'bye');
    const [code, reason] = (await closed) as [number, Buffer];
    assert.deepEqual(received, ['last words', 'and these']);
    assert.equal(code, 4000);
    assert.equal(String(reason), 'bye');
  });

  it('without the flush, the close frame would overtake them (the control)', async () => {
    const { serverSide, client, received } = await pair();
    const closed = once(client, 'close');
    writeFrame(serverSide, 'lost');
    serverSide.close(4000, 'bye');
    await closed;
    assert.deepEqual(received, []);
  });

  it('drops frames for a socket that is no longer open: nothing is written to its TCP socket', async () => {
    /** Counts calls of the TCP socket's `write` itself (a destroyed stream refuses them before `_write`). */
    const spyOnWrite = (socket: WebSocket): { calls: number } => {
      const tcp = tcpOf(socket);
      const counts = { calls: 0 };
      const original = tcp.write.bind(tcp) as (...args: unknown[]) => boolean;
      tcp.write = ((...args: unknown[]) => {
        counts.calls += 1;
        return original(...args);
      }) as typeof tcp.write;
      return counts;
    };

    const { serverSide, client, received } = await pair();
    const writes = spyOnWrite(serverSide);
    serverSide.terminate();
    writeFrame(serverSide, 'after terminate');
    await once(client, 'close');
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(received, []);
    assert.equal(writes.calls, 0);

    const other = await pair();
    const otherWrites = spyOnWrite(other.serverSide);
    writeFrame(other.serverSide, 'queued, then the socket went');
    other.serverSide.terminate();
    await once(other.client, 'close');
    assert.deepEqual(other.received, []);
    assert.equal(otherWrites.calls, 0);
  });

  it("counts this turn's queued frames toward a connection's 1 MiB limit: past it the socket is dropped before any is written", async () => {
    const { serverSide, client, received } = await pair();
    const connection = new Connection(serverSide, Date.now());
    const closed = once(client, 'close');
    const large = 'x'.repeat(300_000);
    // In one turn: more than 1 MiB for a socket before any of it reached its TCP buffer.
    for (let index = 0; index < 5; index += 1) connection.sendText(large);
    assert.notEqual(serverSide.readyState, WebSocket.OPEN, 'dropped within the turn');
    await closed;
    assert.deepEqual(received, []);
  });
});
