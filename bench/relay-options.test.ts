import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const RELAY_BENCH = fileURLToPath(new URL('./relay.ts', import.meta.url));

/** bench:relay with `args`: nothing starts when they are wrong. */
function run(...args: string[]): { status: number | null; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', RELAY_BENCH, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stderr: result.stderr };
}

test('bench:relay answers a wrong option with one line and its usage, exit code 2', () => {
  for (const [args, message] of [
    [['--bogus'], 'bench:relay: unknown option --bogus'],
    [['1000'], 'bench:relay: 1000: options are --name=value'],
    [['--sizes=1001'], 'bench:relay: --sizes: each N must be a multiple of 4 (groups of four)'],
    [['--duration=soon'], 'bench:relay: --duration: seconds (more than 0)'],
    [['--rates=fast'], 'bench:relay: --rates: positive numbers or "max"'],
  ] as const) {
    const { status, stderr } = run(...args);
    assert.equal(status, 2, `${args.join(' ')}: ${stderr}`);
    const lines = stderr.trim().split('\n');
    assert.equal(lines[0], message);
    assert.match(lines[1] ?? '', /^usage: npm run bench:relay -- /);
    assert.equal(lines.length, 2, 'no stack trace');
  }
});
