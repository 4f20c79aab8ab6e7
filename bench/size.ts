/**
 * `npm run bench:size`: the minified, gzip (level 9, as the build reports it) and brotli
 * (quality 11) sizes of the script-tag build against its budgets (issue #14,
 * docs/decisions/0016-lazy-panel.md): what a host page loads before the panel opens
 * (dist/santa-chat.js) at most 16 KB gzipped, and the widget together (that and the panel's
 * chunk, dist/chunks/panel-*.js) at most 24 KB; the locales (one loads, for `lang`) and the
 * IIFE (whole: a classic script cannot load chunks) are listed, not budgeted. KB here is
 * 1,024 bytes, as in the build's report. Builds first when the bundle is missing, or with
 * `--build`. Prints a table and writes bench/results/size-<date>.json.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { machineInfo, machineLoad } from './lib/machine.js';
import { table, writeResult } from './lib/results.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const KB = 1024;
const EAGER_GZIP = 16 * KB;
const TOTAL_GZIP = 24 * KB;
const EAGER = 'widget/dist/santa-chat.js';

/** The script-tag module, its panel chunk(s), the locales and the IIFE, as built. */
function bundles(): string[] {
  const inFolder = (folder: string) =>
    existsSync(`${ROOT}widget/dist/${folder}`)
      ? readdirSync(`${ROOT}widget/dist/${folder}`).filter((name) => name.endsWith('.js')).sort().map((name) => `widget/dist/${folder}/${name}`)
      : [];
  return [EAGER, ...inFolder('chunks'), ...inFolder('locales'), 'widget/dist/santa-chat.iife.js'].filter((path) => existsSync(`${ROOT}${path}`));
}

function build(): void {
  process.stderr.write('building the widget (rollup -c)…\n');
  const result = spawnSync(process.execPath, ['node_modules/rollup/dist/bin/rollup', '-c'], { cwd: ROOT, stdio: ['ignore', 2, 2], timeout: 300_000 });
  if (result.status !== 0) throw new Error(`the build failed (${result.status ?? result.signal})`);
}

async function measure(path: string) {
  const code = await readFile(`${ROOT}${path}`);
  return {
    file: path,
    builtAt: (await stat(`${ROOT}${path}`)).mtime.toISOString(),
    minified: code.length,
    gzip: gzipSync(code, { level: 9 }).length,
    brotli: brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

async function main(): Promise<void> {
  if (process.argv.includes('--build') || !existsSync(`${ROOT}${EAGER}`)) build();
  const sizes = await Promise.all(bundles().map(measure));
  const kb = (bytes: number): string => `${(bytes / KB).toFixed(2)} KB`;
  const eager = sizes.find((size) => size.file === EAGER);
  if (!eager) throw new Error('dist/santa-chat.js is missing after the build');
  // The chunks santa-chat.js imports (dist/chunks/ also holds the bundler build's, index.js's).
  const eagerCode = await readFile(`${ROOT}${EAGER}`, 'utf8');
  const imported = new Set([...eagerCode.matchAll(/["']\.\/(chunks\/[\w-]+\.js)["']/g)].map((match) => `widget/dist/${match[1]}`));
  const lazy = sizes.filter((size) => imported.has(size.file));
  const total = eager.gzip + lazy.reduce((sum, size) => sum + size.gzip, 0);
  const role = (file: string): string =>
    file === EAGER ? 'eager' : imported.has(file) ? 'lazy (panel)' : file.includes('/chunks/') ? 'index.js chunk (bundlers)' : file.includes('/locales/') ? 'locale (not budgeted)' : 'whole (not budgeted)';
  const verdict = (bytes: number, budget: number): string =>
    `${bytes <= budget ? 'met' : 'MISSED'}: ${kb(bytes)}, ${bytes <= budget ? `${kb(budget - bytes)} to spare` : `${kb(bytes - budget)} over`}`;
  const lines = [
    table(
      ['bundle', 'role', 'minified', 'gzip -9', 'brotli'],
      sizes.map((size) => [size.file, role(size.file), kb(size.minified), kb(size.gzip), kb(size.brotli)]),
    ),
    '',
    `Eager (dist/santa-chat.js, before the panel opens) ≤ 16 KB gzipped: ${verdict(eager.gzip, EAGER_GZIP)} (built ${eager.builtAt}).`,
    `Total (with the panel chunk; locales apart) ≤ 24 KB gzipped: ${verdict(total, TOTAL_GZIP)}.`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  const path = await writeResult('size', {
    benchmark: 'size',
    date: new Date().toISOString(),
    machine: machineInfo(),
    load: machineLoad(),
    budget: { eagerGzipBytes: EAGER_GZIP, totalGzipBytes: TOTAL_GZIP },
    sizes,
    eagerGzip: eager.gzip,
    totalGzip: total,
    met: eager.gzip <= EAGER_GZIP && total <= TOTAL_GZIP,
  });
  process.stdout.write(`\nwrote ${path}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:size failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
