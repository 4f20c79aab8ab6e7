/**
 * The host's server-to-server API (PROTOCOL.md §1). Mounted only when an admin token is
 * configured; no CORS, since no browser should ever call it.
 */
import { Hono } from 'hono';
import { LIMITS, parseGroupInput, type GroupResponse } from '../../../protocol/index.js';
import { requireAdminToken } from '../auth/admin.js';
import { ChatError } from '../errors.js';
import type { ConversationContext, GroupRecord } from '../store/store.js';
import { toIso } from '../views.js';
import { limitBody, readJsonBody } from './body.js';
import { requireGroupId } from './params.js';
import type { AppDependencies } from './context.js';

export function adminRoutes(deps: AppDependencies & { adminToken: string }): Hono {
  const { store, bus, service } = deps;
  const routes = new Hono();

  routes.use('*', requireAdminToken(deps.adminToken));

  routes.put('/groups/:groupId', limitBody(LIMITS.maxAdminBodyBytes), async (c) => {
    const groupId = requireGroupId(c.req.param('groupId'), c.req.url);
    const input = parseGroupInput(await readJsonBody(c));
    if (!input.ok) {
      // The message already starts with the field it names (protocol/issues.ts firstFailure).
      throw new ChatError('BAD_REQUEST', input.message, { field: input.field });
    }
    const { name, revealAt, members, assignments } = input.value;
    const now = service.now();
    const result = await store.putGroup(groupId, { name, revealAt: Date.parse(revealAt), members, assignments }, now);
    await publishClosed(result.closed, now);
    await bus.publish({ type: 'group', groupId });
    return c.json(groupBody(result.group), result.created ? 201 : 200);
  });

  routes.get('/groups/:groupId', async (c) => {
    const group = await store.getGroup(requireGroupId(c.req.param('groupId'), c.req.url));
    if (!group) throw new ChatError('NOT_FOUND', 'No such group.');
    return c.json(groupBody(group));
  });

  routes.delete('/groups/:groupId', async (c) => {
    const groupId = requireGroupId(c.req.param('groupId'), c.req.url);
    const result = await store.deleteGroup(groupId);
    if (!result.deleted) throw new ChatError('NOT_FOUND', 'No such group.');
    await publishClosed(result.closed, service.now());
    await bus.publish({ type: 'group', groupId });
    return c.json({ success: true as const, deleted: true });
  });

  /** Tells both sides' sockets that these conversations are gone (`closed: true`). */
  async function publishClosed(contexts: ConversationContext[], now: number): Promise<void> {
    for (const context of contexts) {
      const closedAt = context.conversation.closedAt ?? now;
      await bus.publish({ type: 'conversation', context: { ...context, conversation: { ...context.conversation, closedAt } } });
    }
  }

  return routes;
}

function groupBody(group: GroupRecord): GroupResponse {
  return {
    success: true,
    group: {
      id: group.id,
      name: group.name,
      revealAt: toIso(group.revealAt),
      members: group.members,
      assignments: group.assignments,
    },
  };
}
