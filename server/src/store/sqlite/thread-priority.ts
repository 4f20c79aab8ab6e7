import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/**
 * How much lower than the process the checkpointer runs (`checkpointer.ts`). Its passes are
 * CPU bursts of 10–15 ms a second under load; on a machine whose cores are all busy they
 * delayed the event loop and the writer, whose work the messages wait for. At nice +10 it gets
 * about a tenth of a contended core, several times what it needs (docs/decisions/0026).
 */
export const CHECKPOINTER_NICENESS = 10;

/** The highest niceness (the lowest priority) Linux has. */
const LOWEST_PRIORITY = 19;

/**
 * Lowers the calling OS thread's priority by `niceness` below the process's. Linux only: there
 * `setpriority` takes a thread's id (read from `/proc/thread-self`) and changes that thread
 * alone; elsewhere it would change the whole process, so the thread is left as it is. Lowering
 * needs no privilege.
 */
export function lowerThisThreadsPriority(niceness: number): void {
  if (process.platform !== 'linux') return;
  try {
    const threadId = Number(readlinkSync('/proc/thread-self').split('/').pop());
    setPriority(threadId, Math.min(LOWEST_PRIORITY, getPriority(process.pid) + niceness));
  } catch {
    // No /proc (a sandbox), or a system that refuses: the thread keeps the process's priority.
  }
}
