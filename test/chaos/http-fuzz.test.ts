/**
 * Issue #7, bad input over HTTP: generated requests on every route (admin, participant,
 * healthz, metrics, the widget bundle, no route at all) with bad bodies, paths and headers get
 * only the statuses docs/protocol.md §1/§2 documents for them, with the contract's error body,
 * never a 500, and the relay logs no failure.
 *
 * Short form in `npm test`; `SANTA_CHAT_CHAOS=long` sends 30,000 requests.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { HTTP_STATUS_BY_CODE, type ErrorCode } from '../../protocol/index.js';
import { TEST_ADMIN_TOKEN } from '../helpers/relay.js';
import { withRelay } from '../helpers/ws-harness.js';
import { fuzzRequest, type FuzzRequest, type HttpWorld } from './http-model.js';
import { scale } from './scale.js';
import { errorLogger, watchProcess } from './watch.js';

const REQUESTS = scale(1_500, 30_000);
const BUNDLE = new URL('../../widget/dist/santa-chat.js', import.meta.url);

interface RawResponse {
  status: number;
  contentType: string;
  text: string;
}

describe('HTTP fuzzing', () => {
  test(`${REQUESTS} generated requests get only documented statuses and error bodies, never a 500`, { timeout: scale(120_000, 3_600_000) }, async (t) => {
    const watch = watchProcess();
    const { logger, errors } = errorLogger();
    try {
      await withRelay({ logger, limits: { httpRequestsPerMinute: 1_000_000_000 } }, async (harness) => {
        await harness.putGroup();
        const lonely = { name: 'No raffle yet', revealAt: '2030-12-24T18:00:00Z', members: [{ id: 'dave', name: 'Dave' }, { id: 'erin', name: 'Erin' }], assignments: [] };
        assert.equal((await harness.relay.putGroup('lonely', lonely)).status, 201);
        const world: HttpWorld = {
          tokens: Object.fromEntries(['alice', 'bob', 'cleo', 'dave', 'mallory'].map((user) => [user, harness.relay.token(user)])),
          adminToken: TEST_ADMIN_TOKEN,
          allowedOrigin: harness.relay.config.allowedOrigins?.[0] ?? '',
          aliceBobConversationId: (await harness.openConversation('alice')).conversation.id,
          bundleBuilt: existsSync(BUNDLE),
        };
        const adminGroups = new Set<string>();
        const statuses = new Map<number, number>();
        const startedAt = performance.now();
        await fc.assert(
          fc.asyncProperty(fuzzRequest(world), async (request) => {
            const allowed = request.admin ? adminAllowed(request.admin, adminGroups) : request.allowed;
            const response = await send(harness.relay.url, request);
            statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
            assertDocumented(request, allowed, response);
            if (request.admin?.method === 'PUT') adminGroups.add(request.admin.groupId);
            if (request.admin?.method === 'DELETE') adminGroups.delete(request.admin.groupId);
          }),
          { numRuns: REQUESTS, includeErrorInReport: true },
        );
        const seconds = (performance.now() - startedAt) / 1000;
        const histogram = Object.fromEntries([...statuses].sort(([a], [b]) => a - b));
        t.diagnostic(JSON.stringify({ requests: REQUESTS, seconds: Number(seconds.toFixed(1)), statuses: histogram, relayErrorLogs: errors.length, uncaught: watch.uncaught.length }));

        assert.equal(statuses.get(500) ?? 0, 0);
        assert.deepEqual(watch.uncaught, [], 'uncaught exceptions or unhandled rejections');
        assert.deepEqual(errors, [], 'the relay logged failures');
        // The run reached every outcome the generator aims at, so it cannot pass on one kind of refusal.
        for (const status of [200, 201, 204, 400, 401, 403, 404, 409, 413, 431]) {
          assert.ok((statuses.get(status) ?? 0) > 0, `no request was answered ${status}: ${JSON.stringify(histogram)}`);
        }
      });
    } finally {
      watch.stop();
    }
  });
});

/** PUT answers 201 when it creates the group and 200 when it replaces it; GET and DELETE 404 when there is none. */
function adminAllowed(admin: NonNullable<FuzzRequest['admin']>, existing: ReadonlySet<string>): number[] {
  const exists = existing.has(admin.groupId);
  if (admin.method === 'PUT') return [exists ? 200 : 201];
  return [exists ? 200 : 404];
}

function assertDocumented(request: FuzzRequest, allowed: number[], response: RawResponse): void {
  const why = `${request.label}: ${request.method} ${request.path.slice(0, 200)}${request.path.length > 200 ? '…' : ''} ` +
    `headers ${JSON.stringify(request.headers).slice(0, 300)} body ${request.body?.subarray(0, 80).toString() ?? '(none)'} (${request.body?.length ?? 0} bytes); ` +
    `expected ${allowed.join(' or ')}, got ${response.status} ${response.text.slice(0, 200)}`;
  assert.ok(allowed.includes(response.status), why);
  if (request.method === 'HEAD') return;
  // 431 comes from Node's HTTP parser, before any route: a bare status line.
  if (response.status >= 400 && response.status !== 431) {
    assert.match(response.contentType, /^application\/json/, why);
    const body = JSON.parse(response.text) as { success?: unknown; error?: { code?: unknown; message?: unknown } };
    assert.equal(body.success, false, why);
    assert.equal(HTTP_STATUS_BY_CODE[body.error?.code as ErrorCode], response.status, why);
    assert.ok(typeof body.error?.message === 'string' && body.error.message.length > 0, why);
  }
  if ((response.status === 200 || response.status === 201) && !['/metrics', '/santa-chat.js'].includes(request.path)) {
    assert.equal((JSON.parse(response.text) as { success?: unknown }).success !== false, true, why);
  }
}

/** One request on its own connection, with the path exactly as generated (no client-side normalization). */
function send(baseUrl: string, request: FuzzRequest): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    let answered = false;
    const outgoing = httpRequest(
      { hostname, port, method: request.method, path: request.path, headers: request.headers, agent: false },
      (incoming) => {
        answered = true;
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('error', reject);
        incoming.on('end', () =>
          resolve({ status: incoming.statusCode ?? 0, contentType: String(incoming.headers['content-type'] ?? ''), text: Buffer.concat(chunks).toString() }),
        );
      },
    );
    // A relay that answers (413, 431) before reading the whole request may close while it is still being sent.
    outgoing.on('error', (error) => {
      if (!answered) reject(error);
    });
    outgoing.end(request.body);
  });
}
