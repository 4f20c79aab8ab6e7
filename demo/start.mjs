// `npm start`: builds the widget when its bundle is missing or older than its sources, then
// runs the relay with the demo composed onto it (demo/server/main.ts), which seeds the demo group on first start
// and prints `santa-chat demo: http://localhost:8787/`. Data stays in ./data (git-ignored).
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bundle = join(root, 'widget', 'dist', 'santa-chat.js');
const bundleSources = ['widget/src', 'protocol', 'rollup.config.mjs'];

function newestModification(path) {
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  let newest = stats.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestModification(join(path, entry)));
  return newest;
}

function bundleIsStale() {
  let built;
  try {
    built = statSync(bundle).mtimeMs;
  } catch {
    return true;
  }
  return bundleSources.some((source) => newestModification(join(root, source)) > built);
}

if (bundleIsStale()) {
  process.stdout.write('santa-chat demo: building the widget (npm run build)…\n');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const build = spawnSync(npm, ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) {
    process.stderr.write('santa-chat demo: the widget build failed; see the output above.\n');
    process.exit(build.status ?? 1);
  }
}

const relay = spawn(process.execPath, ['--import', 'tsx', join(root, 'demo/server/main.ts')], {
  cwd: root,
  env: process.env,
  stdio: 'inherit',
});

// Ctrl-C reaches both processes; a SIGTERM sent to this one alone is passed on. Either way
// this process waits for the relay's graceful shutdown and exits with its status.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => relay.kill(signal));
}
relay.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
