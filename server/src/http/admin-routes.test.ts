/**
 * The host's admin API (docs/protocol.md §1) through `app.request()`: create, replace, read
 * and erase a group, every validation rule with the field it names, body limits, the admin
 * token, and no CORS. Erasure from the database files is `test/admin-relay.test.ts`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ConversationResponse, GroupResponse } from '../../../protocol/index.js';
import { asHost, asParticipant, assertError, request } from '../../../test/helpers/http.js';
import { threeGroup } from '../../../test/helpers/relay.js';
import { createTestApp, TEST_APP_ADMIN_TOKEN as TEST_ADMIN_TOKEN, type TestApp } from '../app.test-support.js';

describe('admin API', () => {
  let relay: TestApp;
  let host: ReturnType<typeof asHost>;

  before(async () => {
    relay = await createTestApp({ limits: { httpRequestsPerMinute: 10_000 } });
    host = asHost(relay.url);
  });
  after(() => relay.stop());

  describe('PUT /admin/groups/:groupId', () => {
    it('answers 201 when it creates the group and echoes the group as stored', async () => {
      const input = threeGroup({ revealAt: '2026-12-24T18:00:00Z' });
      const created = await host.put<GroupResponse>('office-create', input);
      assert.equal(created.status, 201, created.text);
      assert.deepEqual(created.body, {
        success: true,
        group: {
          id: 'office-create',
          name: 'Office 2026',
          revealAt: '2026-12-24T18:00:00.000Z',
          members: input.members,
          assignments: input.assignments,
        },
      });
    });

    it('answers 200 when it replaces the group, with the new contents', async () => {
      assert.equal((await host.put('office-replace', threeGroup())).status, 201);
      const replacement = {
        name: '  Office party  ',
        revealAt: '2027-01-06T09:30:00+01:00',
        members: [
          { id: 'alice', name: 'Alice A.' },
          { id: 'bob', name: 'Bob' },
          { id: 'dan', name: 'Dan' },
        ],
        assignments: [
          { santa: 'alice', giftee: 'dan' },
          { santa: 'dan', giftee: 'alice' },
        ],
      };
      const replaced = await host.put<GroupResponse>('office-replace', replacement);
      assert.equal(replaced.status, 200, replaced.text);
      assert.deepEqual(replaced.body, {
        success: true,
        group: {
          id: 'office-replace',
          name: 'Office party',
          revealAt: '2027-01-06T08:30:00.000Z',
          members: replacement.members,
          assignments: replacement.assignments,
        },
      });
      const fetched = await host.get<GroupResponse>('office-replace');
      assert.deepEqual(fetched.body, replaced.body);
    });

    it('accepts an empty assignments list (the raffle has not happened yet)', async () => {
      const created = await host.put<GroupResponse>('office-undrawn', threeGroup({ assignments: [] }));
      assert.equal(created.status, 201, created.text);
      assert.deepEqual(created.body.group.assignments, []);
    });

    it('accepts integer ids and returns them as decimal strings', async () => {
      const input = {
        name: 'Numbers',
        revealAt: '2026-12-24T18:00:00Z',
        members: [
          { id: 1, name: 'One' },
          { id: 2, name: 'Two' },
          { id: 30, name: 'Thirty' },
        ],
        assignments: [
          { santa: 1, giftee: 2 },
          { santa: 2, giftee: 30 },
          { santa: 30, giftee: 1 },
        ],
      };
      const created = await host.put<GroupResponse>('42', input);
      assert.equal(created.status, 201, created.text);
      assert.deepEqual(created.body.group, {
        id: '42',
        name: 'Numbers',
        revealAt: '2026-12-24T18:00:00.000Z',
        members: [
          { id: '1', name: 'One' },
          { id: '2', name: 'Two' },
          { id: '30', name: 'Thirty' },
        ],
        assignments: [
          { santa: '1', giftee: '2' },
          { santa: '2', giftee: '30' },
          { santa: '30', giftee: '1' },
        ],
      });
      // The member "1" is the same person as a participant whose token says sub "1".
      const opened = await asParticipant(relay.url, relay.token('1')).post<ConversationResponse>('/groups/42/conversation');
      assert.equal(opened.status, 201, opened.text);
      assert.deepEqual(opened.body.conversation.participants, ['1', '2']);
    });

    it('takes bodies up to 1 MiB, beyond the participant API 64 KiB', async () => {
      const members = Array.from({ length: 1500 }, (_, index) => ({ id: `member-${index}`, name: `Member ${'x'.repeat(80)} ${index}` }));
      const body = JSON.stringify({ ...threeGroup(), members, assignments: [] });
      assert.ok(body.length > 128 * 1024 && body.length < 1024 * 1024, `body is ${body.length} bytes`);
      const created = await host.put<GroupResponse>('office-big', body);
      assert.equal(created.status, 201, created.text.slice(0, 200));
      assert.equal(created.body.group.members.length, 1500);
    });

    it('refuses a body over 1 MiB with 413 TOO_LARGE and stores nothing', async () => {
      const members = Array.from({ length: 6000 }, (_, index) => ({ id: `member-${index}`, name: 'n'.repeat(190) }));
      const body = JSON.stringify({ ...threeGroup(), members, assignments: [] });
      assert.ok(body.length > 1024 * 1024, `body is ${body.length} bytes`);
      assertError(await host.put('office-huge', body), 413, 'TOO_LARGE');
      assertError(await host.get('office-huge'), 404, 'NOT_FOUND');
    });

    it('refuses a body that is not JSON with 400', async () => {
      assertError(await host.put('office-json', '{"name": "Office",'), 400, 'BAD_REQUEST');
      assertError(await host.get('office-json'), 404, 'NOT_FOUND');
    });

    it('refuses a group id over 128 characters with 400 naming groupId', async () => {
      assertError(await host.put('g'.repeat(129), threeGroup()), 400, 'BAD_REQUEST', 'groupId');
    });

    it('refuses a group id holding a lone surrogate (its WTF-8 escapes) with 400 naming groupId, and stores nothing', async () => {
      // encodeURIComponent throws on a lone surrogate; other languages write its bytes, ED A0 80.
      for (const path of ['x%ED%A0%80', '%ED%B0%80y', 'ok%FF']) {
        const url = `${relay.url}/admin/groups/${path}`;
        const headers = { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' };
        const error = assertError(await request(url, { method: 'PUT', headers, body: JSON.stringify(threeGroup()) }), 400, 'BAD_REQUEST', 'groupId');
        assert.match(error.message, /groupId/);
        assertError(await request(url, { headers }), 400, 'BAD_REQUEST', 'groupId');
        assertError(await request(url, { method: 'DELETE', headers }), 400, 'BAD_REQUEST', 'groupId');
        // Not stored under the literal escapes either.
        assertError(await host.get(decodeURIComponent(path.replace(/%/g, '%25'))), 404, 'NOT_FOUND');
      }
    });

    it('names the lone surrogate or the bidi control it refuses', async () => {
      const surrogate = assertError(await host.put('office-why', threeGroup({ members: [...members, { id: 'x\ud800', name: 'X' }] })), 400, 'BAD_REQUEST', 'members[3].id');
      assert.match(surrogate.message, /^members\[3\]\.id: contains a lone surrogate \(U\+D800/);
      const bidi = assertError(await host.put('office-why', threeGroup({ name: 'Office \u202e' })), 400, 'BAD_REQUEST', 'name');
      assert.match(bidi.message, /^name: contains a bidirectional control character \(U\+202E\)/);
    });

    it('accepts names and ids in right-to-left scripts, with direction marks and emoji', async () => {
      const input = threeGroup({
        name: 'מסיבת משרד \u{1F385}',
        members: [
          { id: 'alice', name: 'أليس' },
          { id: 'bob', name: 'Bob\u200f' },
          { id: '\u{1F384}', name: 'Cleo' },
        ],
        assignments: [{ santa: 'alice', giftee: '\u{1F384}' }],
      });
      const created = await host.put<GroupResponse>('office-rtl', input);
      assert.equal(created.status, 201, created.text);
      assert.deepEqual((await host.get<GroupResponse>('office-rtl')).body.group.members, input.members);
    });

    const members = threeGroup().members;
    const invalidBodies: { rule: string; body: unknown; field: string }[] = [
      { rule: 'a missing body', body: '', field: '' },
      { rule: 'a body that is not an object', body: [threeGroup()], field: '' },
      { rule: 'a missing name', body: threeGroup({ name: undefined }), field: 'name' },
      { rule: 'a blank name', body: threeGroup({ name: '   ' }), field: 'name' },
      { rule: 'a missing revealAt', body: threeGroup({ revealAt: undefined }), field: 'revealAt' },
      { rule: 'a revealAt that is not a date', body: threeGroup({ revealAt: 'Christmas eve' }), field: 'revealAt' },
      { rule: 'a revealAt on a day that does not exist', body: threeGroup({ revealAt: '2026-02-30T18:00:00Z' }), field: 'revealAt' },
      { rule: 'a revealAt without a timezone', body: threeGroup({ revealAt: '2026-12-24T18:00:00' }), field: 'revealAt' },
      { rule: 'a revealAt given as a number', body: threeGroup({ revealAt: 1798135200000 }), field: 'revealAt' },
      { rule: 'no members', body: threeGroup({ members: [], assignments: [] }), field: 'members' },
      { rule: 'a member without a name', body: threeGroup({ members: [members[0], { id: 'bob' }, members[2]] }), field: 'members[1].name' },
      { rule: 'a member id over 128 characters', body: threeGroup({ members: [...members, { id: 'x'.repeat(129), name: 'Long' }] }), field: 'members[3].id' },
      { rule: 'a fractional member id', body: threeGroup({ members: [...members, { id: 1.5, name: 'Half' }] }), field: 'members[3].id' },
      // A lone surrogate cannot be stored as UTF-8: it would come back as another id, or name.
      { rule: 'a member id with a lone high surrogate', body: threeGroup({ members: [...members, { id: 'x\ud800', name: 'X' }] }), field: 'members[3].id' },
      { rule: 'a member id with a lone low surrogate', body: threeGroup({ members: [members[0], { id: '\udc00b', name: 'B' }, members[2]] }), field: 'members[1].id' },
      { rule: 'a member name with a lone surrogate', body: threeGroup({ members: [members[0], members[1], { id: 'cleo', name: 'Cleo\ud83c' }] }), field: 'members[2].name' },
      { rule: 'a group name with a lone surrogate', body: threeGroup({ name: '\udf85 Office' }), field: 'name' },
      { rule: 'an assignment id with a lone surrogate', body: threeGroup({ assignments: [{ santa: 'alice\ud800', giftee: 'bob' }] }), field: 'assignments[0].santa' },
      // An override or isolate in a name would reorder the widget's text around it.
      { rule: 'a member name with a right-to-left override', body: threeGroup({ members: [members[0], { id: 'bob', name: 'Bob\u202egnp.exe' }, members[2]] }), field: 'members[1].name' },
      { rule: 'a member name with a left-to-right isolate', body: threeGroup({ members: [{ id: 'alice', name: '\u2066Alice' }, members[1], members[2]] }), field: 'members[0].name' },
      { rule: 'a group name with a pop directional formatting', body: threeGroup({ name: 'Office\u202c' }), field: 'name' },
      {
        rule: 'a duplicate member id',
        body: threeGroup({ members: [...members, { id: 'bob', name: 'Other Bob' }] }),
        field: 'members[3].id',
      },
      { rule: 'missing assignments', body: threeGroup({ assignments: undefined }), field: 'assignments' },
      {
        rule: 'a giftee who is not a member',
        body: threeGroup({ assignments: [{ santa: 'alice', giftee: 'bob' }, { santa: 'bob', giftee: 'zoe' }] }),
        field: 'assignments[1].giftee',
      },
      {
        rule: 'a santa who is not a member',
        body: threeGroup({ assignments: [{ santa: 'zoe', giftee: 'bob' }] }),
        field: 'assignments[0].santa',
      },
      {
        rule: 'somebody who is their own santa',
        body: threeGroup({ assignments: [{ santa: 'alice', giftee: 'bob' }, { santa: 'cleo', giftee: 'cleo' }] }),
        field: 'assignments[1].giftee',
      },
      {
        rule: 'a member who is santa twice',
        body: threeGroup({
          assignments: [
            { santa: 'alice', giftee: 'bob' },
            { santa: 'bob', giftee: 'cleo' },
            { santa: 'alice', giftee: 'cleo' },
          ],
        }),
        field: 'assignments[2].santa',
      },
      {
        rule: 'a member who is giftee twice',
        body: threeGroup({
          assignments: [
            { santa: 'alice', giftee: 'bob' },
            { santa: 'bob', giftee: 'cleo' },
            { santa: 'cleo', giftee: 'bob' },
          ],
        }),
        field: 'assignments[2].giftee',
      },
      {
        rule: 'an assignment without a giftee',
        body: threeGroup({ assignments: [{ santa: 'alice' }] }),
        field: 'assignments[0].giftee',
      },
    ];
    for (const { rule, body, field } of invalidBodies) {
      it(`refuses ${rule} with 400 naming ${field === '' ? 'the body' : field}`, async () => {
        const groupId = `invalid-${invalidBodies.findIndex((entry) => entry.rule === rule)}`;
        assertError(await host.put(groupId, body), 400, 'BAD_REQUEST', field);
        assertError(await host.get(groupId), 404, 'NOT_FOUND');
      });
    }

    it('leaves the stored group unchanged when a replacement is refused', async () => {
      const original = await host.put<GroupResponse>('office-keep', threeGroup());
      assert.equal(original.status, 201);
      assertError(await host.put('office-keep', threeGroup({ assignments: [{ santa: 'alice', giftee: 'alice' }] })), 400, 'BAD_REQUEST', 'assignments[0].giftee');
      assert.deepEqual((await host.get('office-keep')).body, original.body);
    });
  });

  describe('GET /admin/groups/:groupId', () => {
    it('returns the stored group', async () => {
      const stored = await host.put<GroupResponse>('office-get', threeGroup());
      const fetched = await host.get<GroupResponse>('office-get');
      assert.equal(fetched.status, 200);
      assert.deepEqual(fetched.body, stored.body);
    });

    it('is 404 NOT_FOUND for an unknown group', async () => {
      assertError(await host.get('no-such-group'), 404, 'NOT_FOUND');
    });
  });

  describe('DELETE /admin/groups/:groupId', () => {
    it('erases the group: GET is 404 and its conversations are 403 for both sides', async () => {
      assert.equal((await host.put('office-delete', threeGroup())).status, 201);
      const alice = asParticipant(relay.url, relay.token('alice'));
      const bob = asParticipant(relay.url, relay.token('bob'));
      const opened = await alice.post<ConversationResponse>('/groups/office-delete/conversation', {});
      assert.equal(opened.status, 201, opened.text);
      const conversationId = opened.body.conversation.id;

      const deleted = await host.delete('office-delete');
      assert.equal(deleted.status, 200, deleted.text);
      assert.deepEqual(deleted.body, { success: true, deleted: true });

      assertError(await host.get('office-delete'), 404, 'NOT_FOUND');
      for (const participant of [alice, bob]) {
        assertError(await participant.get(`/conversations/${conversationId}/messages`), 403, 'FORBIDDEN');
        assertError(await participant.post('/groups/office-delete/conversation', { with: 'santa' }), 403, 'FORBIDDEN');
        const list = await participant.get<{ conversations: { id: string }[] }>('/conversations');
        assert.equal(list.status, 200);
        assert.ok(!list.body.conversations.some((conversation) => conversation.id === conversationId));
      }
    });

    it('is 404 NOT_FOUND for a group that does not exist (or no longer does)', async () => {
      assertError(await host.delete('never-existed'), 404, 'NOT_FOUND');
    });
  });

  describe('admin token', () => {
    const calls = (url: string) => [
      { name: 'PUT', init: { method: 'PUT', body: JSON.stringify(threeGroup()), headers: { 'content-type': 'application/json' } } },
      { name: 'GET', init: { method: 'GET' } },
      { name: 'DELETE', init: { method: 'DELETE' } },
    ].map(({ name, init }) => ({ name, url: `${url}/admin/groups/office-auth`, init }));

    it('is required: missing, wrong, another scheme or a participant token get 401 UNAUTHENTICATED', async () => {
      assert.equal((await host.put('office-auth', threeGroup())).status, 201);
      const badAuthorizations: (string | undefined)[] = [
        undefined,
        'Bearer',
        `Bearer ${TEST_ADMIN_TOKEN}x`,
        `Bearer ${TEST_ADMIN_TOKEN.slice(0, -1)}`,
        `Basic ${Buffer.from(`admin:${TEST_ADMIN_TOKEN}`).toString('base64')}`,
        TEST_ADMIN_TOKEN,
        `Bearer ${relay.token('alice')}`,
      ];
      for (const authorization of badAuthorizations) {
        for (const call of calls(relay.url)) {
          const headers = { ...(call.init.headers ?? {}), ...(authorization === undefined ? {} : { authorization }) };
          const result = await request(call.url, { ...call.init, headers });
          assertError(result, 401, 'UNAUTHENTICATED');
        }
      }
      // Nothing above changed or erased the group.
      assert.equal((await host.get('office-auth')).status, 200);
    });

    it('refuses before reading the body: a wrong token with a huge body is still 401', async () => {
      const result = await request(`${relay.url}/admin/groups/office-auth`, {
        method: 'PUT',
        headers: { authorization: 'Bearer wrong', 'content-type': 'application/json' },
        body: 'x'.repeat(2 * 1024 * 1024),
      });
      assertError(result, 401, 'UNAUTHENTICATED');
    });
  });

  describe('CORS', () => {
    it('puts no Access-Control-Allow-Origin on admin responses, even for an allowed origin', async () => {
      const origin = { origin: 'http://host.example' };
      const responses = [
        await host.put('office-cors', threeGroup(), origin),
        await host.get('office-cors', origin),
        await host.get('office-cors-missing', origin),
        await request(`${relay.url}/admin/groups/office-cors`, { headers: origin }),
        await request(`${relay.url}/admin/groups/office-cors`, {
          method: 'OPTIONS',
          headers: { ...origin, 'access-control-request-method': 'PUT', 'access-control-request-headers': 'authorization' },
        }),
        await host.delete('office-cors', origin),
      ];
      assert.deepEqual(
        responses.map((response) => response.status),
        [201, 200, 404, 401, 401, 200],
      );
      for (const response of responses) {
        assert.equal(response.headers.get('access-control-allow-origin'), null);
        assert.equal(response.headers.get('access-control-allow-credentials'), null);
      }
    });
  });
});

describe('admin API without SANTA_CHAT_ADMIN_TOKEN', () => {
  let relay: TestApp;

  before(async () => {
    relay = await createTestApp({ adminToken: undefined });
  });
  after(() => relay.stop());

  it('does not exist: every admin route is 404 NOT_FOUND, whatever the token', async () => {
    const url = `${relay.url}/admin/groups/office`;
    for (const authorization of [`Bearer ${TEST_ADMIN_TOKEN}`, 'Bearer ', undefined]) {
      const headers: Record<string, string> = authorization === undefined ? {} : { authorization };
      const put = { method: 'PUT', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(threeGroup()) };
      assertError(await request(url, put), 404, 'NOT_FOUND');
      assertError(await request(url, { headers }), 404, 'NOT_FOUND');
      assertError(await request(url, { method: 'DELETE', headers }), 404, 'NOT_FOUND');
    }
  });

  it('still serves the participant API', async () => {
    const list = await asParticipant(relay.url, relay.token('alice')).get('/conversations');
    assert.equal(list.status, 200, list.text);
    assert.deepEqual(list.body, { success: true, conversations: [], unreadTotal: 0 });
  });
});
