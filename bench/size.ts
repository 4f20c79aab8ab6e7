/**
 * `npm run bench:size`: the minified, gzip (level 9, as the build reports it) and brotli
 * (quality 11) sizes of the script-tag build against its budgets (issue #14,
 * docs/decisions/0016-lazy-panel.md): what a host page loads before the panel opens
 * (dist/santa-chat.js) at most 16 KB gzipped, and the widget together (that and the panel's
 * chunk, dist/chunks/panel-*.js) at most 24 KB; the locales (one loads, for `lang`) and the
 * IIFE (whole: a classic script cannot load chunks) are listed, not budgeted. KB here is
 * 1,024 bytes, as in the build's report. Builds first when the bundle is missing, or with
 * `--build`. Prints a table and writes bench/results/size-<date>.json. With `--modules`, also
 * what each source module costs in santa-chat.js and its panel chunk, from their source maps:
 * its minified bytes, those bytes gzipped alone, and its marginal gzip (the file gzipped
 * without them, subtracted from the file gzipped whole: what leaving it out would save).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { machineInfo, machineLoad } from './lib/machine.js';
import { readOptions } from './lib/options.js';
import { table, writeResult } from './lib/results.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const KB = 1024;
const EAGER_GZIP = 16 * KB;
const TOTAL_GZIP = 24 * KB;
const EAGER = 'widget/dist/santa-chat.js';
const OPTIONS = readOptions(
  'size',
  '[--build] [--modules]',
  { build: { type: 'boolean', default: false }, modules: { type: 'boolean', default: false } },
  (values) => values,
);

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

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** The generated columns of each line's segments and the source index each starts (source map v3 `mappings`). */
function decodeMappings(mappings: string): Array<Array<[column: number, source: number | undefined]>> {
  const lines: Array<Array<[number, number | undefined]>> = [];
  let source = 0;
  for (const line of mappings.split(';')) {
    const segments: Array<[number, number | undefined]> = [];
    let column = 0;
    for (const segment of line.split(',')) {
      if (segment === '') continue;
      const fields: number[] = [];
      let value = 0;
      let shift = 0;
      for (const char of segment) {
        const digit = BASE64.indexOf(char);
        value += (digit & 31) << shift;
        shift += 5;
        if (digit & 32) continue;
        fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
        value = 0;
        shift = 0;
      }
      column += fields[0] ?? 0;
      if (fields.length > 1) source += fields[1] ?? 0;
      segments.push([column, fields.length > 1 ? source : undefined]);
    }
    lines.push(segments);
  }
  return lines;
}

/** Each source module's share of a built file (by its `.map`): minified bytes, gzip alone, marginal gzip. */
async function byModule(path: string): Promise<string> {
  const code = await readFile(`${ROOT}${path}`, 'utf8');
  const map = JSON.parse(await readFile(`${ROOT}${path}.map`, 'utf8')) as { sources: string[]; mappings: string };
  const name = (index: number | undefined): string =>
    index === undefined ? '(rollup)' : (map.sources[index] ?? '?').replace(/^(\.\.\/)+/, '').replace(/^.*node_modules\//, '');
  // Each character's module, as ranges of [start, end) per module.
  const ranges = new Map<string, Array<[number, number]>>();
  let offset = 0;
  decodeMappings(map.mappings).forEach((segments, index, lines) => {
    const line = code.split('\n')[index] ?? '';
    let start = 0;
    let owner = '(rollup)';
    for (const [column, source] of [...segments, [line.length, undefined] as [number, undefined]]) {
      if (column > start) ranges.set(owner, [...(ranges.get(owner) ?? []), [offset + start, offset + column]]);
      start = column;
      owner = name(source);
    }
    offset += line.length + (index < lines.length - 1 ? 1 : 0);
  });
  const gzip = (text: string): number => gzipSync(text, { level: 9 }).length;
  const whole = gzip(code);
  const rows = [...ranges].map(([module, spans]) => {
    const own = spans.map(([start, end]) => code.slice(start, end)).join('');
    let without = '';
    let from = 0;
    for (const [start, end] of spans) (without += code.slice(from, start)), (from = end);
    without += code.slice(from);
    return { module, minified: own.length, alone: gzip(own), marginal: whole - gzip(without) };
  });
  rows.sort((a, b) => b.marginal - a.marginal);
  return [
    `${path}: ${code.length} bytes minified, ${whole} gzipped (bytes)`,
    table(['module', 'minified', 'gzip alone', 'marginal gzip'], rows.map((row) => [row.module, String(row.minified), String(row.alone), String(row.marginal)])),
  ].join('\n');
}

async function main(): Promise<void> {
  if (OPTIONS.build || !existsSync(`${ROOT}${EAGER}`)) build();
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
  if (OPTIONS.modules) for (const file of [EAGER, ...imported]) lines.push('', await byModule(file));
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
