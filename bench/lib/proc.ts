/**
 * What Linux says about a process from the outside (`/proc`), so the relay under test runs
 * unmodified: CPU time (of the process, or of its main thread), write system calls and
 * resident memory of one pid, and the whole machine's CPU split.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of `/proc/<pid>/stat` (USER_HZ, 100 on every common kernel). */
const CLOCK_TICKS = ((): number => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** User plus system CPU seconds the process (or with `thread`, that one thread of it) has used so far. */
export function cpuSeconds(pid: number, thread?: number): number {
  const stat = readFileSync(thread === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${thread}/stat`, 'utf8');
  // The command name may contain spaces and parentheses: fields are counted after its last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of stat(5), i.e. 12 and 13 after the state field (3).
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/**
 * CPU seconds used so far by each thread of the process named `name` (its `comm`; the relay's
 * SQLite threads name themselves, `server/src/store/sqlite/thread-name.ts`), by thread id. A
 * thread that ended is missing; one that started since is new.
 */
export function namedThreadsCpuSeconds(pid: number, name: string): Map<number, number> {
  const seconds = new Map<number, number>();
  let threads: string[];
  try {
    threads = readdirSync(`/proc/${pid}/task`);
  } catch {
    return seconds;
  }
  for (const thread of threads) {
    try {
      if (readFileSync(`/proc/${pid}/task/${thread}/comm`, 'utf8').trim() !== name) continue;
      seconds.set(Number(thread), cpuSeconds(pid, Number(thread)));
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return seconds;
}

/**
 * Write-family system calls of the process's main thread (`/proc/<pid>/task/<pid>/io` `syscw`):
 * the relay's socket writes; its SQLite writer and checkpointer are threads of their own.
 */
export function writeSyscalls(pid: number): number {
  const match = /^syscw:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/task/${pid}/io`, 'utf8'));
  return match?.[1] ? Number(match[1]) : Number.NaN;
}

/** Resident set size in bytes (`VmRSS`). */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!match?.[1]) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]) * 1024;
}

export interface SystemCpu {
  busy: number;
  iowait: number;
  /** Time the hypervisor ran something else while this VM's cores had work (counted in `busy`). */
  steal: number;
  total: number;
}

/** Cumulative ticks of all cores (`/proc/stat`), to split a window into busy, I/O wait and idle. */
export function systemCpu(): SystemCpu {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = line
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const busy = user + nice + system + irq + softirq + steal;
  return { busy, iowait, steal, total: busy + idle + iowait };
}

/** CPU use of a process over a window, as a share of one core (1 = one core fully busy). */
export class CpuWindow {
  readonly #pid: number;
  readonly #startCpu: number;
  readonly #startMainCpu: number;
  readonly #thread: string | undefined;
  readonly #startThreadCpu: Map<number, number>;
  readonly #startWall: number;
  readonly #startSystem: SystemCpu;

  /** `thread`: the name of threads whose part to report too (`threadSeconds`). */
  constructor(pid: number, thread?: string) {
    this.#pid = pid;
    this.#startCpu = cpuSeconds(pid);
    this.#startMainCpu = cpuSeconds(pid, pid);
    this.#thread = thread;
    this.#startThreadCpu = thread === undefined ? new Map() : namedThreadsCpuSeconds(pid, thread);
    this.#startWall = performance.now();
    this.#startSystem = systemCpu();
  }

  /**
   * `mainThreadSeconds`: the part of `cpuSeconds` the main thread (the event loop) used;
   * `threadSeconds`: the part the threads named as the constructor was told used (NaN without a
   * name, 0 when no such thread ran).
   */
  end(): { cores: number; cpuSeconds: number; mainThreadSeconds: number; threadSeconds: number; systemBusy: number; systemIowait: number; systemSteal: number } {
    const used = cpuSeconds(this.#pid) - this.#startCpu;
    const mainThreadSeconds = cpuSeconds(this.#pid, this.#pid) - this.#startMainCpu;
    let threadSeconds = Number.NaN;
    if (this.#thread !== undefined) {
      threadSeconds = 0;
      for (const [thread, seconds] of namedThreadsCpuSeconds(this.#pid, this.#thread)) {
        threadSeconds += seconds - (this.#startThreadCpu.get(thread) ?? 0);
      }
    }
    const wall = (performance.now() - this.#startWall) / 1000;
    const system = systemCpu();
    const total = system.total - this.#startSystem.total || 1;
    return {
      cores: used / wall,
      cpuSeconds: used,
      mainThreadSeconds,
      threadSeconds,
      systemBusy: (system.busy - this.#startSystem.busy) / total,
      systemIowait: (system.iowait - this.#startSystem.iowait) / total,
      systemSteal: (system.steal - this.#startSystem.steal) / total,
    };
  }
}
