/**
 * A message stored but never published (its relay died between the commit and the publish;
 * here, a bus that loses one event) still reaches every connected socket: a retry of its
 * clientId publishes it again, and a socket sent a message above it is caught up on its own.
 * Nobody gets a NEW_MESSAGE twice.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Bus, BusEvent, BusHandler, BusHealth } from '../cluster/bus.js';
import { MemoryBus } from '../cluster/memory-bus.js';
import { sleep } from '../../../test/helpers/client.js';
import { settle, withRelay } from '../../../test/helpers/ws-harness.js';

/** The in-process bus with a network fault: it loses the next `message` event. */
class LossyBus implements Bus {
  readonly #inner = new MemoryBus();
  #loseNextMessage = false;

  loseNextMessage(): void {
    this.#loseNextMessage = true;
  }

  async publish(event: BusEvent): Promise<void> {
    if (event.type === 'message' && this.#loseNextMessage) {
      this.#loseNextMessage = false;
      return;
    }
    await this.#inner.publish(event);
  }

  subscribe(handler: BusHandler): () => void {
    return this.#inner.subscribe(handler);
  }

  health(): Promise<BusHealth> {
    return this.#inner.health();
  }

  close(): Promise<void> {
    return this.#inner.close();
  }
}

describe('delivery repair', () => {
  test('a retry of an unpublished message publishes it, once per socket', async () => {
    const bus = new LossyBus();
    await withRelay({ bus }, async (harness) => {
      const conversationId = await harness.aliceBob();
      const { client: alice } = await harness.ready('alice');
      const { client: aliceTab } = await harness.ready('alice');
      const { client: bob } = await harness.ready('bob');

      bus.loseNextMessage();
      alice.send({ type: 'NEW_MESSAGE', conversationId, content: 'lost on the way', clientId: 'r-1' });
      const ack = await alice.next('ACK');
      await settle(alice, conversationId, [bob, aliceTab]);
      assert.equal(bob.all('NEW_MESSAGE').length, 0);
      assert.equal(aliceTab.all('NEW_MESSAGE').length, 0);

      // The sender never saw its ACK (its relay died), so it sends again: twice, to be sure.
      alice.send({ type: 'NEW_MESSAGE', conversationId, content: 'lost on the way', clientId: 'r-1' });
      assert.deepEqual(await alice.next('ACK'), ack);
      alice.send({ type: 'NEW_MESSAGE', conversationId, content: 'lost on the way', clientId: 'r-1' });
      assert.deepEqual(await alice.next('ACK'), ack);
      await settle(alice, conversationId, [bob, aliceTab]);
      assert.deepEqual(bob.all('NEW_MESSAGE').map((frame) => frame.id), [ack.id]);
      assert.deepEqual(aliceTab.all('NEW_MESSAGE').map((frame) => [frame.id, frame.clientId]), [[ack.id, 'r-1']]);
      // The sending socket has it from its ACK (docs/protocol.md), so the publish skips it.
      assert.deepEqual(alice.all('NEW_MESSAGE'), []);
    });
  });

  test('a socket sent a message above one it never got is caught up after a grace period', async () => {
    const bus = new LossyBus();
    await withRelay({ bus }, async (harness) => {
      const conversationId = await harness.aliceBob();
      const { client: alice } = await harness.ready('alice');
      const { client: bob } = await harness.ready('bob');

      bus.loseNextMessage();
      alice.send({ type: 'NEW_MESSAGE', conversationId, content: 'first, lost', clientId: 'g-1' });
      alice.send({ type: 'NEW_MESSAGE', conversationId, content: 'second', clientId: 'g-2' });
      assert.equal((await bob.next('NEW_MESSAGE')).seq, 2);

      const refreshed = await bob.next('READY', () => true, 4000);
      assert.equal(refreshed.conversations[0]?.unread, 2);
      const history = await bob.next('HISTORY');
      assert.deepEqual(history.messages.map((message) => message.seq), [1, 2]);
      // Caught up, the gap is closed: the next message causes no further catch-up.
      alice.send({ type: 'NEW_MESSAGE', conversationId, content: 'third', clientId: 'g-3' });
      assert.equal((await bob.next('NEW_MESSAGE')).seq, 3);
      await sleep(1700);
      assert.equal(bob.all('READY').length, 2);
      assert.deepEqual(bob.all('NEW_MESSAGE').map((frame) => frame.seq), [2, 3]);
    });
  });
});
