import { writeFileSync } from 'node:fs';

/** The names the SQLite store's threads give themselves (`writer-worker.ts`). */
export const WRITER_THREAD_NAME = 'sqlite-writer';
export const CHECKPOINTER_THREAD_NAME = 'sqlite-ckpt';

/** Linux keeps at most 15 bytes of a thread's name. */
const MAX_NAME_BYTES = 15;

/**
 * Names the calling OS thread, so that `top -H`, `ps -L`, `perf` and `/proc/<pid>/task/<tid>/comm`
 * show which of the relay's threads uses the CPU (Node 20 leaves every thread named `node`).
 * Linux only (a thread may write its own `/proc/thread-self/comm`); elsewhere, or where `/proc`
 * is not mounted, the thread keeps its name.
 */
export function nameThisThread(name: string): void {
  if (Buffer.byteLength(name) > MAX_NAME_BYTES) throw new RangeError(`a thread name has at most ${MAX_NAME_BYTES} bytes: ${name}`);
  if (process.platform !== 'linux') return;
  try {
    writeFileSync('/proc/thread-self/comm', name);
  } catch {
    // No /proc (a sandbox): the name only helps whoever looks at the threads.
  }
}
