/**
 * The webhook loop drains a backlog at the receiver's pace: when more events are due than one
 * round may have in flight, a finished attempt starts the next round at once instead of
 * waiting for the next poll. A real HTTP receiver (port 0, each answer 20 ms late) and a
 * queue store that only does what the loop asks of it (the stores' own claim and lease rules
 * are in their conformance suite).
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '../core/logger.js';
import { RelayMetrics } from '../core/metrics.js';
import type { Store, WebhookAttemptOutcome, WebhookEventRecord } from '../store/store.js';
import { WebhookWorker } from './worker.js';

const SECRET = `whsec_${Buffer.from('santa-chat-webhook-test-secret-0').toString('base64')}`;

/** The queue part of a Store, in memory. */
function queueStore(events: WebhookEventRecord[]): Store {
  const claims = new Map<string, string>();
  const queue: Partial<Store> = {
    listUnreadNoticesDue: async () => [],
    settleUnreadNotices: async () => [],
    countPendingWebhookEvents: async () => events.filter((event) => event.status === 'pending').length,
    claimWebhookEvents: async (now: number, _leaseMs: number, limit: number, claimToken: string) => {
      const due = events.filter((event) => event.status === 'pending' && event.nextAttemptAt <= now && !claims.has(event.id)).slice(0, limit);
      for (const event of due) claims.set(event.id, claimToken);
      return due.map((event) => ({ ...event }));
    },
    recordWebhookAttempt: async (id: string, claimToken: string, outcome: WebhookAttemptOutcome) => {
      if (claims.get(id) !== claimToken) return;
      claims.delete(id);
      const event = events.find((candidate) => candidate.id === id)!;
      Object.assign(event, { status: outcome.status, lastStatus: outcome.lastStatus, attempts: event.attempts + 1, lastAttemptAt: outcome.attemptedAt });
    },
  };
  return queue as Store;
}

function pendingEvent(index: number, now: number): WebhookEventRecord {
  const id = `msg_backlog_${index}`;
  return {
    id,
    type: 'message.reported',
    groupId: 'office',
    payload: JSON.stringify({ type: 'message.reported', timestamp: new Date(now).toISOString(), data: { index } }),
    dueAt: now,
    createdAt: now,
    status: 'pending',
    attempts: 0,
    lastStatus: null,
    lastAttemptAt: null,
    nextAttemptAt: now,
    firstFailedAt: null,
    deliveredAt: null,
  };
}

describe('WebhookWorker with a backlog', () => {
  const received: string[] = [];
  const server = createServer((request, response) => {
    received.push(String(request.headers['webhook-id']));
    request.resume();
    request.on('end', () => setTimeout(() => response.writeHead(204).end(), 20));
  });
  let url = '';

  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends 100 due events well within one 10 s poll (16 at a time)', async () => {
    const now = Date.now();
    const events = Array.from({ length: 100 }, (_, index) => pendingEvent(index, now));
    const worker = new WebhookWorker({
      store: queueStore(events),
      config: { url, secret: SECRET, notifyAfterMs: 300_000, previews: false, retryBaseMs: 1000, pollMs: 10_000 },
      metrics: new RelayMetrics(),
      logger: createLogger('silent'),
      now: Date.now,
    });
    const started = Date.now();
    worker.start('http://127.0.0.1:1');
    try {
      const deadline = started + 5000;
      while (events.some((event) => event.status !== 'delivered') && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const delivered = events.filter((event) => event.status === 'delivered').length;
      assert.equal(delivered, 100, `${delivered} of 100 delivered in ${Date.now() - started} ms (the poll is 10 s)`);
      assert.equal(new Set(received).size, 100, 'each event sent once');
      assert.equal(received.length, 100);
    } finally {
      await worker.stop();
    }
  });
});
