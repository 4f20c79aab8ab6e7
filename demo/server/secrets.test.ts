import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../server/src/config.js';
import { loadDemoConfig } from './config.js';
import { DemoSecretsError, loadDemoSecrets } from './secrets.js';

describe('demo secrets', () => {
  let directory: string;

  before(async () => {
    directory = await mkdtemp(join(tmpdir(), 'santa-chat-demo-secrets-'));
  });

  after(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('generates both on first use, keeps them in a 0600 file, and reads them back', () => {
    const path = join(directory, 'first', 'demo-secrets.json');
    const first = loadDemoSecrets(path, {});
    assert.ok(first.jwtSecret.length >= 40 && first.adminToken.length >= 40);
    assert.notEqual(first.jwtSecret, first.adminToken);
    assert.match(first.webhookSecret, /^whsec_[A-Za-z0-9+/]{43}=$/);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.deepEqual(loadDemoSecrets(path, {}), first);
  });

  it('lets the environment win and never writes its values down', () => {
    const path = join(directory, 'env', 'demo-secrets.json');
    const secrets = loadDemoSecrets(path, { jwtSecret: 'from-the-environment-0123456789' });
    assert.equal(secrets.jwtSecret, 'from-the-environment-0123456789');
    assert.ok(!readFileSync(path, 'utf8').includes('from-the-environment'));
    const fromEnvironment = loadDemoSecrets(path, { jwtSecret: 'a', adminToken: 'b' });
    assert.deepEqual({ ...fromEnvironment, webhookSecret: 'made' }, { jwtSecret: 'a', adminToken: 'b', webhookSecret: 'made' });
    assert.match(fromEnvironment.webhookSecret, /^whsec_/);
    const all = { jwtSecret: 'a', adminToken: 'b', webhookSecret: `whsec_${'c'.repeat(43)}=` };
    assert.deepEqual(loadDemoSecrets(path, all), all);
  });

  it('refuses a damaged file with a sentence that says what to do', () => {
    const path = join(directory, 'damaged.json');
    writeFileSync(path, '{ not json');
    assert.throws(() => loadDemoSecrets(path, {}), (error: unknown) => error instanceof DemoSecretsError && /delete it/.test(error.message));
  });
});

describe('loadDemoConfig', () => {
  let directory: string;

  before(async () => {
    directory = await mkdtemp(join(tmpdir(), 'santa-chat-demo-config-'));
  });

  after(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('needs no secrets, keeps its database and secrets in the data folder, and logs quietly', () => {
    const config = loadDemoConfig({ SANTA_CHAT_DATA_DIR: directory });
    assert.equal(config.dataDir, directory);
    assert.equal(config.databaseUrl, `sqlite:${join(directory, 'demo.db')}`);
    assert.ok(config.adminToken, 'the admin API is on: the demo drives its group through it');
    assert.equal(config.logLevel, 'warn');
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.allowedOrigins, undefined, "only the relay's own origin");
    assert.equal(loadDemoConfig({ SANTA_CHAT_DATA_DIR: directory }).jwtSecret, config.jwtSecret);
  });

  it('defaults to ./data', () => {
    const config = loadDemoConfig({ SANTA_CHAT_JWT_SECRET: 'x'.repeat(32), SANTA_CHAT_ADMIN_TOKEN: 'y'.repeat(32) });
    assert.equal(config.databaseUrl, 'sqlite:data/demo.db');
  });

  it('leaves the relay itself without demo defaults: it still needs its secrets', () => {
    assert.throws(() => loadConfig({}), (error: unknown) => error instanceof ConfigError && /SANTA_CHAT_JWT_SECRET is not set/.test(error.message));
    assert.equal(loadConfig({ SANTA_CHAT_JWT_SECRET: 'x'.repeat(32) }).adminToken, undefined);
  });
});
