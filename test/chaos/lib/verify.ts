/**
 * The count every chaos case ends with, from the database itself and from what each client
 * holds: acknowledged messages lost, messages stored twice, holes in any client's seqs, and
 * whether both sides of every conversation hold exactly the store's seq -> message map.
 */
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import pg from 'pg';
import { TEST_DATABASE_URL } from '../../helpers/services.js';
import type { ChaosClient } from './chaos-client.js';

export interface StoredRow {
  conversationId: string;
  seq: number;
  id: string;
  senderId: string;
  clientId: string | null;
  content: string;
}

export function readSqliteMessages(path: string): StoredRow[] {
  const db = new Database(path, { readonly: true });
  try {
    return db
      .prepare('SELECT conversation_id AS conversationId, seq, id, sender_id AS senderId, client_id AS clientId, content FROM messages')
      .all() as StoredRow[];
  } finally {
    db.close();
  }
}

export async function readPostgresMessages(schema: string): Promise<StoredRow[]> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    const result = await client.query<StoredRow>(
      `SELECT conversation_id AS "conversationId", seq::int AS seq, id, sender_id AS "senderId", client_id AS "clientId", content
         FROM "${schema}".messages`,
    );
    return result.rows;
  } finally {
    await client.end();
  }
}

export interface DeliveryCount {
  sent: number;
  stored: number;
  /** ACK frames the clients received (a message echoed to its sender before a cut may have none). */
  acked: number;
  /** Acknowledged messages absent from the store, or stored with another id or seq. */
  lost: number;
  /** Sent messages not in the store at all (every outbox is empty when this is counted). */
  unstored: number;
  /** Rows beyond the first for one send (same sender and content: every send's content is its own). */
  duplicated: number;
  /** Seqs missing from 1..n in the store, per conversation. */
  storeGaps: number;
  /** Seqs of 1..n (n: the store's last) missing from a participant's client. */
  gaps: number;
  /** (client, conversation) pairs whose seq -> message map differs from the store's. */
  orderMismatches: number;
}

/** Counts everything against the store's rows; `clients` are all participants. */
export function countDelivery(clients: readonly ChaosClient[], rows: readonly StoredRow[]): DeliveryCount {
  const byConversation = new Map<string, StoredRow[]>();
  for (const row of rows) {
    let list = byConversation.get(row.conversationId);
    if (!list) byConversation.set(row.conversationId, (list = []));
    list.push(row);
  }
  for (const list of byConversation.values()) list.sort((a, b) => a.seq - b.seq);

  const bySendKey = new Map<string, number>();
  const byClientId = new Map<string, StoredRow[]>();
  for (const row of rows) {
    const key = `${row.senderId}\u0000${row.content}`;
    bySendKey.set(key, (bySendKey.get(key) ?? 0) + 1);
    if (row.clientId !== null) {
      const key = `${row.senderId}\u0000${row.clientId}`;
      byClientId.set(key, [...(byClientId.get(key) ?? []), row]);
    }
  }
  let duplicated = 0;
  for (const count of bySendKey.values()) duplicated += count - 1;

  let storeGaps = 0;
  for (const list of byConversation.values()) {
    const last = list.at(-1)?.seq ?? 0;
    storeGaps += last - new Set(list.map((row) => row.seq)).size;
  }

  let sent = 0;
  let acked = 0;
  let lost = 0;
  let unstored = 0;
  let gaps = 0;
  let orderMismatches = 0;
  for (const client of clients) {
    for (const [clientId] of client.sent) {
      sent += 1;
      if (!byClientId.has(`${client.userId}\u0000${clientId}`)) unstored += 1;
    }
    for (const [clientId, ack] of client.tap.acks) {
      acked += 1;
      const stored = byClientId.get(`${client.userId}\u0000${clientId}`)?.[0];
      if (!stored || stored.id !== ack.id || stored.seq !== ack.seq || stored.conversationId !== ack.conversationId) lost += 1;
    }
    for (const conversationId of client.conversationIds()) {
      const list = byConversation.get(conversationId) ?? [];
      const held = client.held(conversationId);
      const last = list.at(-1)?.seq ?? 0;
      for (let seq = 1; seq <= last; seq += 1) if (!held.has(seq)) gaps += 1;
      const expected = new Map(list.map((row) => [row.seq, { id: row.id, content: row.content }]));
      try {
        assert.deepEqual(held, expected);
      } catch {
        orderMismatches += 1;
      }
    }
  }
  return { sent, stored: rows.length, acked, lost, unstored, duplicated, storeGaps, gaps, orderMismatches };
}

/** The assertions every case shares: nothing lost, nothing twice, no holes, one order. */
export function assertDelivered(count: DeliveryCount, expectedSent: number): void {
  assert.equal(count.sent, expectedSent, 'messages handed to the clients');
  assert.equal(count.lost, 0, 'acknowledged messages lost');
  assert.equal(count.unstored, 0, 'sent messages never stored');
  assert.equal(count.duplicated, 0, 'messages stored twice');
  assert.equal(count.stored, expectedSent, 'each sent message stored exactly once');
  assert.equal(count.storeGaps, 0, 'holes in the store\'s seqs');
  assert.equal(count.gaps, 0, 'holes in the clients\' seqs');
  assert.equal(count.orderMismatches, 0, 'a side whose seq -> message map differs from the store');
  assert.ok(count.acked > 0, 'ACKs were received');
}

/** One line the lead copies into the README: `chaos: {...}`. */
export function report(figures: Record<string, unknown>): void {
  console.log(`chaos: ${JSON.stringify(figures)}`);
}
