// Runs every Node test file (node's runner through tsx). Node 20 does not expand globs
// given to `--test`, so the files are collected here. Arguments that are folders narrow the
// run to them (`node test/run-node.mjs test/chaos`); `--` options are passed on to node.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
const folders = args.filter((arg) => !arg.startsWith('-'));
const options = args.filter((arg) => arg.startsWith('-'));
const roots = folders.length > 0 ? folders : ['protocol', 'server/src', 'demo/server', 'widget/src/client', 'widget/src/render', 'widget/src/storage', 'bench', 'test'];
// Browser tests run in Chromium (web-test-runner), not here.
const skip = (path) => path.startsWith('test/browser/') || path.endsWith('.browser.test.ts');

const files = roots
  .flatMap((root) => readdirSync(root, { recursive: true }).map((entry) => join(root, String(entry))))
  .filter((path) => path.endsWith('.test.ts') && !skip(path) && !path.includes('node_modules'))
  .sort();

// --test-force-exit: a file whose tests are done ends even if something it started left a
// handle open (a leak is a bug to find, but must not hang CI until its time limit).
// test/blocking-stdout.mjs keeps that exit from dropping the file's last results.
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--import', './test/blocking-stdout.mjs', '--test', '--test-concurrency=1', '--test-force-exit', ...options, ...files],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
