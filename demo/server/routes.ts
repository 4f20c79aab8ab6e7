/**
 * The demo's own backend, composed onto the relay by `start.ts` (`npm start` only): it plays the host
 * site's server, which knows the raffle and mints participant tokens. Outside demo mode none
 * of these routes exist (404), so a production relay never hands out tokens.
 */
import { Hono } from 'hono';
import { LIMITS, parseId } from '../../protocol/index.js';
import { signParticipantToken } from '../../server/src/auth/jwt.js';
import { ChatError } from '../../server/src/core/errors.js';
import { limitBody, readJsonBody } from '../../server/src/http/body.js';
import type { AppDependencies } from '../../server/src/http/context.js';
import type { GroupRecord } from '../../server/src/store/store.js';
import { adminApi, type AdminApi } from './admin-api.js';
import { DEMO_BUDGET, DEMO_GROUP_ID, DEMO_PEOPLE, resetDemoGroup, revealDemoGroup } from './seed.js';
import { demoSiteRoutes } from './site.js';
import { DemoInbox } from './inbox.js';

/** Long enough for a demo session; the pages renew through the widget's `tokenProvider`. */
const TOKEN_LIFETIME_SECONDS = 3600;

export interface DemoPeopleResponse {
  success: true;
  group: { id: string; name: string; revealAt: string; revealed: boolean; budget: string };
  people: Array<{ id: string; name: string; team: string; color: string; wishlist: string[]; giftee: string | null; santa: string | null }>;
}

export function demoApiRoutes(deps: AppDependencies, admin: AdminApi, inbox: DemoInbox | null = null): Hono {
  const { service } = deps;
  const routes = new Hono();

  routes.use('*', async function sameOriginOnly(c, next) {
    // Browsers send Origin on every POST; the demo's pages are the relay's own origin.
    const origin = c.req.header('origin');
    if (origin !== undefined && !deps.originPolicy().allows(origin)) {
      throw new ChatError('FORBIDDEN', 'The demo API answers the demo pages only.');
    }
    c.header('Cache-Control', 'no-store');
    await next();
  });
  routes.use('*', limitBody(LIMITS.maxHttpBodyBytes));

  routes.get('/people', async (c) => {
    const group = await service.getGroup(DEMO_GROUP_ID);
    if (!group) throw new ChatError('NOT_FOUND', 'The demo group does not exist; press "Reset demo".');
    return c.json(peopleResponse(group, service.now()));
  });

  routes.post('/token', async (c) => {
    const body = await readJsonBody(c);
    const userId = parseId((body as { userId?: unknown } | undefined)?.userId);
    if (userId === null) throw new ChatError('BAD_REQUEST', 'Send { "userId": "…" }.', { field: 'userId' });
    const group = await service.getGroup(DEMO_GROUP_ID);
    if (!group?.members.some((member) => member.id === userId)) {
      throw new ChatError('FORBIDDEN', 'Tokens are only minted for the people of the demo group.');
    }
    const expiresAt = Math.floor(service.now() / 1000) + TOKEN_LIFETIME_SECONDS;
    const token = signParticipantToken({ sub: userId, exp: expiresAt }, deps.jwt.secret);
    return c.json({ success: true as const, userId, token, expiresAt: new Date(expiresAt * 1000).toISOString() });
  });

  routes.post('/reveal', async (c) => {
    const group = await revealDemoGroup(admin, service.now());
    return c.json({ success: true as const, revealAt: group.revealAt });
  });

  // Jolly Swap's webhook endpoint: the relay posts here (no Origin header: server to server).
  routes.post('/webhooks', async (c) => {
    if (inbox === null) throw new ChatError('NOT_FOUND', 'Webhooks are not on.');
    try {
      inbox.receive(await c.req.text(), c.req.raw.headers);
    } catch {
      throw new ChatError('BAD_REQUEST', 'The webhook signature does not verify.');
    }
    return c.body(null, 204);
  });

  // What Jolly Swap would email, for the developer drawer.
  routes.get('/webhooks', (c) => c.json({ success: true as const, enabled: inbox !== null, emails: inbox?.list() ?? [] }));

  routes.post('/reset', async (c) => {
    const group = await resetDemoGroup(admin, service.now());
    return c.json({ success: true as const, revealAt: group.revealAt });
  });

  return routes;
}

/** The demo group's people as the pages show them, with who draws whom (the demo hides nothing). */
function peopleResponse(group: GroupRecord, now: number): DemoPeopleResponse {
  return {
    success: true,
    group: {
      id: group.id,
      name: group.name,
      revealAt: new Date(group.revealAt).toISOString(),
      revealed: now >= group.revealAt,
      budget: DEMO_BUDGET,
    },
    people: DEMO_PEOPLE.filter((person) => group.members.some((member) => member.id === person.id)).map((person) => ({
      ...person,
      wishlist: [...person.wishlist],
      giftee: group.assignments.find((assignment) => assignment.santa === person.id)?.giftee ?? null,
      santa: group.assignments.find((assignment) => assignment.giftee === person.id)?.santa ?? null,
    })),
  };
}

/** Mounts the demo's API and its pages on the relay's app (demo mode only). */
export function mountDemo(app: Hono, deps: AppDependencies & { adminToken: string; webhookSecret?: string | undefined }): void {
  const inbox = deps.webhookSecret === undefined ? null : new DemoInbox(deps.webhookSecret);
  app.route('/demo/api', demoApiRoutes(deps, adminApi(app, deps.adminToken), inbox));
  app.route('/', demoSiteRoutes());
}
