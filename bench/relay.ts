/**
 * `npm run bench:relay` (bench/with-sockets.sh raises the file-descriptor limit, then runs this).
 *
 * For each scenario (N sockets x offered rate) it starts a fresh server as its own process,
 * the relay (`server/src/main.ts`, fresh SQLite file, real tokens, groups through the admin
 * API) or the baseline (`bench/baseline/relay.mjs`), and a load generator in another process
 * (`bench/load-generator.ts`), then measures from the outside: delivered messages per second,
 * send-to-peer and send-to-ACK latency, losses, the server's CPU (`/proc/<pid>/stat`) and its
 * RSS per idle authenticated socket (`/proc/<pid>/status`, each reading after a full GC forced
 * through the inspector). After the relay exits, every ACKed clientId is looked up in its
 * database. Prints markdown tables, the first design's targets (`lib/design-targets.ts`) and
 * issue #17's (`lib/hot-path-targets.ts`), both on the medians over `--repeat`, and writes
 * bench/results/relay-<date>.json.
 *
 *   --quick            N=200, 2,000/s and unthrottled, 3 s each (for development)
 *   --sizes=1000,5000  --rates=2000,10000,max  --duration=10  --drain=20  (seconds)
 *   --only=relay|baseline
 *   --profile          CPU profile of the relay during each load window (through its inspector):
 *                      the top functions are printed, the profiles saved in bench/results/profiles/
 *   --report=<json>    print the tables of a saved run again, run nothing
 *   --webhooks         the relay with webhooks on (SANTA_CHAT_NOTIFY_AFTER_MS=1000, so notices fall due
 *                      during the load) to a receiver in this process that answers 204
 *   --db-dir=/dev/shm  where the relay's SQLite file goes (default: the OS temp dir, on disk);
 *                      on tmpfs an fsync costs nothing, which shows what durability costs
 *   --history=0,1000000  run each relay scenario on a database already holding N messages, written
 *                      through the store's own code (bench/lib/history.ts; built once per N and store
 *                      version in <tmpdir>/santa-chat-bench-history, copied per scenario); several
 *                      values run side by side, so writes/s at N compare with N=0 in the same run
 *   --repeat=3         run every scenario this many times, alternating (report medians of them)
 *   --warmup=2         seconds of the same load before the measured window (default 2; 0: none), so the
 *                      window sees the server warm (JIT-compiled, heap grown), as it runs after its first
 *                      seconds; its own latency is reported as the cold start
 *
 * For experiments, two environment variables reach the relay's process only:
 * BENCH_RELAY_NODE_ARGS (Node or V8 flags, space-separated, e.g. `--max-semi-space-size=64`) and
 * BENCH_RELAY_IMPORT (a module to preload, e.g. one that records GC pauses).
 *
 * Per relay scenario it also reports what the database wrote per stored message (WAL frames read
 * from its -shm, and the process's bytes to storage from /proc) and, after the drain, the latency
 * of reads: 200 history pages (GET …/messages?limit=50) and 200 conversation lists (GET
 * /conversations) of the scenario's own conversations.
 *
 * Everything listens on and connects to 127.0.0.1; every wait has a deadline.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signParticipantToken } from '../server/src/auth/jwt.js';
import { summarizeProfile, type CpuProfile } from './lib/cpu-profile.js';
import type { ConnectResult, RunResult, Target } from './lib/generator-protocol.js';
import { collectGarbage, startProfiling, type HeapReading } from './lib/inspector.js';
import { describeMachine, machineInfo, machineLoad, type MachineInfo } from './lib/machine.js';
import { durableCommitCeiling, type DiskCeiling } from './lib/disk.js';
import { historyDatabase, copyHistory } from './lib/history.js';
import { CpuWindow, rssBytes, writeSyscalls } from './lib/proc.js';
import { median, summarize } from './lib/stats.js';
import { OptionError, readOptions, wholeNumber } from './lib/options.js';
import { WalMeter, writeBytes, type WalReading } from './lib/wal.js';
import { sleep, within, type ServerProcess } from './lib/processes.js';
import { baselinePlan, checkStored, Generator, killAll, relayPlan, startTarget, startWebhookReceiver, userId, type Plan, type Secrets } from './lib/scenario-parts.js';
import { RESULTS_DIR, table, writeResult } from './lib/results.js';
import { WRITER_THREAD_NAME } from '../server/src/store/sqlite/thread-name.js';
import type { ScenarioResult, TargetCheck } from './lib/scenario-result.js';
import { hotPathTargets } from './lib/hot-path-targets.js';
import { checkDesignTargets } from './lib/design-targets.js';
import { integer, KIB, kib, ms, percent, rateLabel, ratio } from './lib/format.js';

const PROFILE_DIR = join(RESULTS_DIR, 'profiles');

interface Options {
  sizes: number[];
  rates: (number | null)[];
  durationMs: number;
  drainMs: number;
  settleMs: number;
  targets: Target[];
  profile: boolean;
  dbDir: string;
  quick: boolean;
  webhooks: boolean;
  history: number[];
  repeat: number;
  warmupMs: number;
  /** A saved run (JSON) whose tables to print again, running nothing. */
  report: string | undefined;
}

/** The command line (`bench/lib/options.ts`: a wrong one is one line and the usage, exit 2). */
function parseOptions(): Options {
  return readOptions(
    'relay',
    '[--quick] [--sizes=1000,5000] [--rates=2000,10000,max] [--duration=10] [--drain=20] [--warmup=2] ' +
      '[--only=relay|baseline] [--history=0,3000000] [--repeat=3] [--profile] [--webhooks] [--db-dir=DIR] [--report=FILE.json]',
    {
      quick: { type: 'boolean', default: false },
      sizes: { type: 'string' },
      rates: { type: 'string' },
      duration: { type: 'string' },
      drain: { type: 'string' },
      warmup: { type: 'string' },
      only: { type: 'string' },
      history: { type: 'string', default: '0' },
      repeat: { type: 'string', default: '1' },
      profile: { type: 'boolean', default: false },
      webhooks: { type: 'boolean', default: false },
      'db-dir': { type: 'string' },
      report: { type: 'string' },
    },
    (values) => {
      const quick = values.quick;
      const list = (text: string): string[] => text.split(',').map((item) => item.trim());
      const sizes = list(values.sizes ?? (quick ? '200' : '1000,5000')).map(Number);
      if (sizes.some((size) => !Number.isInteger(size) || size < 4 || size % 4 !== 0)) {
        throw new OptionError('--sizes: each N must be a multiple of 4 (groups of four)');
      }
      const rates = list(values.rates ?? (quick ? '2000,max' : '2000,10000,max')).map((rate) => (rate === 'max' ? null : Number(rate)));
      if (rates.some((rate) => rate !== null && !(rate > 0))) throw new OptionError('--rates: positive numbers or "max"');
      const only = values.only;
      if (only !== undefined && only !== 'relay' && only !== 'baseline') throw new OptionError('--only=relay or --only=baseline');
      const history = list(values.history).map((count) => wholeNumber('history', count, 0));
      const seconds = (name: string, text: string | undefined, fallback: number, min: 'zero' | 'positive'): number => {
        const value = Number(text ?? fallback);
        if (!(min === 'zero' ? value >= 0 : value > 0)) throw new OptionError(`--${name}: seconds (${min === 'zero' ? '0 or more' : 'more than 0'})`);
        return value;
      };
      return {
        sizes,
        rates,
        durationMs: seconds('duration', values.duration, quick ? 3 : 10, 'positive') * 1000,
        drainMs: seconds('drain', values.drain, quick ? 5 : 20, 'zero') * 1000,
        settleMs: quick ? 1000 : 3000,
        targets: only === undefined ? ['baseline', 'relay'] : [only],
        profile: values.profile,
        dbDir: values['db-dir'] ?? tmpdir(),
        quick,
        webhooks: values.webhooks,
        history,
        repeat: wholeNumber('repeat', values.repeat),
        warmupMs: seconds('warmup', values.warmup, quick ? 1 : 2, 'zero') * 1000,
        report: values.report,
      };
    },
  );
}

interface MemoryReading {
  rss: number;
  heap: HeapReading | undefined;
}

async function readMemory(server: ServerProcess): Promise<MemoryReading> {
  const heap = server.inspectorUrl ? await collectGarbage(server.inspectorUrl) : undefined;
  await sleep(300);
  return { rss: rssBytes(server.pid), heap };
}

async function runScenario(target: Target, sockets: number, rate: number | null, history: number, options: Options): Promise<ScenarioResult> {
  const dataDir = await mkdtemp(join(options.dbDir, 'santa-chat-bench-'));
  const databasePath = join(dataDir, 'relay.db');
  if (target === 'relay' && history > 0) {
    copyHistory(await historyDatabase(history, (line) => process.stderr.write(`${line}\n`)), databasePath);
  }
  const receiver = options.webhooks && target === 'relay' ? await startWebhookReceiver() : undefined;
  const secrets: Secrets = {
    jwt: randomBytes(32).toString('base64url'),
    admin: randomBytes(24).toString('base64url'),
    ...(receiver ? { webhookUrl: receiver.url } : {}),
  };
  const server = await startTarget(target, dataDir, secrets);
  let generator: Generator | undefined;
  let ackedIds: number[] = [];
  try {
    const plan = target === 'relay' ? await within(relayPlan(server.url, sockets, secrets), 180_000, 'relay setup') : baselinePlan(server.url, sockets);
    await sleep(options.settleMs);
    const before = await readMemory(server);

    // Two halves (whole pairs each), memory read after each: the second half's cost per socket
    // does not depend on what the setup left for the allocator to reuse.
    const spawned = new Generator();
    generator = spawned;
    const half = sockets / 2;
    const connectRange = async (from: number, to: number): Promise<ConnectResult> => {
      const { result } = await spawned.request(
        { type: 'connect', target, wsUrl: plan.wsUrl, hellos: plan.hellos, pairs: plan.pairs, from, to, concurrency: 100, timeoutMs: 30_000 },
        'connected',
        180_000,
      );
      if (result.failed > 0) throw new Error(`${result.failed} of ${to - from} sockets failed to connect: ${result.firstError}`);
      await sleep(options.settleMs);
      return result;
    };
    const firstHalf = await connectRange(0, half);
    const halfway = await readMemory(server);
    const secondHalf = await connectRange(half, sockets);
    const idle = await readMemory(server);
    const connect: ConnectResult = { ms: firstHalf.ms + secondHalf.ms, ready: firstHalf.ready + secondHalf.ready, failed: 0, firstError: undefined };

    // The same load first, outside the window: what follows measures the server warm.
    let warmup: Omit<RunResult, 'ackedIds'> | undefined;
    if (options.warmupMs > 0) {
      const { result: warm } = await spawned.request(
        { type: 'run', rate, durationMs: options.warmupMs, drainMs: options.drainMs },
        'result',
        options.warmupMs + options.drainMs + 60_000,
      );
      const { ackedIds: warmAcked, ...warmRun } = warm;
      ackedIds = warmAcked;
      warmup = warmRun;
    }

    const profiler = options.profile && target === 'relay' && server.inspectorUrl ? await startProfiling(server.inspectorUrl) : undefined;
    let profile: Promise<CpuProfile> | undefined;
    let serverCpu: CpuWindow | undefined;
    let generatorCpu: CpuWindow | undefined;
    let benchCpu: CpuWindow | undefined;
    let cpu: ScenarioResult['cpu'] = { serverCores: NaN, serverCpuUsPerMessage: NaN, mainThreadUsPerMessage: NaN, writerThreadUsPerMessage: NaN, generatorCores: NaN, systemBusy: NaN, systemIowait: NaN };
    const generatorPid = spawned.pid;
    let walMeter: WalMeter | undefined;
    let wal: WalReading | undefined;
    let writtenAtStart = NaN;
    let written = NaN;
    let syscallsAtStart = NaN;
    let syscalls = NaN;
    const off = spawned.on((message) => {
      if (message.type === 'window-start') {
        serverCpu = new CpuWindow(server.pid, target === 'relay' ? WRITER_THREAD_NAME : undefined);
        generatorCpu = new CpuWindow(generatorPid);
        benchCpu = new CpuWindow(process.pid);
        syscallsAtStart = writeSyscalls(server.pid);
        if (target === 'relay') {
          walMeter = new WalMeter(databasePath);
          writtenAtStart = writeBytes(server.pid);
        }
      }
      if (message.type === 'window-end' && walMeter) {
        wal = walMeter.stop();
        written = writeBytes(server.pid) - writtenAtStart;
      }
      if (message.type === 'window-end') {
        syscalls = writeSyscalls(server.pid) - syscallsAtStart;
        profile = profiler?.stop();
      }
      if (message.type === 'window-end' && serverCpu && generatorCpu) {
        const relayWindow = serverCpu.end();
        const generatorWindow = generatorCpu.end();
        cpu = {
          serverCores: relayWindow.cores,
          serverCpuUsPerMessage: NaN,
          mainThreadUsPerMessage: relayWindow.mainThreadSeconds * 1e6,
          writerThreadUsPerMessage: relayWindow.threadSeconds * 1e6,
          generatorCores: generatorWindow.cores,
          ...(benchCpu ? { benchCores: benchCpu.end().cores } : {}),
          systemBusy: relayWindow.systemBusy,
          systemIowait: relayWindow.systemIowait,
          systemSteal: relayWindow.systemSteal,
        };
        cpu.serverCpuUsPerMessage = relayWindow.cpuSeconds * 1e6;
      }
    });
    let rssPeak = idle.rss;
    const sampler = setInterval(() => {
      rssPeak = Math.max(rssPeak, rssBytes(server.pid));
    }, 250);
    const { result } = await spawned.request(
      { type: 'run', rate, durationMs: options.durationMs, drainMs: options.drainMs },
      'result',
      options.durationMs + options.drainMs + 60_000,
    ).finally(() => {
      clearInterval(sampler);
      off();
    });
    ackedIds = ackedIds.concat(result.ackedIds);
    const { ackedIds: _ids, ...run } = result;
    const reads = target === 'relay' ? await probeReads(server.url, plan, secrets) : undefined;
    cpu.serverCpuUsPerMessage = result.deliveredInWindow > 0 ? cpu.serverCpuUsPerMessage / result.deliveredInWindow : NaN;
    cpu.mainThreadUsPerMessage = result.deliveredInWindow > 0 ? cpu.mainThreadUsPerMessage / result.deliveredInWindow : NaN;
    cpu.writerThreadUsPerMessage = result.deliveredInWindow > 0 ? cpu.writerThreadUsPerMessage / result.deliveredInWindow : NaN;
    const heapOf = (reading: MemoryReading): number => (reading.heap ? reading.heap.heapUsed + reading.heap.external : NaN);
    const stored = result.deliveredInWindow;
    const scenario: ScenarioResult = {
      target,
      sockets,
      rate,
      history: target === 'relay' ? history : 0,
      writeSyscallsPerMessage: stored > 0 ? syscalls / stored : NaN,
      ...(wal ? { storage: { walBytesPerMessage: (wal.frames * wal.frameBytes) / stored, writeBytesPerMessage: written / stored, wal } } : {}),
      ...(reads ? { reads } : {}),
      connect,
      memory: {
        rssBefore: before.rss,
        rssIdle: idle.rss,
        rssHalfway: halfway.rss,
        rssPerIdleSocket: (idle.rss - before.rss) / sockets,
        rssPerIdleSocketSecondHalf: (idle.rss - halfway.rss) / (sockets - half),
        heapPerIdleSocket: (heapOf(idle) - heapOf(before)) / sockets,
        rssPeakDuringRun: rssPeak,
      },
      run,
      ...(warmup ? { warmup } : {}),
      deliveredPerSecond: result.deliveredInWindow / (result.windowMs / 1000),
      // The warm-up's messages count too (one still on its way is counted by the run that received it).
      lost: result.sent - result.delivered - result.refused + (warmup ? warmup.sent - warmup.delivered - warmup.refused : 0),
      cpu,
      load: machineLoad(),
    };
    await spawned.close();
    generator = undefined;
    await server.stop();
    if (target === 'relay') scenario.stored = checkStored(databasePath, ackedIds);
    if (profile) {
      const raw = await profile;
      scenario.profile = summarizeProfile(raw);
      await mkdir(PROFILE_DIR, { recursive: true });
      await writeFile(join(PROFILE_DIR, `relay-${sockets}-${rate ?? 'max'}-${Date.now()}.cpuprofile`), JSON.stringify(raw));
    }
    return scenario;
  } finally {
    await generator?.close();
    await server.stop();
    if (receiver) {
      console.log(`  webhooks received during the scenario: ${receiver.received()}`);
      await receiver.close();
    }
    await rm(dataDir, { recursive: true, force: true });
  }
}

/**
 * Reads after the drain, on the scenario's own conversations (the same shape whatever the
 * history): the newest history page of a conversation and a participant's conversation list.
 */
async function probeReads(url: string, plan: Plan, secrets: Secrets): Promise<ScenarioResult['reads']> {
  const exp = Math.floor(Date.now() / 1000) + 3600;
  const pages: number[] = [];
  const lists: number[] = [];
  for (let index = 0; index < 200; index += 1) {
    const pair = plan.pairs[(index * 7919) % plan.pairs.length]!;
    const token = signParticipantToken({ sub: userId(pair.a), exp }, secrets.jwt);
    const headers = { authorization: `Bearer ${token}` };
    let started = performance.now();
    const page = await fetch(`${url}/conversations/${pair.conversationId}/messages?limit=50`, { headers });
    await page.arrayBuffer();
    pages.push(performance.now() - started);
    if (page.status !== 200) throw new Error(`history page: ${page.status}`);
    started = performance.now();
    const list = await fetch(`${url}/conversations`, { headers });
    await list.arrayBuffer();
    lists.push(performance.now() - started);
    if (list.status !== 200) throw new Error(`conversation list: ${list.status}`);
  }
  return { historyPage: summarize(pages), conversationList: summarize(lists) };
}

function resultTables(results: readonly ScenarioResult[]): string {
  const find = (target: Target, sockets: number, rate: number | null): ScenarioResult | undefined =>
    results.find((result) => result.target === target && result.sockets === sockets && result.rate === rate);
  const rows: string[][] = [];
  for (const result of results) {
    const base = result.target === 'relay' ? find('baseline', result.sockets, result.rate) : undefined;
    const r = (pick: (scenario: ScenarioResult) => number): string => (base ? ratio(pick(result), pick(base)) : '');
    const run = result.run;
    rows.push([
      `${integer(result.sockets)} × ${rateLabel(result.rate)}`,
      result.target === 'relay' && (result.history ?? 0) > 0 ? `relay, history ${integer(result.history)}` : result.target,
      `${integer(result.deliveredPerSecond)}${r((s) => s.deliveredPerSecond)}`,
      `${percent(run.delivered / run.sent)} of ${integer(run.sent)}`,
      integer(result.lost),
      `${ms(run.endToEnd.p50)}${r((s) => s.run.endToEnd.p50)}`,
      `${ms(run.endToEnd.p95)}${r((s) => s.run.endToEnd.p95)}`,
      `${ms(run.endToEnd.p99)}${r((s) => s.run.endToEnd.p99)}`,
      result.warmup ? ms(result.warmup.endToEnd.p99) : 'n/a',
      result.target === 'relay' ? `${ms(run.ack.p50)} / ${ms(run.ack.p99)}` : 'n/a',
      `${result.cpu.serverCores.toFixed(2)}${r((s) => s.cpu.serverCores)}`,
      Number.isFinite(result.cpu.serverCpuUsPerMessage) ? `${integer(result.cpu.serverCpuUsPerMessage)}${r((s) => s.cpu.serverCpuUsPerMessage)}` : 'n/a',
      `${result.cpu.generatorCores.toFixed(2)}`,
      `${percent(result.cpu.systemBusy)} / ${percent(result.cpu.systemIowait)}`,
      result.stored ? `${integer(result.stored.acked - result.stored.missing)}/${integer(result.stored.acked)}` : 'n/a',
      result.storage ? `${kib(result.storage.walBytesPerMessage)} / ${kib(result.storage.writeBytesPerMessage)}` : 'n/a',
      result.reads ? `${ms(result.reads.historyPage.p50)} / ${ms(result.reads.historyPage.p99)}; ${ms(result.reads.conversationList.p50)} / ${ms(result.reads.conversationList.p99)}` : 'n/a',
    ]);
  }
  const load = table(
    [
      'N × offered',
      'server',
      'delivered/s',
      'delivered',
      'lost',
      'e2e p50 ms',
      'e2e p95 ms',
      'e2e p99 ms',
      'warm-up e2e p99 ms',
      'ACK p50/p99 ms',
      'CPU (cores)',
      'CPU µs/msg',
      'generator CPU',
      'machine busy / iowait',
      'ACKed & stored',
      'WAL / disk writes per msg',
      'reads p50/p99 ms: page; list',
    ],
    rows,
  );
  const history = historyTable(results);

  const memoryRows: string[][] = [];
  for (const sockets of [...new Set(results.map((result) => result.sockets))]) {
    const per = (target: Target, pick: (scenario: ScenarioResult) => number): number => {
      const values = results.filter((result) => result.target === target && result.sockets === sockets).map(pick);
      return values.length > 0 ? values.sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN : NaN;
    };
    for (const target of ['baseline', 'relay'] as const) {
      const rss = per(target, (s) => s.memory.rssPerIdleSocket);
      if (!Number.isFinite(rss)) continue;
      const secondHalf = per(target, (s) => s.memory.rssPerIdleSocketSecondHalf);
      const heap = per(target, (s) => s.memory.heapPerIdleSocket);
      const peak = per(target, (s) => s.memory.rssPeakDuringRun);
      const vsBaseline = (value: number, pick: (scenario: ScenarioResult) => number): string =>
        target === 'relay' ? ratio(value, per('baseline', pick)) : '';
      memoryRows.push([
        integer(sockets),
        target,
        `${kib(rss)}${vsBaseline(rss, (s) => s.memory.rssPerIdleSocket)}`,
        `${kib(secondHalf)}${vsBaseline(secondHalf, (s) => s.memory.rssPerIdleSocketSecondHalf)}`,
        `${kib(heap)}${vsBaseline(heap, (s) => s.memory.heapPerIdleSocket)}`,
        `${(per(target, (s) => s.memory.rssIdle) / KIB / KIB).toFixed(0)} MiB`,
        `${(peak / KIB / KIB).toFixed(0)} MiB`,
      ]);
    }
  }
  const memory = table(
    ['N', 'server', 'RSS per idle socket', 'RSS per socket, 2nd half', 'heap+external per idle socket', 'RSS idle', 'RSS peak under load'],
    memoryRows,
  );
  return `${load}\n\n${memory}${history}`;
}

/**
 * With several `--history` values or `--repeat`: medians per relay configuration, and each
 * history's writes/s, p99 and reads against history 0 of the same run.
 */
function historyTable(results: readonly ScenarioResult[]): string {
  const relays = results.filter((result) => result.target === 'relay');
  const keys = [...new Set(relays.map((result) => `${result.sockets}|${result.rate}|${result.history ?? 0}`))];
  if (keys.length === relays.length) return '';
  const group = (sockets: number, rate: number | null, history: number): ScenarioResult[] =>
    relays.filter((result) => result.sockets === sockets && result.rate === rate && (result.history ?? 0) === history);
  const rows = keys.map((key) => {
    const [socketsText, rateText, historyText] = key.split('|');
    const sockets = Number(socketsText);
    const rate = rateText === 'null' ? null : Number(rateText);
    const history = Number(historyText);
    const runs = group(sockets, rate, history);
    const empty = group(sockets, rate, 0);
    const of = (pick: (scenario: ScenarioResult) => number, scenarios = runs): number => median(scenarios.map(pick));
    const vs = (pick: (scenario: ScenarioResult) => number): string => (history > 0 && empty.length > 0 ? ratio(of(pick), of(pick, empty)).replace('×', '× N=0') : '');
    return [
      `${integer(sockets)} × ${rateLabel(rate)}`,
      integer(history),
      String(runs.length),
      `${integer(of((s) => s.deliveredPerSecond))}${vs((s) => s.deliveredPerSecond)}`,
      `${ms(of((s) => s.run.endToEnd.p99))}${vs((s) => s.run.endToEnd.p99)}`,
      `${integer(of((s) => s.cpu.serverCpuUsPerMessage))}${vs((s) => s.cpu.serverCpuUsPerMessage)}`,
      kib(of((s) => s.storage?.walBytesPerMessage ?? NaN)),
      kib(of((s) => s.storage?.writeBytesPerMessage ?? NaN)),
      `${ms(of((s) => s.reads?.historyPage.p50 ?? NaN))} / ${ms(of((s) => s.reads?.historyPage.p99 ?? NaN))}`,
      `${ms(of((s) => s.reads?.conversationList.p50 ?? NaN))} / ${ms(of((s) => s.reads?.conversationList.p99 ?? NaN))}`,
    ];
  });
  return `\n\nRelay medians per history (ratios: against history 0 of the same run)\n\n${table(
    ['N × offered', 'history', 'runs', 'delivered/s', 'e2e p99 ms', 'CPU µs/msg', 'WAL/msg', 'disk writes/msg', 'page p50/p99 ms', 'list p50/p99 ms'],
    rows,
  )}`;
}

async function main(): Promise<void> {
  const options = parseOptions();
  if (options.report !== undefined) {
    // Prints the tables of a saved run again (e.g. for the README), without running anything.
    const run = JSON.parse(await readFile(options.report, 'utf8')) as SavedRun;
    process.stdout.write(report({ ...run, targets: checkDesignTargets(run.scenarios, run.options.drainMs) }));
    return;
  }
  const machine = machineInfo();
  const startedAt = new Date();
  // Repeats alternate (all scenarios once, then again), so a slow minute of the machine does not
  // fall on one configuration only.
  const once = options.sizes.flatMap((sockets) =>
    options.rates.flatMap((rate) =>
      options.targets.flatMap((target) => (target === 'relay' ? options.history : [0]).map((history) => ({ target, sockets, rate, history }))),
    ),
  );
  const scenarios = Array.from({ length: options.repeat }, () => once).flat();
  // Histories are built (or found in the cache) before the clock starts.
  for (const history of options.targets.includes('relay') ? options.history : []) {
    if (history > 0) await historyDatabase(history, (line) => process.stderr.write(`${line}\n`));
  }
  // The whole run is bounded: setup, connect, run, drain and shutdown of each scenario.
  const budgetMs = scenarios.reduce((total, scenario) => total + options.warmupMs + options.durationMs + 2 * options.drainMs + 90_000 + scenario.sockets * 30 + scenario.history / 100, 0);
  setTimeout(() => {
    process.stderr.write(`bench:relay: over its ${Math.round(budgetMs / 1000)} s budget; stopping.\n`);
    killAll();
    process.exit(3);
  }, budgetMs).unref();
  process.stderr.write(`bench:relay on ${describeMachine(machine)}; load ${machineLoad().loadavg.join(' ')}\n`);
  process.stderr.write(`${scenarios.length} scenarios, at most ${Math.round(budgetMs / 60_000)} min\n`);

  const disk = await durableCommitCeiling(options.dbDir);
  process.stderr.write(
    `durable SQLite commits on ${options.dbDir}: ${integer(disk.commitsPerSecond)}/s (commit p50 ${ms(disk.commitMs.p50)} ms, p99 ${ms(disk.commitMs.p99)} ms)\n`,
  );
  const results: ScenarioResult[] = [];
  for (const scenario of scenarios) {
    const label = `${scenario.target} ${integer(scenario.sockets)} sockets × ${rateLabel(scenario.rate)}${scenario.history > 0 ? `, history ${integer(scenario.history)}` : ''}`;
    process.stderr.write(`${label}: `);
    const started = performance.now();
    const result = await runScenario(scenario.target, scenario.sockets, scenario.rate, scenario.history, options);
    results.push(result);
    process.stderr.write(
      `${integer(result.deliveredPerSecond)}/s delivered, e2e p99 ${ms(result.run.endToEnd.p99)} ms` +
        (result.warmup ? ` (warm-up ${ms(result.warmup.endToEnd.p99)} ms)` : '') +
        `, ${integer(result.lost)} lost, ` +
        `CPU ${result.cpu.serverCores.toFixed(2)} (machine ${percent(result.cpu.systemBusy)} busy of which steal ${percent(result.cpu.systemSteal ?? Number.NaN)}, this bench ${result.cpu.benchCores?.toFixed(2) ?? '?'}), ` +
        `${Math.round(result.cpu.serverCpuUsPerMessage)} µs/msg (main thread ${Math.round(result.cpu.mainThreadUsPerMessage)}` +
        (Number.isFinite(result.cpu.writerThreadUsPerMessage) ? `, SQLite writer ${Math.round(result.cpu.writerThreadUsPerMessage)}` : '') +
        `), ${kib(result.memory.rssPerIdleSocket)}/socket ` +
        (result.storage ? `WAL ${kib(result.storage.walBytesPerMessage)}/msg, disk ${kib(result.storage.writeBytesPerMessage)}/msg ` : '') +
        `${result.writeSyscallsPerMessage.toFixed(2)} main-thread write calls/msg ` +
        `(${Math.round((performance.now() - started) / 1000)} s)\n`,
    );
  }

  const targets = checkDesignTargets(results, options.drainMs);
  const load = machineLoad();
  process.stdout.write(report({ startedAt: startedAt.toISOString(), machine, load, options, disk, scenarios: results, targets }));
  const path = await writeResult('relay', {
    benchmark: 'relay',
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    machine,
    load,
    options,
    disk,
    scenarios: results,
    targets,
  });
  process.stdout.write(`\nwrote ${path}\n`);
  if (options.profile) process.stdout.write(`CPU profiles (open in Chrome DevTools) in ${PROFILE_DIR}\n`);
}

interface SavedRun {
  startedAt: string;
  machine: MachineInfo;
  load: ReturnType<typeof machineLoad>;
  options: Options;
  disk: DiskCeiling;
  scenarios: ScenarioResult[];
  targets: TargetCheck[];
}

const verdict = (check: TargetCheck): string => `- [${check.met === null ? '?' : check.met ? 'met' : 'MISSED'}] ${check.target}: ${check.detail}`;

/** The tables, targets and profiles of a run, as printed at its end (and by `--report=<json>`). */
function report({ startedAt, machine, load, options, disk, scenarios: results, targets }: SavedRun): string {
  const tables = resultTables(results);
  const hotPath = hotPathTargets(results);
  const profiles = results.filter((result) => result.profile);
  const lines = [
    `santa-chat relay benchmark, ${startedAt}`,
    `${describeMachine(machine)}; load average at the end ${load.loadavg.join(' ')}`,
    `${options.durationMs / 1000} s per scenario after ${(options.warmupMs ?? 0) / 1000} s of warm-up, ${options.drainMs / 1000} s drain; ratios are relay / baseline (same run); SQLite in ${options.dbDir}`,
    `this disk's ceiling for one durable SQLite commit per message (WAL, synchronous=FULL, as the relay): ${integer(disk.commitsPerSecond)} commits/s, ` +
      `p50 ${ms(disk.commitMs.p50)} ms, p99 ${ms(disk.commitMs.p99)} ms`,
    '',
    tables,
    '',
    'Targets:',
    ...targets.map(verdict),
    ...(hotPath.length > 0 ? ['', "Issue #17's targets (medians over the repeats; ratios within this run):", ...hotPath.map(verdict)] : []),
    ...profiles.flatMap((result) => [
      '',
      `CPU profile of the relay, ${integer(result.sockets)} × ${rateLabel(result.rate)} (self time, share of busy time):`,
      ...(result.profile?.byArea.slice(0, 8).map((entry) => `  ${(entry.share * 100).toFixed(1).padStart(5)}%  ${entry.name}`) ?? []),
      '  top functions:',
      ...(result.profile?.topFunctions.slice(0, 12).map((entry) => `  ${(entry.share * 100).toFixed(1).padStart(5)}%  ${entry.name}`) ?? []),
    ]),
  ];
  return `${lines.join('\n')}\n`;
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`\nbench:relay failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    killAll();
    process.exit(1);
  },
);
