/**
 * `npm run relay`: the relay alone, configured by the environment (PROTOCOL.md §5).
 * Configuration mistakes print one sentence and exit 1; SIGTERM/SIGINT shut down gracefully.
 */
import { ConfigError, loadConfig } from './config.js';
import { startRelay } from './relay-server.js';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const relay = await startRelay(config);
  // One write, so whoever reads the first line also has the demo's address.
  const demoLine = relay.demoUrl !== undefined ? `santa-chat demo: ${relay.demoUrl}\n` : '';
  const metricsLine = relay.metricsUrl !== undefined ? `santa-chat metrics: ${relay.metricsUrl}\n` : '';
  process.stdout.write(`santa-chat relay listening on ${relay.url}\n${demoLine}${metricsLine}`);
  if (relay.demoUrl !== undefined && !['127.0.0.1', '::1', 'localhost'].includes(config.host)) {
    process.stderr.write('santa-chat demo: warning: HOST is not local, so anyone who can reach it can mint demo tokens.\n');
  }
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${signal}: shutting down\n`);
    relay.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`shutdown failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`santa-chat relay: ${error.message}\n`);
  } else if (isAddressInUse(error)) {
    process.stderr.write(`santa-chat relay: the port is already in use (${error.message}). Set PORT (or SANTA_CHAT_METRICS_PORT) to a free port.\n`);
  } else {
    process.stderr.write(`santa-chat relay failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  }
  process.exit(1);
});

function isAddressInUse(error: unknown): error is Error {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
}
