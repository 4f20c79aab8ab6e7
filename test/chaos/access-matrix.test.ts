/**
 * Issue #7, the access matrix: two groups of participants and one outsider. Every participant
 * tries every conversation and group they are not in, over HTTP and over WebSocket (SYNC,
 * NEW_MESSAGE, READ, TYPING), and every admin route with their own token. Not one succeeds,
 * and nothing of it reaches anybody.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import type { TestClient } from '../helpers/client.js';
import { asParticipant, request } from '../helpers/http.js';
import { pingPong, withRelay } from '../helpers/ws-harness.js';

const OFFICE = ['alice', 'bob', 'cleo'];
const FAMILY = ['dora', 'ed', 'fay'];
const OUTSIDER = 'mallory';

/** A group whose members give in a circle: each is the santa of the next. */
function circle(name: string, members: string[]) {
  return {
    name,
    revealAt: new Date(Date.now() + 7 * 24 * 3600 * 1000).toISOString(),
    members: members.map((id) => ({ id, name: id.toUpperCase() })),
    assignments: members.map((santa, index) => ({ santa, giftee: members[(index + 1) % members.length] })),
  };
}

describe('access matrix', () => {
  test("no participant reaches a conversation, group or admin route that is not theirs, over HTTP or WebSocket", async () => {
    await withRelay({ limits: { httpRequestsPerMinute: 10_000 } }, async (harness) => {
      const groups = { office: OFFICE, family: FAMILY };
      const conversations: { id: string; participants: string[] }[] = [];
      for (const [groupId, members] of Object.entries(groups)) {
        assert.equal((await harness.relay.putGroup(groupId, circle(groupId, members))).status, 201);
        for (const [index, santa] of members.entries()) {
          const { conversation } = await harness.openConversation(santa, 'giftee', groupId);
          conversations.push({ id: conversation.id, participants: [santa, members[(index + 1) % members.length] ?? ''] });
        }
      }
      const users = [...OFFICE, ...FAMILY, OUTSIDER];
      const sockets = new Map<string, TestClient>();
      for (const user of users) sockets.set(user, (await harness.ready(user)).client);

      let attempts = 0;
      const successes: string[] = [];
      const attempt = (what: string, refused: boolean): void => {
        attempts += 1;
        if (!refused) successes.push(what);
      };

      for (const user of users) {
        const http = asParticipant(harness.relay.url, harness.relay.token(user));
        const socket = sockets.get(user) as TestClient;
        for (const conversation of conversations.filter(({ participants }) => !participants.includes(user))) {
          const history = await http.get(`/conversations/${conversation.id}/messages`);
          attempt(`${user} GET history of ${conversation.id} (${history.status})`, history.status === 403);
          for (const frame of foreignFrames(conversation.id)) {
            socket.send(frame);
            const error = await socket.next('ERROR', (answer) => answer.conversationId === conversation.id).catch(() => null);
            attempt(`${user} ${frame.type} in ${conversation.id} (${error?.code ?? 'not refused'})`, error?.code === 'FORBIDDEN');
          }
        }
        for (const [groupId, members] of Object.entries(groups)) {
          if (members.includes(user)) continue;
          for (const role of ['giftee', 'santa']) {
            const opened = await http.post(`/groups/${groupId}/conversation`, { with: role });
            attempt(`${user} POST ${groupId} conversation with ${role} (${opened.status})`, opened.status === 403);
          }
        }
        for (const groupId of Object.keys(groups)) {
          for (const method of ['PUT', 'GET', 'DELETE']) {
            const admin = await request(`${harness.relay.url}/admin/groups/${groupId}`, {
              method,
              headers: { authorization: `Bearer ${harness.relay.token(user)}`, 'content-type': 'application/json' },
              ...(method === 'PUT' ? { body: JSON.stringify(circle('taken over', [user, 'accomplice'])) } : {}),
            });
            attempt(`${user} ${method} /admin/groups/${groupId} (${admin.status})`, admin.status === 401);
          }
        }
        // The list shows only the caller's own conversations.
        const listed = (await http.get<{ conversations: { id: string }[] }>('/conversations')).body.conversations.map(({ id }) => id);
        const own = conversations.filter(({ participants }) => participants.includes(user)).map(({ id }) => id);
        assert.deepEqual([...listed].sort(), [...own].sort(), `${user}'s conversation list`);
      }

      assert.deepEqual(successes, []);
      // Each group member is outside 4 of the 6 conversations and 1 of the 2 groups; the outsider outside all.
      const foreignConversations = 6 * 4 + 6;
      const expected = foreignConversations * (1 + 4) + (6 * 1 + 2) * 2 + users.length * 2 * 3;
      assert.equal(attempts, expected);
      assert.equal(attempts, 208);

      // Nothing of it reached anybody, and nothing was stored.
      for (const socket of sockets.values()) await pingPong(socket);
      for (const [user, socket] of sockets) {
        for (const type of ['NEW_MESSAGE', 'TYPING', 'READ', 'CONVERSATION'] as const) {
          assert.deepEqual(socket.all(type), [], `${user} received ${type}`);
        }
      }
      for (const conversation of conversations) {
        assert.deepEqual(await harness.history(conversation.participants[0] ?? '', conversation.id), []);
      }
      assert.equal((await harness.relay.putGroup('office', circle('office', OFFICE))).status, 200, 'the office group is still there');
    });
  });
});

function foreignFrames(conversationId: string) {
  return [
    { type: 'SYNC', conversationId, after: 0 },
    { type: 'NEW_MESSAGE', conversationId, content: 'let me in', clientId: randomUUID() },
    { type: 'READ', conversationId, upTo: 1 },
    { type: 'TYPING', conversationId },
  ] as const;
}
