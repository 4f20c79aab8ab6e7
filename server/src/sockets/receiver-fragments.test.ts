import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as ws from 'ws';
import { captureLogs } from '../../../test/helpers/logs.js';
import { sendMessage, withRelay } from '../../../test/helpers/ws-harness.js';
import { installReceiverFragmentRelease, releaseReceivedPayloads } from './receiver-fragments.js';

interface FrameOptions {
  fin: boolean;
  opcode: number;
  mask: boolean;
  readOnly: boolean;
  rsv1: boolean;
}

interface TestReceiver {
  dataMessage(cb: unknown): void;
  _fragments: unknown[];
  on(event: 'message', listener: (data: unknown, isBinary: boolean) => void): void;
  on(event: 'error', listener: (error: Error) => void): void;
  write(chunk: Buffer): boolean;
}

const { Receiver, Sender } = ws as unknown as {
  Receiver: new (options: { isServer: boolean; binaryType?: string }) => TestReceiver;
  Sender: { frame(data: Buffer, options: FrameOptions): Buffer[] };
};

/** A client's frame (masked), as a browser sends it. */
function clientFrame(text: string | Buffer, opcode: number, fin: boolean): Buffer {
  const data = typeof text === 'string' ? Buffer.from(text) : text;
  return Buffer.concat(Sender.frame(data, { fin, opcode, mask: true, readOnly: false, rsv1: false }));
}

function receiver(binaryType?: string): { receiver: TestReceiver; messages: { data: unknown; isBinary: boolean }[] } {
  const r = new Receiver({ isServer: true, ...(binaryType ? { binaryType } : {}) });
  const messages: { data: unknown; isBinary: boolean }[] = [];
  r.on('message', (data, isBinary) => messages.push({ data, isBinary }));
  r.on('error', (error) => assert.fail(error));
  return { receiver: r, messages };
}

describe('received payloads are let go once ws has emitted them (decision 0029)', () => {
  // First in this file (tests run in order), before any test below installs it itself.
  it("the relay's socket server installs it, and messages still flow both ways", async () => {
    assert.notEqual(Receiver.prototype.dataMessage.name, 'releaseFragments', 'not installed before the relay starts');
    await withRelay({}, async (harness) => {
      assert.equal(Receiver.prototype.dataMessage.name, 'releaseFragments');
      const conversationId = await harness.aliceBob();
      const { client: alice } = await harness.ready('alice');
      const { client: bob } = await harness.ready('bob');
      const sent = await sendMessage(alice, conversationId, 'ho ho ho ✓');
      assert.equal((await bob.next('NEW_MESSAGE', (frame) => frame.id === sent.id)).content, 'ho ho ho ✓');
      const reply = await sendMessage(bob, conversationId, 'who is this?');
      assert.equal((await alice.next('NEW_MESSAGE', (frame) => frame.id === reply.id)).content, 'who is this?');
    });
  });

  it('leaves a Receiver of another form alone: install returns false, and the relay warns, naming this module', () => {
    class NoFragments {
      dataMessage(cb: unknown): void {
        void cb;
      }
    }
    class OtherArity {
      _fragments: unknown[] = [];
      _binaryType = 'nodebuffer';
      dataMessage(): void {}
    }
    for (const Stand of [NoFragments, OtherArity]) {
      const before = Stand.prototype.dataMessage;
      assert.equal(installReceiverFragmentRelease(Stand as never), false, Stand.name);
      assert.equal(Stand.prototype.dataMessage, before, `${Stand.name} unchanged`);
      const logs = captureLogs();
      releaseReceivedPayloads(logs.logger, Stand as never);
      const warnings = logs.find('warn');
      assert.equal(warnings.length, 1, Stand.name);
      assert.match(warnings[0]!.msg, /server\/src\/sockets\/receiver-fragments\.ts/);
      assert.equal(Stand.prototype.dataMessage, before, `${Stand.name} still unchanged`);
    }
    const logs = captureLogs();
    releaseReceivedPayloads(logs.logger);
    assert.deepEqual(logs.find('warn'), [], "no warning for the ws this project locks");
  });

  it('installs on the ws this project locks', () => {
    assert.equal(installReceiverFragmentRelease(), true);
    assert.equal(installReceiverFragmentRelease(), true, 'a second call keeps the one wrapper');
  });

  it('empties the array that held a single-frame text message, and the message arrives whole', () => {
    installReceiverFragmentRelease();
    const { receiver: r, messages } = receiver();
    const first = r._fragments;
    // Two messages in one read, as a busy socket delivers them.
    r.write(Buffer.concat([clientFrame('{"type":"PING"}', 1, true), clientFrame('héllo ✓', 1, true)]));
    assert.deepEqual(
      messages.map((m) => [String(m.data), m.isBinary]),
      [
        ['{"type":"PING"}', false],
        ['héllo ✓', false],
      ],
    );
    assert.equal(first.length, 0, "the payload's array no longer holds it");
    const next = r._fragments;
    assert.notEqual(next, first);
    r.write(clientFrame('third', 1, true));
    assert.equal(String(messages[2]?.data), 'third');
    assert.equal(next.length, 0);
  });

  it('a message in fragments arrives whole, and its array is emptied after it', () => {
    installReceiverFragmentRelease();
    const { receiver: r, messages } = receiver();
    const held = r._fragments;
    r.write(clientFrame('one, ', 1, false));
    r.write(clientFrame('two, ', 0, false));
    assert.equal(held.length, 2, 'fragments wait in the array until the last one');
    assert.equal(messages.length, 0);
    r.write(clientFrame('three', 0, true));
    assert.equal(String(messages[0]?.data), 'one, two, three');
    assert.equal(held.length, 0);
  });

  it("keeps the array whole where it is the message (binaryType 'fragments')", () => {
    installReceiverFragmentRelease();
    const { receiver: r, messages } = receiver('fragments');
    r.write(clientFrame(Buffer.from([1, 2]), 2, false));
    r.write(clientFrame(Buffer.from([3]), 0, true));
    const data = messages[0]?.data;
    assert.ok(Array.isArray(data));
    assert.deepEqual(
      (data as Buffer[]).map((part) => [...part]),
      [[1, 2], [3]],
    );
  });

  it('binary messages as buffers arrive whole', () => {
    installReceiverFragmentRelease();
    const { receiver: r, messages } = receiver();
    const held = r._fragments;
    r.write(clientFrame(Buffer.from([9, 8, 7]), 2, true));
    assert.deepEqual([...(messages[0]?.data as Buffer)], [9, 8, 7]);
    assert.equal(messages[0]?.isBinary, true);
    assert.equal(held.length, 0);
  });
});
