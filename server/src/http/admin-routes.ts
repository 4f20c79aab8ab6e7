/**
 * The host's server-to-server API (docs/protocol.md §1). Mounted only when an admin token is
 * configured; no CORS, since no browser should ever call it.
 */
import { Hono } from 'hono';
import { LIMITS, parseGroupInput } from '../../../protocol/index.js';
import { requireAdminToken } from '../auth/admin.js';
import { ChatError } from '../core/errors.js';
import { groupBody } from '../views/frames.js';
import { deliveryBody, reportBody } from '../views/webhook-events.js';
import { limitBody, readJsonBody } from './body.js';
import { requireGroupId } from './params.js';
import type { AppDependencies } from './context.js';

export function adminRoutes(deps: AppDependencies & { adminToken: string }): Hono {
  const { service } = deps;
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
    const { group, created } = await service.putGroup(groupId, { name, revealAt: Date.parse(revealAt), members, assignments });
    return c.json(groupBody(group), created ? 201 : 200);
  });

  routes.get('/groups/:groupId', async (c) => {
    const group = await service.getGroup(requireGroupId(c.req.param('groupId'), c.req.url));
    if (!group) throw new ChatError('NOT_FOUND', 'No such group.');
    return c.json(groupBody(group));
  });

  routes.delete('/groups/:groupId', async (c) => {
    if (!(await service.deleteGroup(requireGroupId(c.req.param('groupId'), c.req.url)))) {
      throw new ChatError('NOT_FOUND', 'No such group.');
    }
    return c.json({ success: true as const, deleted: true });
  });

  routes.get('/groups/:groupId/reports', async (c) => {
    const groupId = requireGroupId(c.req.param('groupId'), c.req.url);
    const reports = await service.listReports(groupId);
    return c.json({ groupId, reports: reports.map(reportBody) });
  });

  routes.get('/webhooks/deliveries', async (c) => {
    const status = c.req.query('status') ?? 'pending';
    if (status !== 'pending' && status !== 'failed' && status !== 'delivered') {
      throw new ChatError('BAD_REQUEST', 'status must be pending, failed or delivered.', { field: 'status' });
    }
    const deliveries = await service.listWebhookDeliveries(status, WEBHOOK_DELIVERIES_LISTED);
    return c.json({ status, deliveries: deliveries.map(deliveryBody) });
  });

  return routes;
}

/** `GET /admin/webhooks/deliveries` lists the most recent this many of a status. */
const WEBHOOK_DELIVERIES_LISTED = 100;
