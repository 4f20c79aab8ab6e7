/**
 * The docs stay true to the code: figures that go stale (the bundle's size, its budget) are
 * checked against the build, every relative link resolves, and every variable the relay
 * reads is documented (and nothing documented is unread). Needs `npm run build` (npm test).
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');
const DOCS = ['README.md', 'CONTRIBUTING.md', 'bench/RESULTS.md', ...readdirSync(join(ROOT, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];

describe('the docs', () => {
  it('state the bundle size the build produces, and the budgets the build enforces', () => {
    const gzipKb = (path: string): number => gzipSync(readFileSync(join(ROOT, 'widget/dist', path)), { level: 9 }).length / 1024;
    const eagerKb = gzipKb('santa-chat.js');
    const panel = /\.\/(chunks\/panel-[\w-]+\.js)/.exec(read('widget/dist/santa-chat.js'));
    assert.ok(panel, 'santa-chat.js imports its panel chunk');
    const totalKb = eagerKb + gzipKb(panel[1] as string);
    const stated = /about (\d+(?:\.\d)?) KB gzipped before the panel opens, (\d+(?:\.\d)?) KB\swith it/.exec(read('README.md'));
    assert.ok(stated, 'the README states the widget’s size as "about N KB gzipped before the panel opens, M KB with it"');
    assert.ok(Math.abs(Number(stated[1]) - eagerKb) <= 0.5, `the README says about ${stated[1]} KB; the build is ${eagerKb.toFixed(2)} KB`);
    assert.ok(Math.abs(Number(stated[2]) - totalKb) <= 0.5, `the README says ${stated[2]} KB with the panel; the build is ${totalKb.toFixed(2)} KB`);
    const config = read('rollup.config.mjs');
    const eager = /const EAGER_GZIP_BUDGET_BYTES = (\d+) \* 1024;/.exec(config);
    const total = /const TOTAL_GZIP_BUDGET_BYTES = (\d+) \* 1024;/.exec(config);
    assert.ok(eager && total);
    assert.match(read('docs/embedding.md'), new RegExp(`fails past ${eager[1]} KB gzipped for what loads before the panel opens \\(${stated[1]} KB today\\) and past\\s+${total[1]} KB for the widget together \\(${stated[2]} KB today\\)`));
  });

  it('link only to files that exist', () => {
    for (const doc of DOCS) {
      for (const match of read(doc).matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
        const target = match[1] as string;
        if (/^[a-z]+:/.test(target)) continue;
        assert.ok(existsSync(join(ROOT, dirname(doc), target)), `${doc} links to ${target}, which does not exist`);
      }
    }
  });

  it('document every variable the relay reads, and only those', () => {
    const sources = ['server/src/config.ts', 'server/src/core/logger.ts'].map(read).join('\n');
    const read_ = new Set(
      [...sources.matchAll(/(?:'|env\.)((?:SANTA_CHAT_|DATABASE_URL|REDIS_URL|PORT|HOST|LOG_LEVEL)[A-Z_]*)/g)].map((match) => match[1] as string),
    );
    const operating = read('docs/operating.md');
    const documented = new Set([...operating.matchAll(/`((?:SANTA_CHAT_|DATABASE_URL|REDIS_URL|LOG_LEVEL)[A-Z_]*)`/g)].map((match) => match[1] as string));
    for (const name of read_) {
      if (name === 'PORT' || name === 'HOST') continue;
      assert.ok(documented.has(name), `${name} is read by the relay but not in docs/operating.md`);
    }
    for (const name of documented) {
      if (name.startsWith('SANTA_CHAT_TEST_') || name === 'SANTA_CHAT_SKIP_SERVICES') continue;
      assert.ok(read_.has(name), `docs/operating.md documents ${name}, which the relay does not read`);
    }
  });
});
