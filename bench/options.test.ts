import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { OptionError, wholeNumber } from './lib/options.js';

/** The benchmark `file` with `args`: nothing starts when they are wrong. */
function run(file: string, ...args: string[]): { status: number | null; stderr: string } {
  const path = fileURLToPath(new URL(file, import.meta.url));
  const result = spawnSync(process.execPath, ['--import', 'tsx', path, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stderr: result.stderr };
}

/** Exit code 2, the line `message`, then the usage of `bench:name`, and nothing else (no stack trace). */
function assertRefused(name: string, file: string, args: string[], message: string | RegExp): void {
  const { status, stderr } = run(file, ...args);
  assert.equal(status, 2, `${file} ${args.join(' ')}: ${stderr}`);
  const lines = stderr.trim().split('\n');
  if (typeof message === 'string') assert.equal(lines[0], message);
  else assert.match(lines[0] ?? '', message);
  assert.match(lines[1] ?? '', new RegExp(`^usage: npm run bench:${name} -- `));
  assert.equal(lines.length, 2, 'no stack trace');
}

test('bench:relay answers a wrong option with one line and its usage, exit code 2', () => {
  assertRefused('relay', './relay.ts', ['--bogus'], 'bench:relay: unknown option --bogus');
  assertRefused('relay', './relay.ts', ['1000'], 'bench:relay: 1000: options are --name=value');
  assertRefused('relay', './relay.ts', ['--sizes=1001'], 'bench:relay: --sizes: each N must be a multiple of 4 (groups of four)');
  assertRefused('relay', './relay.ts', ['--duration=soon'], 'bench:relay: --duration: seconds (more than 0)');
  assertRefused('relay', './relay.ts', ['--rates=fast'], 'bench:relay: --rates: positive numbers or "max"');
  assertRefused('relay', './relay.ts', ['--history=-5'], 'bench:relay: --history=-5: a whole number of at least 0');
  assertRefused('relay', './relay.ts', ['--report'], /^bench:relay: Option '--report <value>' argument missing/);
});

test('the other benchmarks refuse unknown options, stray arguments and wrong numbers the same way', () => {
  assertRefused('sqlite', './sqlite-writer.ts', ['--history=many'], 'bench:sqlite: --history=many: a whole number of at least 1');
  assertRefused('sqlite', './sqlite-writer.ts', ['--cache=65536,'], 'bench:sqlite: --cache=: a whole number of at least 1');
  assertRefused('reveal', './reveal-startup.ts', ['--runs=0'], 'bench:reveal: --runs=0: a whole number of at least 1');
  assertRefused('reveal', './reveal-startup.ts', ['extra'], 'bench:reveal: extra: options are --name=value');
  assertRefused('widget', './widget.ts', ['--runs=2.5'], 'bench:widget: --runs=2.5: a whole number of at least 1');
  assertRefused('widget', './widget.ts', ['--bundle=no/such/file.js'], 'bench:widget: --bundle=no/such/file.js: no such file');
  assertRefused('kill', './kill-under-load.ts', ['--sockets=1001'], 'bench:kill: --sockets=1001: a multiple of 4 (groups of four)');
  assertRefused('kill', './kill-under-load.ts', ['--rate=fast'], 'bench:kill: --rate=fast: a whole number of at least 1');
  assertRefused('kill', './kill-under-load.ts', ['--window=1'], 'bench:kill: --window=1: a whole number of at least 2');
  assertRefused('kill', './kill-under-load.ts', ['--kils=3'], 'bench:kill: unknown option --kils');
  assertRefused('size', './size.ts', ['--modulez'], 'bench:size: unknown option --modulez');
  assertRefused('size', './size.ts', ['--build=yes'], /^bench:size: Option '--build' does not take an argument/);
});

test('wholeNumber: whole numbers at or above the floor, or an OptionError naming the option', () => {
  assert.equal(wholeNumber('runs', '20'), 20);
  assert.equal(wholeNumber('groups', '0', 0), 0);
  for (const text of ['', ' ', '1.5', '-1', 'ten', '0']) assert.throws(() => wholeNumber('runs', text), OptionError);
  assert.throws(() => wholeNumber('runs', 'x'), { message: '--runs=x: a whole number of at least 1' });
});
