/**
 * The demo changes its group only through the relay's own admin API (the same requests a
 * host site sends), so seeding, "Reveal now" and "Reset demo" push CONVERSATION and REVEAL
 * frames exactly as a real host's writes would.
 */
import type { Hono } from 'hono';
import type { GroupInput, GroupResponse } from '../../protocol/index.js';

export type AdminGroup = GroupResponse['group'];

export interface AdminApi {
  getGroup(groupId: string): Promise<AdminGroup | null>;
  putGroup(groupId: string, body: GroupInput): Promise<AdminGroup>;
  deleteGroup(groupId: string): Promise<void>;
}

export function adminApi(app: Hono, adminToken: string): AdminApi {
  async function call(method: string, groupId: string, body?: GroupInput): Promise<Response> {
    return app.request(`/admin/groups/${encodeURIComponent(groupId)}`, {
      method,
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  }
  async function fail(response: Response, what: string): Promise<never> {
    throw new Error(`demo: ${what} failed with ${response.status}: ${await response.text()}`);
  }
  return {
    async getGroup(groupId) {
      const response = await call('GET', groupId);
      if (response.status === 404) return null;
      if (!response.ok) return fail(response, 'GET group');
      return ((await response.json()) as GroupResponse).group;
    },
    async putGroup(groupId, body) {
      const response = await call('PUT', groupId, body);
      if (!response.ok) return fail(response, 'PUT group');
      return ((await response.json()) as GroupResponse).group;
    },
    async deleteGroup(groupId) {
      const response = await call('DELETE', groupId);
      if (!response.ok && response.status !== 404) await fail(response, 'DELETE group');
    },
  };
}
