/**
 * Generated HTTP requests against every route of the relay, each with the statuses
 * docs/protocol.md §1/§2 allows for it. Where the contract fixes one status (a foreign Origin is
 * 403, a missing token 401, a body over 64 KiB 413, ...) the set has just that one.
 */
import fc from 'fast-check';

export interface FuzzRequest {
  label: string;
  method: string;
  /** Sent as is on the request line. */
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** The statuses the contract allows for this request. */
  allowed: number[];
  /** An admin call whose answer depends on whether the group exists when it is sent (200/201/404). */
  admin?: { method: 'PUT' | 'GET' | 'DELETE'; groupId: string };
}

/** The fixtures the requests aim at. */
export interface HttpWorld {
  /** Valid participant tokens by user: alice, bob, cleo (office), dave (a group with no raffle yet), mallory (no group). */
  tokens: Record<string, string>;
  adminToken: string;
  allowedOrigin: string;
  /** alice -> bob, open in the office group. */
  aliceBobConversationId: string;
  bundleBuilt: boolean;
}

const PARTICIPANT_BODY_LIMIT = 64 * 1024;
const ADMIN_BODY_LIMIT = 1024 * 1024;
const MAX_ID_LENGTH = 128;
/** Requests whose head (request line and headers) is over 16 KiB are refused by Node's HTTP parser. */
const HEADER_OVERFLOW = 431;
/** Where the route depends on how a junk path is decoded or resolved, any refusal is fine; never a success on someone else's data. */
const ANY_REFUSAL = [400, 401, 403, 404];

const plainId = (minLength: number, maxLength: number) =>
  fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-'), minLength, maxLength });

type Segment = { raw: string; id?: string; exact: boolean };

/**
 * A path segment standing for an id: plain, percent-encoded (any Unicode), too long, far too
 * long for the request line, or junk (bad escapes, traversal) whose decoding the contract
 * does not fix.
 */
const idSegment: fc.Arbitrary<Segment> = fc.oneof(
  { arbitrary: plainId(1, MAX_ID_LENGTH).map((id) => ({ raw: id, id, exact: true })), weight: 4 },
  {
    arbitrary: fc
      .string({ unit: 'binary', minLength: 1, maxLength: 200 })
      .filter((id) => id !== '.' && id !== '..' && !id.includes('\ufffd'))
      .map((id) => ({ raw: encodeURIComponent(id), id, exact: true })),
    weight: 3,
  },
  { arbitrary: plainId(MAX_ID_LENGTH + 1, 4000).map((id) => ({ raw: id, id, exact: true })), weight: 1 },
  {
    arbitrary: fc.constantFrom(
      '%ZZ', '%', '%E0%A4%A', '%C0%AF', '%00', '%FF', 'a%2', '..', '.', '%2e%2e', '%2E.', '..%2f..%2fadmin%2fgroups%2foffice',
      '%2e%2e%2f%2e%2e%2fadmin', 'x%2f..%2f..', '%u2215', '%252e%252e', '%C3%28', 'a;b=c', 'a@b:c', '~', '!$&\'()*+,=',
    ).map((raw) => ({ raw, exact: false })),
    weight: 2,
  },
);

/** A request line over Node's 16 KiB header limit. */
const hugeSegment: fc.Arbitrary<Segment> = fc.integer({ min: 17_000, max: 30_000 }).map((length) => ({ raw: 'x'.repeat(length), exact: false }));

type Query = { raw: string; valid: boolean };
const historyQuery: fc.Arbitrary<Query> = fc.oneof(
  fc.constantFrom<Query>(
    { raw: '', valid: true }, { raw: '?after=0', valid: true }, { raw: '?after=5', valid: true }, { raw: '?before=3', valid: true },
    { raw: '?limit=200', valid: true }, { raw: '?limit=1', valid: true }, { raw: '?after=00012&limit=7', valid: true },
    { raw: '?after=%31', valid: true }, { raw: '?x=1&y', valid: true },
    { raw: '?limit=201', valid: false }, { raw: '?limit=0', valid: false }, { raw: '?after=-1', valid: false },
    { raw: '?after=1.5', valid: false }, { raw: '?after=1e3', valid: false }, { raw: '?after=abc', valid: false },
    { raw: '?after=1&before=2', valid: false }, { raw: '?after=9007199254740993', valid: false }, { raw: '?after=%ZZ', valid: false },
    { raw: '?limit=', valid: false }, { raw: '?before=%2D1', valid: false }, { raw: '?after=1%00', valid: false },
  ),
  fc.bigInt({ min: 0n, max: 10n ** 30n }).map((value) => ({ raw: `?after=${value}`, valid: value <= BigInt(Number.MAX_SAFE_INTEGER) })),
);

type Authorization = { header: string | undefined; user: string | null };

/** An Authorization header: a valid participant one in several spellings, or one of the bad forms. */
function participantAuthorization(world: HttpWorld): fc.Arbitrary<Authorization> {
  const users = Object.keys(world.tokens);
  const valid = fc
    // dave is the one who can meet NO_MATCH (409): a member of a group with no raffle yet.
    .tuple(fc.oneof({ arbitrary: fc.constantFrom(...users), weight: 3 }, { arbitrary: fc.constant('dave'), weight: 1 }), fc.constantFrom('Bearer ', 'bearer ', 'BEARER ', 'Bearer   ', 'Bearer\t'))
    .map(([user, scheme]) => ({ header: `${scheme}${world.tokens[user]}`, user }));
  const token = world.tokens.alice ?? '';
  const invalid = fc
    .oneof(
      fc.constantFrom<string | undefined>(
        undefined, '', 'Bearer', 'Bearer ', `Basic ${token}`, token, `Token ${token}`, `Bearer ${token}x`, `Bearer x${token}`,
        `Bearer ${token} ${token}`, `Bearer ${token.split('.').slice(0, 2).join('.')}.`, `Bearer ${world.adminToken}`,
        `Bearer ${token.replace(/\./g, '..')}`, `Bearer, Bearer ${token}`, `Bearer "${token}"`,
      ),
      fc.string({ unit: 'grapheme-ascii', maxLength: 300 }).map((junk) => `Bearer ${junk}`),
      fc.string({ unit: 'grapheme-ascii', maxLength: 300 }),
    )
    .map((header) => ({ header, user: null }));
  return fc.oneof({ arbitrary: valid, weight: 4 }, { arbitrary: invalid, weight: 2 });
}

type Origin = { header: string | undefined; allowed: boolean };
function origin(world: HttpWorld): fc.Arbitrary<Origin> {
  return fc.oneof(
    { arbitrary: fc.constant({ header: undefined, allowed: true }), weight: 4 },
    { arbitrary: fc.constant({ header: world.allowedOrigin, allowed: true }), weight: 2 },
    {
      arbitrary: fc
        .oneof(
          fc.constantFrom('null', 'http://evil.example', 'https://host.example', `${world.allowedOrigin}/`, `${world.allowedOrigin}.evil.example`,
            `${world.allowedOrigin}/path`, 'file://', 'http://user:pass@host.example', '*', `${world.allowedOrigin}, http://evil.example`),
          fc.string({ unit: 'grapheme-ascii', maxLength: 100 }),
        )
        .filter((header) => header.trim() !== world.allowedOrigin && header.trim() !== '')
        .map((header) => ({ header, allowed: false })),
      weight: 2,
    },
  );
}

const contentType = fc.constantFrom(
  undefined, 'application/json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x',
  'application/json; charset=latin1', 'application/xml', '*/*', 'application/json, text/plain', 'x',
);

type Body = { bytes: Buffer | undefined; size: number; value: 'valid' | 'invalid' };
const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));

/** A body for POST /groups/:g/conversation, classified by the contract's rule for it. */
const conversationBody: fc.Arbitrary<Body> = fc
  .oneof(
    fc.constantFrom<Buffer | undefined>(undefined, json({}), json({ with: 'giftee' }), json({ with: 'santa' })),
    fc.constantFrom<Buffer | undefined>(
      undefined, Buffer.from(''), Buffer.from('  \n'), json({}), json({ with: 'giftee' }), json({ with: 'santa' }), json({ with: 'GIFTEE' }),
      json({ with: null }), json({ with: ['santa'] }), Buffer.from('{"with":"santa","with":"nobody"}'), Buffer.from('{"__proto__":{"with":"nobody"}}'),
      Buffer.from('{"with":"giftee"'), Buffer.from([0xff, 0xfe, 0x00]), Buffer.from([...Buffer.from('{"with":"giftee","x":"'), 0xff, ...Buffer.from('"}')]),
      Buffer.from(`\ufeff${JSON.stringify({ with: 'santa' })}`), json([{ with: 'santa' }]), json('giftee'), json(null),
    ),
    fc.jsonValue({ maxDepth: 4 }).map(json),
    fc.string({ maxLength: 200 }).map((text) => Buffer.from(text)),
    fc.tuple(fc.integer({ min: 1, max: 30_000 }), fc.boolean()).map(([depth, asArray]) =>
      Buffer.from(asArray ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`),
    ),
    fc.integer({ min: PARTICIPANT_BODY_LIMIT + 1, max: PARTICIPANT_BODY_LIMIT + 20_000 }).map((size) => Buffer.from(JSON.stringify({ with: 'giftee', pad: 'x'.repeat(size) }))),
  )
  .map((bytes) => ({ bytes, size: bytes?.length ?? 0, value: conversationBodyIsValid(bytes) ? 'valid' : 'invalid' }));

/** docs/protocol.md §2: no body, or `{"with":"giftee"|"santa"}` (unknown keys ignored). Read as UTF-8 text. */
function conversationBodyIsValid(bytes: Buffer | undefined): boolean {
  const text = new TextDecoder().decode(bytes ?? Buffer.alloc(0));
  if (text.trim() === '') return true;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return false;
  }
  if (value === null || value === '') return true;
  if (typeof value !== 'object' || Array.isArray(value)) return false;
  const choice = Object.hasOwn(value, 'with') ? (value as { with: unknown }).with : undefined;
  return choice === undefined || choice === 'giftee' || choice === 'santa';
}

function headersOf(entries: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(entries).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

/** The participant routes (and wrong methods on them), in docs/protocol.md §2 order: origin, token, size, then the route. */
function participantRequest(world: HttpWorld): fc.Arbitrary<FuzzRequest> {
  return fc
    .record({
      route: fc.constantFrom('open', 'open', 'list', 'groups', 'history'),
      method: fc.oneof({ arbitrary: fc.constant('natural'), weight: 8 }, { arbitrary: fc.constantFrom('PUT', 'DELETE', 'PATCH', 'OPTIONS'), weight: 2 }),
      group: fc.oneof({ arbitrary: fc.constantFrom('office', 'lonely').map((id) => ({ raw: id, id, exact: true })), weight: 8 }, { arbitrary: idSegment, weight: 3 }, { arbitrary: hugeSegment, weight: 1 }),
      conversation: fc.oneof(
        { arbitrary: fc.constant({ raw: world.aliceBobConversationId, id: world.aliceBobConversationId, exact: true }), weight: 3 },
        { arbitrary: idSegment, weight: 3 },
        { arbitrary: hugeSegment, weight: 1 },
      ),
      query: historyQuery,
      body: conversationBody,
      authorization: participantAuthorization(world),
      origin: origin(world),
      contentType,
    })
    .filter(({ group, conversation }) => !group.id?.startsWith('fz-') && !conversation.id?.startsWith('fz-'))
    .map(({ route, method: methodChoice, group, conversation, query, body, authorization, origin: from, contentType: type }): FuzzRequest => {
      const natural = route === 'open' ? 'POST' : 'GET';
      const method = methodChoice === 'natural' ? natural : methodChoice;
      const segment = route === 'open' ? group : route === 'history' ? conversation : { raw: '', exact: true };
      const path = route === 'open' ? `/groups/${group.raw}/conversation` : route === 'list' ? '/conversations' : route === 'groups' ? '/groups' : `/conversations/${conversation.raw}/messages${query.raw}`;
      const sendsBody = method === 'POST' || method === 'PUT' || method === 'PATCH';
      const request: FuzzRequest = {
        label: `${method} ${route}`,
        method,
        path,
        headers: headersOf({ authorization: authorization.header, origin: from.header, 'content-type': sendsBody ? type : undefined }),
        ...(sendsBody && body.bytes !== undefined ? { body: body.bytes } : {}),
        allowed: [],
      };
      if (Buffer.byteLength(path) > 16_000) return { ...request, allowed: [HEADER_OVERFLOW] };
      if (!segment.exact) return { ...request, allowed: [...ANY_REFUSAL, 200, 204, 413] };
      if (method === 'OPTIONS') return { ...request, allowed: [204] };
      if (!from.allowed) return { ...request, allowed: [403] };
      if (authorization.user === null) return { ...request, allowed: [401] };
      if (sendsBody && body.size > PARTICIPANT_BODY_LIMIT) return { ...request, allowed: [413] };
      if (method !== natural) return { ...request, allowed: [404] };
      const status = routeStatus(world, route, authorization.user, group, conversation, query, body);
      return { ...request, allowed: status === OPENED ? [200, 201] : [status] };
    });
}

function routeStatus(world: HttpWorld, route: string, user: string, group: Segment, conversation: Segment, query: Query, body: Body): number {
  if (route === 'list' || route === 'groups') return 200;
  if (route === 'history') {
    if (!query.valid) return 400;
    const mine = conversation.id === world.aliceBobConversationId && (user === 'alice' || user === 'bob');
    return mine ? 200 : 403;
  }
  if ((group.id ?? '').length > MAX_ID_LENGTH) return 400;
  if (body.value === 'invalid') return 400;
  if (group.id === 'office' && ['alice', 'bob', 'cleo'].includes(user)) return OPENED;
  if (group.id === 'lonely' && user === 'dave') return 409;
  return 403;
}

/** 201 when the call created the conversation, 200 when it existed. */
const OPENED = -1;

const VALID_GROUP = {
  name: 'Fuzzed',
  revealAt: '2030-12-24T18:00:00Z',
  members: [{ id: 'u1', name: 'One' }, { id: 'u2', name: 'Two' }],
  assignments: [{ santa: 'u1', giftee: 'u2' }, { santa: 'u2', giftee: 'u1' }],
};

/** A group body: the valid one, or one with a field of the wrong type, or not a group at all. */
const groupBody: fc.Arbitrary<{ bytes: Buffer | undefined; valid: boolean }> = fc.oneof(
  { arbitrary: fc.constant({ bytes: json(VALID_GROUP), valid: true }), weight: 3 },
  {
    arbitrary: fc
      .tuple(fc.constantFrom('name', 'revealAt', 'members', 'assignments'), fc.jsonValue({ maxDepth: 3 }))
      .filter(([key, value]) => (key === 'members' || key === 'assignments' ? !Array.isArray(value) : typeof value !== 'string'))
      .map(([key, value]) => ({ bytes: json({ ...VALID_GROUP, [key]: value }), valid: false })),
    weight: 3,
  },
  {
    arbitrary: fc
      .oneof(
        fc.constantFrom<Buffer | undefined>(undefined, Buffer.from(''), Buffer.from('{'), Buffer.from([0xff]), json([VALID_GROUP]), json(null), json({}),
          Buffer.from(`{"__proto__":${JSON.stringify(VALID_GROUP)}}`)),
        fc.string({ maxLength: 100 }).map((text) => Buffer.from(text)),
        fc.integer({ min: 1, max: 20_000 }).map((depth) => Buffer.from(`${'['.repeat(depth)}${']'.repeat(depth)}`)),
      )
      .map((bytes) => ({ bytes, valid: false })),
    weight: 2,
  },
);

/** The host's admin token in a spelling the relay takes (`ok`), or a bad one. */
function adminAuthorization(world: HttpWorld): fc.Arbitrary<{ header: string | undefined; ok: boolean }> {
  return fc.oneof(
    { arbitrary: fc.constantFrom(`Bearer ${world.adminToken}`, `bearer  ${world.adminToken}`).map((header) => ({ header, ok: true })), weight: 4 },
    {
      arbitrary: fc
        .constantFrom<string | undefined>(undefined, '', 'Bearer', `Basic ${world.adminToken}`, world.adminToken, `Bearer ${world.adminToken}x`,
          `Bearer ${world.adminToken.slice(1)}`, `Bearer ${world.tokens.alice}`, `Bearer ${world.adminToken.toUpperCase()}`)
        .map((header) => ({ header, ok: false })),
      weight: 2,
    },
  );
}

/** The admin API: the host's token or a bad one, PUT/GET/DELETE on groups of its own namespace. */
function adminRequest(world: HttpWorld): fc.Arbitrary<FuzzRequest> {
  const group = fc.oneof(
    { arbitrary: fc.integer({ min: 0, max: 5 }).map((index) => ({ raw: `fz-${index}`, id: `fz-${index}`, exact: true })), weight: 4 },
    { arbitrary: plainId(1, 40).map((id) => ({ raw: `fz-${id}`, id: `fz-${id}`, exact: true })), weight: 1 },
    { arbitrary: plainId(MAX_ID_LENGTH, 1000).map((id) => ({ raw: `fz-${id}`, id: `fz-${id}`, exact: true })), weight: 1 },
    { arbitrary: idSegment.filter((segment) => !segment.exact), weight: 1 },
  );
  return fc
    .record({
      method: fc.oneof({ arbitrary: fc.constantFrom('PUT', 'GET', 'DELETE'), weight: 9 }, { arbitrary: fc.constantFrom('POST', 'PATCH'), weight: 1 }),
      group,
      authorization: adminAuthorization(world),
      body: fc.oneof({ arbitrary: groupBody, weight: 50 }, { arbitrary: fc.constant({ bytes: Buffer.alloc(ADMIN_BODY_LIMIT + 1, 0x20), valid: false }), weight: 1 }),
      origin: origin(world),
      contentType,
    })
    .map(({ method, group: segment, authorization, body, origin: from, contentType: type }): FuzzRequest => {
      const sendsBody = method === 'PUT' || method === 'POST' || method === 'PATCH';
      const request: FuzzRequest = {
        label: `admin ${method}`,
        method,
        path: `/admin/groups/${segment.raw}`,
        headers: headersOf({ authorization: authorization.header, origin: from.header, 'content-type': sendsBody ? type : undefined }),
        ...(sendsBody && body.bytes !== undefined ? { body: body.bytes } : {}),
        allowed: [],
      };
      // The admin API has no CORS and ignores Origin: a server calls it.
      if (!segment.exact) return { ...request, allowed: [...ANY_REFUSAL, 200, 201, 413] };
      if (!authorization.ok) return { ...request, allowed: [401] };
      // No such route: answered before the body is read.
      if (method === 'POST' || method === 'PATCH') return { ...request, allowed: [404] };
      if (sendsBody && (body.bytes?.length ?? 0) > ADMIN_BODY_LIMIT) return { ...request, allowed: [413] };
      if ((segment.id ?? '').length > MAX_ID_LENGTH) return { ...request, allowed: [400] };
      if (method === 'PUT' && !body.valid) return { ...request, label: 'admin PUT bad body', allowed: [400] };
      return { ...request, admin: { method, groupId: segment.id ?? '' } };
    });
}

/** The public routes, whatever headers come with them, and paths that are no route at all. */
function otherRequest(world: HttpWorld): fc.Arbitrary<FuzzRequest> {
  const anyHeaders = fc.record({ authorization: participantAuthorization(world), origin: origin(world) });
  const anyMethod = fc.oneof({ arbitrary: fc.constantFrom('GET', 'HEAD'), weight: 4 }, { arbitrary: fc.constantFrom('POST', 'PUT', 'DELETE'), weight: 1 });
  const publicRoute = fc
    .tuple(fc.constantFrom('/healthz', '/santa-chat.js'), anyMethod, anyHeaders)
    .map(([path, method, headers]): FuzzRequest => ({
      label: `${method} ${path}`,
      method,
      path,
      headers: headersOf({ authorization: headers.authorization.header, origin: headers.origin.header }),
      allowed: method === 'GET' || method === 'HEAD' ? [path === '/santa-chat.js' && !world.bundleBuilt ? 404 : 200] : [404],
    }));
  // The operator's route: the admin token or 401.
  const metricsRoute = fc
    .tuple(anyMethod, adminAuthorization(world), origin(world))
    .map(([method, authorization, from]): FuzzRequest => ({
      label: `${method} /metrics${authorization.ok ? '' : ' bad token'}`,
      method,
      path: '/metrics',
      headers: headersOf({ authorization: authorization.header, origin: from.header }),
      allowed: method === 'GET' || method === 'HEAD' ? [authorization.ok ? 200 : 401] : [404],
    }));
  const noRoute = fc
    .tuple(
      fc.oneof(
        fc.constantFrom('/', '/demo/api/token', '/demo/api/people', '/demo/api/reset', '/ws', '/groupsx/a/conversation', '/conversation',
          '/healthz/x', '/metrics.json', '/santa-chat.js.map', '/index.html').map((path) => ({ path, allowed: [404] })),
        // Prefixes of real routes: their guards (origin, token) may answer first.
        fc.constantFrom('/admin', '/admin/groups', '/groups/', '/conversations/', '/%2fadmin%2fgroups%2foffice', '//admin/groups/office',
          '/conversations/x/messages/y', '/groups/office/conversation/x').map((path) => ({ path, allowed: [...ANY_REFUSAL, 204] })),
        fc.array(idSegment.filter((segment) => segment.exact), { minLength: 1, maxLength: 3 })
          .map((segments) => ({ path: `/x-${segments.map((segment) => segment.raw).join('/')}`, allowed: [404] })),
        hugeSegment.map((segment) => ({ path: `/x-${segment.raw}`, allowed: [HEADER_OVERFLOW] })),
      ),
      fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'),
      anyHeaders,
    )
    .map(([{ path, allowed }, method, headers]): FuzzRequest => ({
      label: 'no such route',
      method,
      path,
      headers: headersOf({ authorization: headers.authorization.header, origin: headers.origin.header }),
      allowed,
    }));
  return fc.oneof(publicRoute, metricsRoute, noRoute);
}

export function fuzzRequest(world: HttpWorld): fc.Arbitrary<FuzzRequest> {
  return fc.oneof(
    { arbitrary: participantRequest(world), weight: 6 },
    { arbitrary: adminRequest(world), weight: 3 },
    { arbitrary: otherRequest(world), weight: 2 },
  );
}
