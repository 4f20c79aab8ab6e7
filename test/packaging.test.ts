/**
 * The two packages as their users get them (docs/decisions/0014-two-packages.md): `santa-chat`
 * (the widget) installs into a scratch project with no server package, and `santa-chat-relay`
 * ships compiled JavaScript with a bin that serves the widget, stores messages through its
 * writer thread and stops gracefully on SIGTERM. Run after `npm run build` (npm test does).
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { TestClient } from './helpers/client.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);
const SECRET = 'packaging-secret-with-enough-entropy-0123456789';
const ADMIN = 'packaging-admin-token-0123456789';

interface PackedFile {
  path: string;
}

async function packedFiles(workspace: string): Promise<string[]> {
  const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts', '-w', workspace], { cwd: ROOT });
  const [report] = JSON.parse(stdout) as [{ files: PackedFile[] }];
  return report.files.map((file) => file.path).sort();
}

function manifest(workspace: string): { scripts?: Record<string, string>; dependencies?: Record<string, string> } {
  return JSON.parse(readFileSync(join(ROOT, workspace, 'package.json'), 'utf8'));
}

const SERVER_PACKAGES = ['better-sqlite3', 'hono', '@hono/node-server', 'pg', 'ioredis', 'ws', 'pino', 'prom-client', 'zod', 'tsx', 'esbuild'];

describe('the santa-chat package (the widget)', () => {
  let scratch: string;
  before(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'santa-chat-pack-'));
  });
  after(() => rm(scratch, { recursive: true, force: true }));

  it('ships its builds with source maps, types and the manifest, and no test support', async () => {
    const files = await packedFiles('widget');
    for (const expected of [
      'dist/santa-chat.js',
      'dist/santa-chat.js.map',
      'dist/santa-chat.iife.js',
      'dist/index.js',
      'dist/index.js.map',
      'dist/custom-elements.json',
      'dist/types/widget/src/santa-chat.d.ts',
      'package.json',
    ]) {
      assert.ok(files.includes(expected), `${expected} is not in the package: ${files.join(', ')}`);
    }
    assert.deepEqual(files.filter((file) => /test|\.ts$/.test(file) && !file.endsWith('.d.ts')), []);
    assert.equal(manifest('widget').scripts?.prepack, 'npm run build', 'npm pack builds dist/ first');
  });

  it('installs into a scratch project alone: no dependency, nothing of the relay', async () => {
    const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--pack-destination', scratch, '-w', 'widget'], { cwd: ROOT });
    const tarball = join(scratch, stdout.trim().split('\n').at(-1) ?? '');
    assert.ok(existsSync(tarball), `npm pack wrote ${tarball}`);
    const project = join(scratch, 'host-site');
    await run('mkdir', ['-p', project]);
    await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'host-site', private: true, type: 'module' }));
    await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', tarball], { cwd: project, timeout: 120_000 });
    const installed = readdirSync(join(project, 'node_modules')).flatMap((name) =>
      name.startsWith('@') ? readdirSync(join(project, 'node_modules', name)).map((inner) => `${name}/${inner}`) : [name],
    ).filter((name) => !name.startsWith('.'));
    // The element has a base class of its own (base/reactive-base.ts) and its panel a template
    // engine of its own (base/html.ts): nothing of Lit, or of anything else, comes along.
    for (const serverPackage of SERVER_PACKAGES) assert.ok(!installed.includes(serverPackage), `${serverPackage} came with the widget`);
    assert.deepEqual(installed, ['santa-chat']);
    assert.equal(manifest('widget').dependencies, undefined, 'the widget package has no dependencies');
    const entry = JSON.parse(readFileSync(join(project, 'node_modules/santa-chat/package.json'), 'utf8')) as { exports: Record<string, unknown> };
    assert.ok(entry.exports['.'] && entry.exports['./santa-chat.js']);
  });

  it('types <santa-chat> in a React 19 TSX file of that project, from the package alone', { timeout: 120_000 }, async () => {
    const project = join(scratch, 'host-site');
    assert.ok(existsSync(join(project, 'node_modules/santa-chat')), 'the install above ran');
    // React's types as a React site has them (from this repository's dependencies, so offline).
    await run('cp', ['-r', join(ROOT, 'node_modules/@types'), join(project, 'node_modules/')]);
    await writeFile(
      join(project, 'app.tsx'),
      [
        "import type {} from 'santa-chat/react';",
        "import type { SantaChat } from 'santa-chat';",
        'export function Inbox({ token }: { token: string }) {',
        '  return (',
        '    <santa-chat',
        '      server="https://chat.example.org"',
        '      token={token}',
        '      group-id="office-2026"',
        '      mode="inline"',
        '      theme="auto"',
        '      ref={(element: SantaChat | null) => element?.show()}',
        "      onsanta-chat-message={(event) => console.log(event.detail.conversationId, event.detail.message.content)}",
        '      onsanta-chat-error={(event) => console.warn(event.detail.code)}',
        '    />',
        '  );',
        '}',
        '',
      ].join('\n'),
    );
    await writeFile(join(project, 'bad.tsx'), "import type {} from 'santa-chat/react';\nexport const Bad = () => <santa-chat mode=\"sideways\" />;\n");
    const tsconfig = (file: string) => ({
      compilerOptions: { strict: true, noEmit: true, jsx: 'react-jsx', target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler', lib: ['ES2023', 'DOM', 'DOM.Iterable'], types: ['react'], skipLibCheck: true },
      files: [file],
    });
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
    await writeFile(join(project, 'tsconfig.json'), JSON.stringify(tsconfig('app.tsx')));
    await run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: project });
    await writeFile(join(project, 'tsconfig.bad.json'), JSON.stringify(tsconfig('bad.tsx')));
    await assert.rejects(
      run(process.execPath, [tsc, '-p', 'tsconfig.bad.json'], { cwd: project }),
      (error: { stdout?: string }) => /bad\.tsx.*sideways/s.test(error.stdout ?? ''),
      'a wrong mode does not type-check',
    );
  });
});

describe('the santa-chat-relay package', () => {
  it('ships compiled JavaScript, its bin and the host helper’s types, and no tests, test support or demo', async () => {
    const files = await packedFiles('server');
    for (const expected of ['bin/santa-chat-relay.js', 'dist/server/src/main.js', 'dist/server/src/store/sqlite/writer-worker.js', 'dist/server/src/host/index.js', 'dist/server/src/host/index.d.ts', 'dist/protocol/index.js']) {
      assert.ok(files.includes(expected), `${expected} is not in the package`);
    }
    assert.deepEqual(files.filter((file) => /\.test\.|test-support|demo\/|conformance|\.ts$/.test(file) && !file.endsWith('.d.ts')), []);
    const { dependencies = {} } = manifest('server');
    for (const tool of ['tsx', 'typescript', 'rollup', 'esbuild']) assert.ok(!(tool in dependencies), `${tool} is a runtime dependency`);
    assert.equal(manifest('server').scripts?.prepack, 'npm run build');
  });

  it('its bin serves the widget, stores a message, and stops gracefully on SIGTERM', { timeout: 30_000 }, async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'santa-chat-bin-'));
    const relay = spawn(process.execPath, [join(ROOT, 'server/bin/santa-chat-relay.js')], {
      env: { PATH: process.env.PATH ?? '', SANTA_CHAT_JWT_SECRET: SECRET, SANTA_CHAT_ADMIN_TOKEN: ADMIN, DATABASE_URL: `sqlite:${join(dataDir, 'relay.db')}`, PORT: '0', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    relay.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    try {
      const [first] = (await once(relay.stdout, 'data')) as [Buffer];
      const url = /listening on (http:\/\/\S+)/.exec(first.toString())?.[1];
      assert.ok(url, first.toString());
      const bundle = await fetch(`${url}/santa-chat.js`);
      assert.equal(bundle.status, 200);
      assert.match(bundle.headers.get('content-type') ?? '', /javascript/);

      // The host helper, as compiled into the package.
      const host = (await import(join(ROOT, 'server/dist/server/src/host/index.js'))) as typeof import('../server/src/host/index.js');
      const admin = host.createAdminClient({ url, adminToken: ADMIN });
      await admin.putGroup('office', {
        name: 'Office',
        revealAt: new Date(Date.now() + 86_400_000),
        members: [{ id: 'a', name: 'A' }, { id: 'b', name: 'B' }],
        assignments: [{ santa: 'a', giftee: 'b' }, { santa: 'b', giftee: 'a' }],
      });
      const token = host.mintParticipantToken('a', { secret: SECRET });
      const opened = await fetch(`${url}/groups/office/conversation`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ with: 'giftee' }),
      });
      const { conversation } = (await opened.json()) as { conversation: { id: string } };
      const { client } = await TestClient.ready(`${url.replace('http', 'ws')}/ws`, token);
      client.send({ type: 'NEW_MESSAGE', conversationId: conversation.id, content: 'stored by the compiled writer thread', clientId: 'k1' });
      const ack = await client.next('ACK');
      assert.equal(ack.seq, 1);
      await client.close();

      relay.kill('SIGTERM');
      const [code] = (await once(relay, 'exit')) as [number | null];
      assert.equal(code, 0);
      assert.match(stdout, /SIGTERM: shutting down/);
    } finally {
      if (relay.exitCode === null) relay.kill('SIGKILL');
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
