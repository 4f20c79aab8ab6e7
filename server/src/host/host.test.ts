/**
 * `santa-chat-relay/host`: the admin client against the relay's app through `app.request()`
 * (its `fetch` option), registering, reading and erasing a group, a refusal carrying the
 * relay's code and field; and a token it mints against a real relay on port 0, because the
 * token must open a real socket as well as the participant API.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TestClient } from '../../../test/helpers/client.js';
import { request } from '../../../test/helpers/http.js';
import { startTestRelay, TEST_ADMIN_TOKEN, TEST_SECRET, type TestRelay } from '../../../test/helpers/relay.js';
import { createTestApp, TEST_APP_ADMIN_TOKEN, type TestApp } from '../app.test-support.js';
import { AdminApiError, createAdminClient, mintParticipantToken } from './index.js';

const group = {
  name: 'Office 2026',
  revealAt: new Date(Date.now() + 7 * 86_400_000),
  members: [
    { id: 'alice', name: 'Alice' },
    { id: 'bob', name: 'Bob' },
    { id: 3, name: 'Cleo' },
  ],
  assignments: [
    { santa: 'alice', giftee: 'bob' },
    { santa: 'bob', giftee: 3 },
    { santa: 3, giftee: 'alice' },
  ],
};

describe('the host helper’s admin client', () => {
  let relay: TestApp;
  before(async () => {
    relay = await createTestApp();
  });
  after(() => relay.stop());

  /** The admin client as a host builds it, its requests answered by the app in memory. */
  function adminClient(url: string, adminToken: string) {
    return createAdminClient({ url, adminToken, fetch: (input, init) => Promise.resolve(relay.app.request(input, init)) });
  }

  it('registers, replaces, reads and erases a group', async () => {
    const admin = adminClient(`${relay.url}/`, TEST_APP_ADMIN_TOKEN);
    const first = await admin.putGroup('office', group);
    assert.equal(first.created, true);
    assert.equal(first.group.revealAt, group.revealAt.toISOString());
    assert.deepEqual(first.group.members[2], { id: '3', name: 'Cleo' }, 'integer ids come back as strings');
    assert.equal((await admin.putGroup('office', { ...group, name: 'Renamed' })).created, false);
    assert.equal((await admin.getGroup('office'))?.name, 'Renamed');
    assert.equal(await admin.getGroup('nobody'), null);
    assert.equal(await admin.deleteGroup('office'), true);
    assert.equal(await admin.deleteGroup('office'), false);
  });

  it('throws the relay’s code and field on a refusal, and says when the relay is not reached', async () => {
    const admin = adminClient(relay.url, TEST_APP_ADMIN_TOKEN);
    const selfGift = { ...group, assignments: [{ santa: 'alice', giftee: 'alice' }] };
    await assert.rejects(admin.putGroup('office', selfGift), (error: unknown) => {
      assert.ok(error instanceof AdminApiError);
      assert.equal(error.status, 400);
      assert.equal(error.code, 'BAD_REQUEST');
      assert.equal(error.field, 'assignments[0].giftee');
      return true;
    });
    const wrongToken = adminClient(relay.url, 'not-the-token');
    await assert.rejects(wrongToken.getGroup('office'), (error: unknown) => error instanceof AdminApiError && error.code === 'UNAUTHENTICATED');
    // Not through the app: a relay that is not reached, over the real network.
    const nowhere = createAdminClient({ url: 'http://127.0.0.1:9', adminToken: TEST_APP_ADMIN_TOKEN });
    await assert.rejects(nowhere.getGroup('office'), (error: unknown) => error instanceof AdminApiError && error.code === 'NETWORK');
  });
});

describe('the host helper’s tokens', () => {
  let relay: TestRelay;
  before(async () => {
    relay = await startTestRelay();
  });
  after(() => relay.stop());

  it('mints tokens the relay accepts, on the socket and over HTTP', async () => {
    await createAdminClient({ url: relay.url, adminToken: TEST_ADMIN_TOKEN }).putGroup('office', group);
    const token = mintParticipantToken('bob', { secret: TEST_SECRET, expiresInSeconds: 600 });
    const { client, ready } = await TestClient.ready(relay.wsUrl, token);
    assert.equal(ready.userId, 'bob');
    await client.close();
    const listed = await request(`${relay.url}/conversations`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(listed.status, 200);
    const expired = mintParticipantToken('bob', { secret: TEST_SECRET, now: Date.now() - 7200_000, expiresInSeconds: 60 });
    assert.equal((await request(`${relay.url}/conversations`, { headers: { authorization: `Bearer ${expired}` } })).status, 401);
  });

  it('refuses what the relay would refuse, before sending anything', () => {
    assert.throws(() => mintParticipantToken('bob', { secret: 'short' }), /at least 32 bytes/);
    assert.throws(() => mintParticipantToken(' ', { secret: TEST_SECRET }), /must not be empty/);
    assert.throws(() => mintParticipantToken('bob', { secret: TEST_SECRET, expiresInSeconds: 0 }), /positive integer/);
  });
});
