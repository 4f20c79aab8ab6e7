/** messageMatch and loadOlder over the participant HTTP API (with a recorded fetch). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SantaChatClient, type SantaChatClientOptions } from './client.js';
import { ChatClientError } from './errors.js';
import { conversation, fakeNetwork, message, tokenFor } from './client.test-support.js';

type Call = { url: string; method: string; headers: Record<string, string>; body: unknown };

function setup(answers: Array<{ status: number; body: unknown }>, options: Partial<SantaChatClientOptions> = {}) {
  const calls: Call[] = [];
  const fetchDouble = (async (input: string | URL | Request, init?: RequestInit) => {
    calls.push({
      url: String(input),
      method: init?.method ?? 'GET',
      headers: Object.fromEntries(new Headers(init?.headers).entries()),
      body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
    });
    const answer = answers.shift();
    if (!answer) throw new TypeError('fetch failed');
    return new Response(JSON.stringify(answer.body), { status: answer.status, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  const token = tokenFor('alice');
  const client = new SantaChatClient({ server: 'https://relay.example/', token, WebSocket: fakeNetwork().WebSocket, fetch: fetchDouble, storage: 'memory', ...options });
  return { client, calls, token };
}

describe('SantaChatClient HTTP', () => {
  it('messageMatch POSTs to /groups/:id/conversation with the bearer token and merges the conversation', async () => {
    const c1 = conversation('c1', { unread: 1 });
    const { client, calls, token } = setup([{ status: 201, body: { success: true, conversation: c1 } }]);
    const conversations: string[][] = [];
    client.on('conversations', (detail) => conversations.push(detail.conversations.map((c) => c.id)));
    const result = await client.messageMatch('office 2026', 'santa');
    assert.deepEqual(result, c1);
    assert.deepEqual(calls, [
      {
        url: 'https://relay.example/groups/office%202026/conversation',
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: { with: 'santa' },
      },
    ]);
    assert.deepEqual(client.conversations.map((c) => c.id), ['c1']);
    assert.deepEqual(client.unread, { total: 1, byConversation: { c1: 1 } });
    assert.deepEqual(conversations, [['c1']]);
  });

  it('messageMatch rejects with the relay\'s code and status', async () => {
    const { client } = setup([{ status: 409, body: { success: false, error: { code: 'NO_MATCH', message: 'No raffle yet.' } } }]);
    await assert.rejects(client.messageMatch('office'), (error: unknown) => {
      assert.ok(error instanceof ChatClientError);
      assert.equal(error.code, 'NO_MATCH');
      assert.equal(error.status, 409);
      assert.equal(error.message, 'No raffle yet.');
      return true;
    });
  });

  it('an unreadable answer or no answer at all still rejects with a code', async () => {
    const { client } = setup([{ status: 502, body: '<html>' }, { status: 200, body: { success: true } }]);
    await assert.rejects(client.messageMatch('office'), { code: 'INTERNAL', status: 502 });
    await assert.rejects(client.messageMatch('office'), { code: 'INTERNAL', status: 200 });
    await assert.rejects(client.messageMatch('office'), { code: 'NETWORK' });
  });

  it('a 401 asks the tokenProvider once and tries again', async () => {
    const fresh = tokenFor('alice', 7200);
    const { client, calls } = setup(
      [
        { status: 401, body: { success: false, error: { code: 'UNAUTHENTICATED', message: 'Expired.' } } },
        { status: 200, body: { success: true, conversation: conversation('c1') } },
      ],
      { tokenProvider: async () => fresh },
    );
    await client.messageMatch('office');
    assert.equal(calls[1]?.headers['authorization'], `Bearer ${fresh}`);
  });

  it('loadOlder fetches the page before the lowest seq held and reports hasMore', async () => {
    const { client, calls } = setup([
      { status: 200, body: { success: true, messages: [51, 52].map((seq) => message('c1', seq, 'bob')), hasMore: true } },
      { status: 200, body: { success: true, messages: [49, 50].map((seq) => message('c1', seq, 'bob')), hasMore: false } },
    ]);
    assert.equal(await client.loadOlder('c1'), true);
    assert.equal(calls[0]?.url, 'https://relay.example/conversations/c1/messages?limit=50');
    assert.equal(await client.loadOlder('c1'), false);
    assert.equal(calls[1]?.url, 'https://relay.example/conversations/c1/messages?before=51&limit=50');
    assert.deepEqual(client.messages('c1').map((m) => (m.status === 'sent' ? m.seq : 0)), [49, 50, 51, 52]);
  });

  it('loadOlder makes no request when seq 1 is held', async () => {
    const { client, calls } = setup([{ status: 200, body: { success: true, messages: [message('c1', 1, 'bob')], hasMore: false } }]);
    await client.loadOlder('c1');
    assert.equal(await client.loadOlder('c1'), false);
    assert.equal(calls.length, 1);
  });
});
