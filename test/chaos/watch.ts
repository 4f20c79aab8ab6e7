/**
 * What the chaos tests watch while they abuse an in-process relay: exceptions nobody caught,
 * what the relay logs at error level (a frame or request it could not handle), and the heap.
 */
import { Writable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { pino, type Logger } from 'pino';

export interface ProcessWatch {
  /** Every `uncaughtException` and `unhandledRejection` seen since `watchProcess()`. */
  readonly uncaught: unknown[];
  stop(): void;
}

export function watchProcess(): ProcessWatch {
  const uncaught: unknown[] = [];
  const record = (error: unknown): void => {
    uncaught.push(error);
  };
  process.on('uncaughtException', record);
  process.on('unhandledRejection', record);
  return {
    uncaught,
    stop() {
      process.off('uncaughtException', record);
      process.off('unhandledRejection', record);
    },
  };
}

/** A relay logger that keeps what it logs at `error` and above, for the test to assert on. */
export function errorLogger(): { logger: Logger; errors: string[] } {
  const errors: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      errors.push(chunk.toString().slice(0, 2000));
      done();
    },
  });
  return { logger: pino({ level: 'error' }, sink), errors };
}

let collectGarbage: (() => void) | undefined;

/** heapUsed after full garbage collections (`gc` is exposed at run time; no node flag needed). */
export async function settledHeapUsed(): Promise<number> {
  if (collectGarbage === undefined) {
    setFlagsFromString('--expose-gc');
    collectGarbage = runInNewContext('gc') as () => void;
  }
  for (let round = 0; round < 3; round += 1) {
    collectGarbage();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().heapUsed;
}

/** p-th percentile (0-100) of `values`, nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}
