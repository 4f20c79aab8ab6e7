/**
 * The demo changes its group only through the relay's own admin API, with the same client a
 * host site uses (`santa-chat-relay/host`), so seeding, "Reveal now" and "Reset demo" push
 * CONVERSATION and REVEAL frames exactly as a real host's writes would. The requests go to
 * the app in this process (`app.request`), not over the network.
 */
import type { Hono } from 'hono';
import { createAdminClient, type HostGroup, type StoredGroup } from '../../server/src/host/index.js';

export type AdminGroup = StoredGroup;

export interface AdminApi {
  getGroup(groupId: string): Promise<AdminGroup | null>;
  putGroup(groupId: string, body: HostGroup): Promise<AdminGroup>;
  deleteGroup(groupId: string): Promise<void>;
}

export function adminApi(app: Hono, adminToken: string): AdminApi {
  const client = createAdminClient({
    url: 'http://demo.local',
    adminToken,
    fetch: async (input, init) => app.request(input, init),
  });
  return {
    getGroup: (groupId) => client.getGroup(groupId),
    putGroup: async (groupId, body) => (await client.putGroup(groupId, body)).group,
    deleteGroup: async (groupId) => {
      await client.deleteGroup(groupId);
    },
  };
}
