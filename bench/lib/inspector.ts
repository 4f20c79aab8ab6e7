/**
 * Talks to another Node process through its inspector (`--inspect=127.0.0.1:0`), so the
 * process under test runs unmodified: a full garbage collection before a memory reading (two
 * readings then compare live objects, not whatever garbage was waiting), and a CPU profile
 * of exactly the load window. Each session is closed right after.
 */
import WebSocket from 'ws';
import { within } from './processes.js';
import type { CpuProfile } from './cpu-profile.js';

export interface HeapReading {
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

class InspectorSession {
  readonly #socket: WebSocket;
  readonly #pending = new Map<number, (result: unknown) => void>();
  #nextId = 1;

  private constructor(socket: WebSocket) {
    this.#socket = socket;
    socket.on('message', (data: Buffer) => {
      const reply = JSON.parse(data.toString('utf8')) as { id?: number; result?: unknown };
      if (reply.id !== undefined) this.#pending.get(reply.id)?.(reply.result);
    });
  }

  static async open(url: string): Promise<InspectorSession> {
    const socket = new WebSocket(url, { perMessageDeflate: false, maxPayload: 1024 ** 3 });
    await within(
      new Promise<void>((resolve, reject) => {
        socket.once('open', () => resolve());
        socket.once('error', reject);
      }),
      10_000,
      'inspector connection',
    );
    return new InspectorSession(socket);
  }

  call(method: string, params: Record<string, unknown> = {}, timeoutMs = 30_000): Promise<unknown> {
    const id = this.#nextId++;
    const answered = new Promise<unknown>((resolve) => this.#pending.set(id, resolve));
    this.#socket.send(JSON.stringify({ id, method, params }));
    return within(answered, timeoutMs, `inspector ${method}`).finally(() => this.#pending.delete(id));
  }

  close(): void {
    this.#socket.terminate();
  }
}

export async function collectGarbage(inspectorUrl: string): Promise<HeapReading> {
  const session = await InspectorSession.open(inspectorUrl);
  try {
    // Twice: the first pass runs finalizers that free more on the second.
    await session.call('HeapProfiler.collectGarbage');
    await session.call('HeapProfiler.collectGarbage');
    const evaluated = (await session.call('Runtime.evaluate', {
      expression: 'JSON.stringify(process.memoryUsage())',
      returnByValue: true,
    })) as { result?: { value?: string } };
    const usage = JSON.parse(evaluated.result?.value ?? '{}') as Partial<HeapReading>;
    return { heapUsed: usage.heapUsed ?? Number.NaN, external: usage.external ?? Number.NaN, arrayBuffers: usage.arrayBuffers ?? Number.NaN };
  } finally {
    session.close();
  }
}

/** Starts V8's sampling profiler (1 ms interval); `stop()` returns the profile and closes the session. */
export async function startProfiling(inspectorUrl: string): Promise<{ stop(): Promise<CpuProfile> }> {
  const session = await InspectorSession.open(inspectorUrl);
  await session.call('Profiler.enable');
  await session.call('Profiler.setSamplingInterval', { interval: 1000 });
  await session.call('Profiler.start');
  return {
    async stop() {
      try {
        const { profile } = (await session.call('Profiler.stop', {}, 60_000)) as { profile: CpuProfile };
        return profile;
      } finally {
        session.close();
      }
    },
  };
}
