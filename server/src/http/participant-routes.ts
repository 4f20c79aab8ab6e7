/**
 * The participant API (docs/protocol.md §2): bearer token, CORS for the allowed origins only,
 * 64 KiB bodies, a per-user request rate. Every body is built for the caller by `views/frames.ts`.
 */
import { Hono, type MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import {
  LIMITS,
  parseConversationRequest,
  parseHistoryQuery,
  REFUSAL_EXPLANATIONS,
} from '../../../protocol/index.js';
import { readBearer } from '../auth/bearer.js';
import { verifyParticipantToken } from '../auth/jwt.js';
import { logTokenRefusal } from '../auth/refusal-log.js';
import { ChatError } from '../core/errors.js';
import { conversationBody, conversationListBody, groupListBody, historyBody } from '../views/frames.js';
import { limitBody, readJsonBody } from './body.js';
import type { AppDependencies, AppEnv } from './context.js';
import { requireGroupId } from './params.js';

export function participantRoutes(deps: AppDependencies): Hono<AppEnv> {
  const { service } = deps;
  const routes = new Hono<AppEnv>();

  // Hono's `/conversations/*` also matches `/conversations`: listing it again would run every
  // middleware twice there, and count each list call twice against the request rate.
  const paths = ['/groups/*', '/conversations/*'];
  const use = (...handlers: MiddlewareHandler<AppEnv>[]): void => {
    for (const path of paths) for (const handler of handlers) routes.use(path, handler);
  };

  use(...guards(deps));
  use(limitBody(LIMITS.maxHttpBodyBytes));

  routes.post('/groups/:groupId/conversation', async (c) => {
    const groupId = requireGroupId(c.req.param('groupId'), c.req.url);
    const request = parseConversationRequest(await readJsonBody(c));
    if (!request.ok) {
      throw new ChatError('BAD_REQUEST', `${request.field || 'body'}: ${request.message}`, { field: request.field });
    }
    const userId = c.get('userId');
    const { overview, created } = await service.openConversation(userId, groupId, request.value.with);
    return c.json(conversationBody(overview, userId, service.now()), created ? 201 : 200);
  });

  // `/groups/*` matches `/groups` too, so the guards above already cover it.
  routes.get('/groups', async (c) => c.json(groupListBody(await service.listGroups(c.get('userId')))));

  routes.get('/conversations', async (c) => {
    const userId = c.get('userId');
    const { overviews, unreadTotal } = await service.listConversations(userId);
    return c.json(conversationListBody(overviews, unreadTotal, userId, service.now()));
  });

  routes.get('/conversations/:conversationId/messages', async (c) => {
    const query = parseHistoryQuery(c.req.query());
    if (!query.ok) throw new ChatError('BAD_REQUEST', `${query.field}: ${query.message}`, { field: query.field });
    const userId = c.get('userId');
    const { context, page } = await service.history(userId, c.req.param('conversationId'), query.value);
    return c.json(historyBody(context, page.messages, page.hasMore, userId, service.now()));
  });

  return routes;
}

/** CORS for the allowed origins, refusal of the others, and the bearer token with the request rate. */
function guards(deps: AppDependencies): MiddlewareHandler<AppEnv>[] {
  return [
    cors({
      origin: (origin) => (deps.originPolicy().allows(origin) ? origin : null),
      allowMethods: ['GET', 'POST', 'OPTIONS'],
      allowHeaders: ['Authorization', 'Content-Type'],
      maxAge: 600,
    }),
    async function refuseForeignOrigins(c, next) {
      const origin = c.req.header('origin');
      if (origin !== undefined && !deps.originPolicy().allows(origin)) {
        deps.refusedOrigins.note(origin, 'http');
        // Without CORS headers a browser page cannot read this body; curl and the logs can.
        throw new ChatError('FORBIDDEN', REFUSAL_EXPLANATIONS.ORIGIN_NOT_ALLOWED, { reason: 'ORIGIN_NOT_ALLOWED' });
      }
      await next();
    },
    async function authenticate(c, next) {
      const token = readBearer(c.req.header('authorization'));
      const check = token === null ? null : await verifyParticipantToken(token, deps.jwt);
      if (check === null || !check.ok) {
        const refusal = check ?? { ok: false as const, reason: 'TOKEN_MISSING' as const, detail: 'no Bearer token' };
        logTokenRefusal(deps.logger, refusal, 'http');
        throw new ChatError('UNAUTHENTICATED', REFUSAL_EXPLANATIONS[refusal.reason], { reason: refusal.reason });
      }
      const retryAfterMs = await deps.requestLimiter.take(check.userId, Date.now());
      if (retryAfterMs > 0) {
        throw new ChatError('RATE_LIMITED', 'Too many requests; slow down.', { retryAfterMs });
      }
      c.set('userId', check.userId);
      await next();
    },
  ];
}
