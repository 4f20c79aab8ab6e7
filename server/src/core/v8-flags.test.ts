/**
 * The relay's V8 flags (`v8-flags.ts`) take effect when applied at run time, and the relay's
 * process entry (`runRelayProcess`) applies them: a child process that V8 would otherwise make
 * decide to allocate an array literal's arrays in the old generation (reported by
 * --trace-pretenuring-statistics) makes no such decision once they are applied.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const flagsModule = fileURLToPath(new URL('./v8-flags.ts', import.meta.url));
const runModule = fileURLToPath(new URL('../run.ts', import.meta.url));
const errorsModule = fileURLToPath(new URL('./errors.ts', import.meta.url));

/** Holders that keep the array literal they were last given: at each collection that site's arrays are nearly all alive. */
const workload = `
const holders = Array.from({ length: 50000 }, () => ({ list: null }));
function refresh(holder, i) { holder.list = [i]; }
function round(r) { for (let i = 0; i < holders.length; i++) refresh(holders[i], r + i); }
for (let r = 0; r < 400; r++) round(r);
`;

/** Runs `script` in a child node that reports V8's pretenuring decisions; returns how many it made, and its stderr. */
function pretenuringReports(script: string, expectedStatus = 0): { reports: number; stderr: string } {
  const child = spawnSync(
    process.execPath,
    ['--trace-pretenuring', '--trace-pretenuring-statistics', '--import', 'tsx', '--input-type=module', '-e', script],
    { encoding: 'utf8', timeout: 60_000 },
  );
  assert.equal(child.status, expectedStatus, child.stderr);
  return { reports: child.stdout.split('\n').filter((line) => line.includes('pretenuring: AllocationSite')).length, stderr: child.stderr };
}

describe('the relay’s V8 flags', () => {
  it('turn off allocation-site pretenuring in the process that applies them', () => {
    assert.ok(pretenuringReports(workload).reports > 0, 'without the flags V8 reports pretenuring decisions (else this test shows nothing)');
    const applied = `const { applyRelayV8Flags } = await import(${JSON.stringify(flagsModule)}); applyRelayV8Flags();\n${workload}`;
    assert.equal(pretenuringReports(applied).reports, 0);
  });

  it('are applied by the relay’s process entry before the relay starts', () => {
    // The "relay" runs the workload, then fails to start with a configuration error: exit 1.
    const started = `
      const { runRelayProcess } = await import(${JSON.stringify(runModule)});
      const { ConfigError } = await import(${JSON.stringify(errorsModule)});
      runRelayProcess('probe relay', async () => {
        ${workload}
        throw new ConfigError('the workload ran');
      });`;
    const { reports, stderr } = pretenuringReports(started, 1);
    assert.match(stderr, /probe relay: the workload ran/);
    assert.equal(reports, 0);
  });
});
