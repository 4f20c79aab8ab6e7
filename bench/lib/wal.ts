/**
 * What a SQLite database in WAL mode writes, read from the outside while the relay runs.
 *
 * - WAL frames: the `-shm` file's header holds the WAL's frame count (`mxFrame`, offset 16) and
 *   the WAL file's header a checkpoint sequence number (offset 12) that changes each time the
 *   WAL starts again from its beginning. Sampled every few ms, frames are summed per such
 *   epoch; frames written after the last sample of an epoch are missed, so this is a lower
 *   bound, close when the WAL starts again rarely (the relay's checkpointer: at most once per
 *   pass), loose when it starts again every batch (SQLite's default autocheckpoint).
 * - Bytes the process sent to storage (`/proc/<pid>/io` `write_bytes`): WAL and checkpoints
 *   together, exact.
 */
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';

export interface WalReading {
  /** Frames appended to the WAL during the window (lower bound, see above). */
  frames: number;
  /** Frame size: the page size plus the 24-byte frame header. */
  frameBytes: number;
  /** Times the WAL started again from its beginning during the window. */
  restarts: number;
  /** Largest frame count seen: how large the WAL got. */
  maxFrames: number;
}

export function writeBytes(pid: number): number {
  const match = /^write_bytes:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'));
  return match?.[1] ? Number(match[1]) : Number.NaN;
}

/**
 * Samples every `everyMs` (10: the relay's WAL starts again about once a second, so at most about
 * 1 % of its frames fall after an epoch's last sample) through two descriptors it keeps open, a
 * read of 16 and one of 20 bytes each time. It runs beside the relay on the same two cores: sampled
 * every 2 ms, opening and closing both files each time, this process used 6–8 % of a core under
 * load, most of it waking up. The relay's SQLite never replaces these files while it runs (the
 * WAL starts again in place), and this process holds no lock on them that closing a descriptor
 * could drop.
 */
export class WalMeter {
  readonly #wal: string;
  readonly #shm: string;
  readonly #descriptors = new Map<string, number>();
  readonly #timer: NodeJS.Timeout;
  readonly #buffer = Buffer.alloc(32);
  #epoch: number | null = null;
  #epochStart = 0;
  #last = 0;
  #frames = 0;
  #restarts = 0;
  #maxFrames = 0;
  #pageSize = 0;

  constructor(databasePath: string, everyMs = 10) {
    this.#wal = `${databasePath}-wal`;
    this.#shm = `${databasePath}-shm`;
    this.#sample(true);
    this.#timer = setInterval(() => this.#sample(false), everyMs);
  }

  stop(): WalReading {
    clearInterval(this.#timer);
    this.#sample(false);
    for (const fd of this.#descriptors.values()) closeSync(fd);
    this.#descriptors.clear();
    return {
      frames: this.#frames + Math.max(0, this.#last - this.#epochStart),
      frameBytes: (this.#pageSize || 4096) + 24,
      restarts: this.#restarts,
      maxFrames: this.#maxFrames,
    };
  }

  /** The first `length` bytes of the file, or null while it does not exist yet or is shorter. */
  #read(path: string, length: number): Buffer | null {
    try {
      let fd = this.#descriptors.get(path);
      if (fd === undefined) {
        fd = openSync(path, 'r');
        this.#descriptors.set(path, fd);
      }
      return readSync(fd, this.#buffer, 0, length, 0) === length ? this.#buffer : null;
    } catch {
      return null;
    }
  }

  #sample(first: boolean): void {
    const wal = this.#read(this.#wal, 16);
    if (wal === null) return;
    const epoch = wal.readUInt32BE(12);
    this.#pageSize ||= wal.readUInt32BE(8);
    const shm = this.#read(this.#shm, 20);
    if (shm === null) return;
    // The wal-index header is in the machine's byte order (little-endian here).
    const frames = shm.readUInt32LE(16);
    if (first || this.#epoch === null) {
      this.#epoch = epoch;
      this.#epochStart = frames;
      this.#last = frames;
      return;
    }
    if (epoch !== this.#epoch || frames < this.#last) {
      this.#frames += Math.max(0, this.#last - this.#epochStart);
      this.#restarts += 1;
      this.#epoch = epoch;
      this.#epochStart = 0;
    }
    this.#last = frames;
    this.#maxFrames = Math.max(this.#maxFrames, frames);
  }
}
