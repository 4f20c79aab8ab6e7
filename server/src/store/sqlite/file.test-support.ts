import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { groupWrite, openPair } from '../conformance/fixtures.test-support.js';
import { openSqliteStore } from './store.js';

/** A new database file in a temporary folder, holding one group and one open conversation. */
export async function fileWithConversation(prefix: string): Promise<{ directory: string; path: string; conversationId: string }> {
  const directory = await mkdtemp(join(tmpdir(), prefix));
  const path = join(directory, 'store.db');
  const store = openSqliteStore(path);
  try {
    await store.putGroup('g1', groupWrite(), 100);
    const conversationId = (await openPair(store, 'g1', 'a', 'b', 100)).conversation.id;
    return { directory, path, conversationId };
  } finally {
    await store.close();
  }
}
