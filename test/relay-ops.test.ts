/**
 * What only a listening relay can show of its HTTP surface: a request Node's parser refuses
 * never reaches the app, so the listener answers it. The routes themselves (`/healthz`,
 * `/metrics`, the widget bundle, JSON 404s) are tested through `app.request()` in
 * `server/src/app.test.ts`.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startTestRelay, type TestRelay } from './helpers/relay.js';

describe('the relay\'s listener', () => {
  let relay: TestRelay;

  before(async () => {
    relay = await startTestRelay();
  });
  after(() => relay.stop());

  // Needs the socket: a bad Host or path is refused by Node's HTTP parser, before the app.
  it('answers a request Node cannot even read (bad Host, bad path) 400 BAD_REQUEST with the JSON body', async () => {
    const { port } = new URL(relay.url);
    const raw = (head: string): Promise<string> =>
      new Promise((resolve, reject) => {
        const socket = connect(Number(port), '127.0.0.1', () => socket.end(`${head}\r\nConnection: close\r\n\r\n`));
        let answer = '';
        socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
        socket.on('close', () => resolve(answer));
        socket.on('error', reject);
      });
    for (const head of ['GET /healthz HTTP/1.1\r\nHost: exa mple', 'GET /\\\\evil HTTP/1.1\r\nHost: 127.0.0.1']) {
      const [status, body] = (await raw(head)).split('\r\n\r\n');
      assert.match(status ?? '', /^HTTP\/1\.1 400 /, head);
      assert.equal((JSON.parse(body ?? '') as { error: { code: string } }).error.code, 'BAD_REQUEST', head);
    }
    // The control: the same connection handling serves a well-formed request.
    assert.match(await raw('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1'), /^HTTP\/1\.1 200 /);
  });
});
