/**
 * The relay's V8 flags (`v8-flags.ts`) take effect when applied at run time: a child process
 * that V8 would otherwise make decide to allocate an array literal's arrays in the old
 * generation (reported by --trace-pretenuring-statistics) makes no such decision once they are applied.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const flagsModule = fileURLToPath(new URL('./v8-flags.ts', import.meta.url));

/** Holders that keep the array literal they were last given: at each collection that site's arrays are nearly all alive. */
const workload = `
const holders = Array.from({ length: 50000 }, () => ({ list: null }));
function refresh(holder, i) { holder.list = [i]; }
function round(r) { for (let i = 0; i < holders.length; i++) refresh(holders[i], r + i); }
for (let r = 0; r < 400; r++) round(r);
`;

function pretenuringReports(applyFlags: boolean): number {
  const script = applyFlags
    ? `const { applyRelayV8Flags } = await import(${JSON.stringify(flagsModule)}); applyRelayV8Flags();\n${workload}`
    : workload;
  const child = spawnSync(
    process.execPath,
    ['--trace-pretenuring', '--trace-pretenuring-statistics', '--import', 'tsx', '--input-type=module', '-e', script],
    { encoding: 'utf8', timeout: 60_000 },
  );
  assert.equal(child.status, 0, child.stderr);
  return child.stdout.split('\n').filter((line) => line.includes('pretenuring: AllocationSite')).length;
}

describe('the relay’s V8 flags', () => {
  it('turn off allocation-site pretenuring in the process that applies them', () => {
    assert.ok(pretenuringReports(false) > 0, 'without the flags V8 reports pretenuring decisions (else this test shows nothing)');
    assert.equal(pretenuringReports(true), 0);
  });
});
