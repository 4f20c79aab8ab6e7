/**
 * Runs a started relay as a process: prints its banner in one write (whoever reads the first
 * line has every address), shuts down gracefully on SIGTERM or SIGINT, and turns a failure to
 * start into one sentence and exit 1. `main.ts` (the relay) and the demo's entry point use it.
 */
import { ConfigError } from './core/errors.js';
import { applyRelayV8Flags } from './core/v8-flags.js';
import type { RunningRelay } from './relay-server.js';

export interface Started {
  relay: RunningRelay;
  /** Lines printed to stdout once listening, after `listening on <url>`. */
  banner?: string[];
  /** Lines printed to stderr once listening. */
  warnings?: string[];
}

export function runRelayProcess(name: string, start: () => Promise<Started>): void {
  applyRelayV8Flags();
  start().then(
    ({ relay, banner = [], warnings = [] }) => {
      const metricsLine = relay.metricsUrl !== undefined ? [`santa-chat metrics: ${relay.metricsUrl}`] : [];
      const lines = [`santa-chat relay listening on ${relay.url}`, ...banner, ...metricsLine];
      process.stdout.write(`${lines.join('\n')}\n`);
      for (const warning of warnings) process.stderr.write(`${warning}\n`);
      stopOnSignals(relay);
    },
    (error: unknown) => {
      if (error instanceof ConfigError) {
        process.stderr.write(`${name}: ${error.message}\n`);
      } else if (isAddressInUse(error)) {
        process.stderr.write(`${name}: the port is already in use (${error.message}). Set PORT to a free port.\n`);
      } else {
        process.stderr.write(`${name} failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
      }
      process.exit(1);
    },
  );
}

function stopOnSignals(relay: RunningRelay): void {
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

function isAddressInUse(error: unknown): error is Error {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
}
