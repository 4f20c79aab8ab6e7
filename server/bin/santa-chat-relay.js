#!/usr/bin/env node
// `santa-chat-relay`: the relay as compiled JavaScript under plain node, so SIGTERM and SIGINT
// reach it directly and it shuts down gracefully. Configured by the environment (docs/configuration.md).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/server/src/main.js', import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  process.stderr.write('santa-chat relay: it is not built yet: run `npm run build` (in this repository, `npm install` does it).\n');
  process.exit(1);
}
await import(main.href);
