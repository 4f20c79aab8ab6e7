/**
 * The admin API where only a real relay can show it: erasure from the database files
 * (docs/protocol.md §1: SQLite secure_delete and a WAL checkpoint) and a keep-alive client
 * served on after an oversized body.
 */
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ConversationResponse } from '../protocol/index.js';
import { TestClient } from './helpers/client.js';
import { asHost, asParticipant, assertError, sendMessage } from './helpers/http.js';
import { startTestRelay, threeGroup, type TestRelay } from './helpers/relay.js';

describe('the admin API on a real relay and database file', () => {
  let relay: TestRelay;
  let host: ReturnType<typeof asHost>;

  before(async () => {
    relay = await startTestRelay();
    host = asHost(relay.url);
  });
  after(() => relay.stop());

    it('erases the group\'s names and messages from the database files too', async () => {
      const canary = {
        name: 'Erasure-canary group 7f3a',
        revealAt: '2026-12-24T18:00:00Z',
        members: [
          { id: 'erasure-santa-7f3a', name: 'Erasure-canary Santa 7f3a' },
          { id: 'erasure-giftee-7f3a', name: 'Erasure-canary Giftee 7f3a' },
        ],
        assignments: [{ santa: 'erasure-santa-7f3a', giftee: 'erasure-giftee-7f3a' }],
      };
      assert.equal((await host.put('erasure-7f3a', canary)).status, 201);
      const santa = asParticipant(relay.url, relay.token('erasure-santa-7f3a'));
      const { conversation } = (await santa.post<ConversationResponse>('/groups/erasure-7f3a/conversation')).body;
      const { client } = await TestClient.ready(relay.wsUrl, relay.token('erasure-santa-7f3a'));
      try {
        await sendMessage(client, conversation.id, 'Erasure-canary message 7f3a');
      } finally {
        await client.close();
      }
      const databaseBytes = async (): Promise<string> => {
        const files = await readdir(relay.dataDir);
        const contents = await Promise.all(files.map((file) => readFile(join(relay.dataDir, file))));
        return Buffer.concat(contents).toString('latin1');
      };
      assert.ok((await databaseBytes()).includes('Erasure-canary message 7f3a'), 'the scan sees stored messages');

      assert.equal((await host.delete('erasure-7f3a')).status, 200);
      const remaining = await databaseBytes();
      for (const secret of ['Erasure-canary message 7f3a', 'Erasure-canary Santa 7f3a', 'Erasure-canary Giftee 7f3a', 'Erasure-canary group 7f3a']) {
        assert.ok(!remaining.includes(secret), `"${secret}" is still in the database files`);
      }
    });

  // A socket-level behaviour: only a real listener can show it.
    it('keeps answering the same keep-alive client after refusing an oversized body', async () => {
      assert.equal((await host.put('office-alive', threeGroup())).status, 201);
      assertError(await host.put('office-huge', 'x'.repeat(2 * 1024 * 1024)), 413, 'TOO_LARGE');
      // Back to back, past the moment the relay gives up draining the refused body.
      const startedAt = Date.now();
      let calls = 0;
      while (Date.now() - startedAt < 800) {
        const fetched = await host.get('office-alive');
        assert.equal(fetched.status, 200, fetched.text);
        calls += 1;
      }
      assert.ok(calls > 10, `only ${calls} calls in 800 ms`);
    });
});
