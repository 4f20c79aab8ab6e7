/**
 * `npm run bench:kill`: durable before acknowledged, at bench:relay's load. The relay (its own
 * entry point, SQLite on disk) gets `--sockets` sockets in santa-giftee pairs offering
 * `--rate` messages a second; after a warm-up, at a random moment of the window it is killed
 * with SIGKILL. It is then started again on the same file, as an operator would, and stopped
 * with SIGTERM; every message whose ACK a client received must be in that file. Exits 1 if one
 * is not.
 *
 *   npm run bench:kill -- [--sockets=1000] [--rate=10000] [--kills=3] [--window=8] [--db-dir=DIR]
 *
 * `--rate=max` offers as fast as the relay answers (each socket keeps one message in flight).
 * Messages stored but not ACKed (the kill fell between a batch's COMMIT and its ACKs) are
 * counted too: they are allowed, since a client retries them with the same clientId and is
 * answered with the stored message. The chaos suite (`npm run test:chaos`, relay-kill) kills
 * more often at a smaller load, with real widget clients and their outboxes.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Target } from './lib/generator-protocol.js';
import { describeMachine, machineInfo } from './lib/machine.js';
import { OptionError, readOptions, wholeNumber } from './lib/options.js';
import { within } from './lib/processes.js';
import { table, writeResult } from './lib/results.js';
import { checkStored, Generator, killAll, relayPlan, startTarget, type Secrets } from './lib/scenario-parts.js';

const USAGE = '[--sockets=1000] [--rate=10000|max] [--kills=3] [--window=8] [--db-dir=DIR]';
const WARMUP_MS = 2000;
const RELAY: Target = 'relay';

const options = readOptions(
  'kill',
  USAGE,
  {
    sockets: { type: 'string', default: '1000' },
    rate: { type: 'string', default: '10000' },
    kills: { type: 'string', default: '3' },
    window: { type: 'string', default: '8' },
    'db-dir': { type: 'string', default: tmpdir() },
  },
  (values) => {
    const sockets = wholeNumber('sockets', values.sockets, 4);
    if (sockets % 4 !== 0) throw new OptionError(`--sockets=${values.sockets}: a multiple of 4 (groups of four)`);
    const window = wholeNumber('window', values.window, 2);
    return {
      sockets,
      rate: values.rate === 'max' ? null : wholeNumber('rate', values.rate),
      kills: wholeNumber('kills', values.kills),
      windowMs: window * 1000,
      dbDir: values['db-dir'],
    };
  },
);

interface Round {
  killAtMs: number;
  sent: number;
  acked: number;
  stored: number;
  /** ACKed (by a client) but not in the file: must be 0. */
  missing: number;
  /** In the file without an ACK having reached its client: the kill fell between COMMIT and ACK. */
  storedNotAcked: number;
  restartMs: number;
}

/** One relay, loaded, killed, restarted on its file and stopped; what was ACKed against what was stored. */
async function round(): Promise<Round> {
  const dataDir = await mkdtemp(join(options.dbDir, 'santa-chat-bench-kill-'));
  const secrets: Secrets = { jwt: randomBytes(32).toString('base64url'), admin: randomBytes(24).toString('base64url') };
  const generator = new Generator();
  let relay = await startTarget(RELAY, dataDir, secrets);
  try {
    const plan = await within(relayPlan(relay.url, options.sockets, secrets), 180_000, 'relay setup');
    const { result: connected } = await generator.request(
      { type: 'connect', target: RELAY, wsUrl: plan.wsUrl, hellos: plan.hellos, pairs: plan.pairs, from: 0, to: options.sockets, concurrency: 100, timeoutMs: 30_000 },
      'connected',
      180_000,
    );
    if (connected.failed > 0) throw new Error(`${connected.failed} sockets failed to connect: ${connected.firstError}`);
    const { result: warm } = await generator.request({ type: 'run', rate: options.rate, durationMs: WARMUP_MS, drainMs: 2000 }, 'result', 60_000);

    // Somewhere in the middle half of the window, so the relay is at its steady load.
    const killAtMs = randomInt(Math.round(options.windowMs / 4), Math.round((options.windowMs * 3) / 4));
    const victim = relay;
    let killer: NodeJS.Timeout | undefined;
    const off = generator.on((message) => {
      if (message.type === 'window-start') killer = setTimeout(() => victim.child.kill('SIGKILL'), killAtMs);
    });
    const { result: run } = await generator
      .request({ type: 'run', rate: options.rate, durationMs: options.windowMs, drainMs: 1000 }, 'result', options.windowMs + 60_000)
      .finally(() => {
        off();
        clearTimeout(killer);
      });
    const exit = await within(victim.exited, 10_000, 'the killed relay to exit');
    if (exit !== 'SIGKILL') throw new Error(`the relay ended with ${exit} before its SIGKILL: ${victim.stderr()}`);

    // Started again on the same file: it must open it (the WAL recovered) and serve.
    const restartedAt = performance.now();
    relay = await startTarget(RELAY, dataDir, secrets);
    const restartMs = performance.now() - restartedAt;
    const health = await fetch(`${relay.url}/healthz`);
    if (health.status !== 200) throw new Error(`the restarted relay is not healthy: ${health.status} ${await health.text()}`);
    const stopped = await relay.stop();
    if (stopped !== 0) throw new Error(`the restarted relay exited ${stopped}: ${relay.stderr()}`);

    const ackedIds = warm.ackedIds.concat(run.ackedIds);
    const check = checkStored(join(dataDir, 'relay.db'), ackedIds);
    return {
      killAtMs,
      sent: warm.sent + run.sent,
      acked: check.acked,
      stored: check.rows,
      missing: check.missing,
      storedNotAcked: check.rows - (check.acked - check.missing),
      restartMs,
    };
  } finally {
    await generator.close();
    await relay.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const machine = machineInfo();
  const load = `${options.sockets.toLocaleString('en-US')} sockets × ${options.rate === null ? 'unthrottled' : `${options.rate.toLocaleString('en-US')}/s`}`;
  process.stderr.write(`bench:kill on ${describeMachine(machine)}: ${load}, ${options.kills} kills\n`);
  const rounds: Round[] = [];
  for (let index = 0; index < options.kills; index += 1) {
    const result = await round();
    rounds.push(result);
    process.stderr.write(
      `kill ${index + 1}: SIGKILL ${(result.killAtMs / 1000).toFixed(2)} s into the window; ${result.acked.toLocaleString('en-US')} ACKed, ` +
        `${result.missing} of them missing after the restart; ${result.storedNotAcked} stored without an ACK\n`,
    );
  }
  const header = ['kill', 'SIGKILL at (s into the window)', 'sent', 'ACKed', 'stored', 'ACKed but not stored', 'stored, ACK not received', 'restart ms'];
  const rows = rounds.map((result, index) => [
    String(index + 1),
    (result.killAtMs / 1000).toFixed(2),
    result.sent.toLocaleString('en-US'),
    result.acked.toLocaleString('en-US'),
    result.stored.toLocaleString('en-US'),
    String(result.missing),
    String(result.storedNotAcked),
    String(Math.round(result.restartMs)),
  ]);
  process.stdout.write(`bench:kill, ${new Date().toISOString()}, ${describeMachine(machine)}\n${load}, ${WARMUP_MS / 1000} s warm-up, ${options.windowMs / 1000} s window; SQLite in ${options.dbDir}\n\n${table(header, rows)}\n\n`);
  const missing = rounds.reduce((total, result) => total + result.missing, 0);
  process.stdout.write(`${missing === 0 ? '[met]' : '[MISSED]'} every ACKed message stored after kill -9: ${missing} missing over ${rounds.length} kills\n`);
  process.stdout.write(`wrote ${await writeResult('kill', { machine, options, rounds })}\n`);
  if (missing > 0) process.exitCode = 1;
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => {
    process.stderr.write(`\nbench:kill failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    killAll();
    process.exit(1);
  },
);
