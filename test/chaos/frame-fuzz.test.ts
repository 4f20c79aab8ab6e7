/**
 * Issue #7, bad input over WebSocket: generated frames (junk, wrong types, edge numbers, deep
 * nesting, `__proto__` keys, binary frames that are not UTF-8, every frame type before and
 * after AUTH) are each answered as docs/protocol.md §3/§4 says, while a well-behaved pair keeps
 * chatting. No exception escapes, the relay logs no failure, and the heap comes back.
 *
 * Short form in `npm test`; `SANTA_CHAT_CHAOS=long` sends 100,000 frames.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { DEFAULT_LIMITS } from '../../server/src/config.js';
import { GROUP_ID, withRelay, type Harness } from '../helpers/ws-harness.js';
import { fuzzFrame, refusedFrame, type Answer, type FuzzFrame, type FuzzWorld } from './frame-model.js';
import { Bystanders, Probe, type ProbeEvent } from './probe.js';
import { scale } from './scale.js';
import { errorLogger, percentile, settledHeapUsed, watchProcess } from './watch.js';

const FRAMES = scale(3_000, 100_000);
/** Sockets fuzzing at once, each as its own user (a send is deduplicated per user and clientId). */
const WORKERS = 3;
const FUZZ_GROUP = 'fuzz';
const FUZZERS = Array.from({ length: WORKERS }, (_, index) => `fuzzer-${index + 1}`);
/** More refused frames than docs/protocol.md §3 lets a socket send in 10 s. */
const ABUSIVE = DEFAULT_LIMITS.abuseRefusedFrames + 1;

interface FuzzStats {
  frames: number;
  sessions: number;
  /** Answers seen, by kind: "ERROR BAD_REQUEST", "CLOSE 4401", "PONG", ... */
  answers: Map<string, number>;
  /** Sockets closed 1008 after more than `abuseRefusedFrames` refused frames. */
  abuseCloses: number;
}

/**
 * A session: frames before AUTH, the fuzzer's good AUTH, frames after it; a close ends it
 * early. One in six is abusive: more refused frames than the relay tolerates in 10 s.
 */
const session = (world: FuzzWorld) =>
  fc.record({
    before: fc.array(fuzzFrame(world, 'before'), { maxLength: 10 }),
    after: fc.oneof(
      { arbitrary: fc.array(fuzzFrame(world, 'after'), { minLength: 1, maxLength: 140, size: 'max' }), weight: 5 },
      { arbitrary: fc.array(refusedFrame(world), { minLength: ABUSIVE, maxLength: ABUSIVE + 20 }), weight: 1 },
    ),
  });

describe('frame fuzzing', () => {
  test(`${FRAMES} generated frames are each answered per the contract, bystanders unaffected, heap back to baseline`, { timeout: scale(120_000, 3_600_000) }, async (t) => {
    const watch = watchProcess();
    const { logger, errors } = errorLogger();
    try {
      await withRelay({ logger, limits: { rateMessages: 1_000_000 } }, async (harness) => {
        const { worlds, bystanders } = await setUp(harness);
        const stats: FuzzStats = { frames: 0, sessions: 0, answers: new Map(), abuseCloses: 0 };
        // Warm-up, so that what the first frames allocate once (caches, compiled code) is in the baseline.
        await fuzz(harness.relay.wsUrl, worlds, stats, 300);
        for (let round = 0; round < 5; round += 1) await bystanders.exchange();
        const heapBefore = await settledHeapUsed();
        const warmUpFrames = stats.frames;

        bystanders.start();
        const startedAt = performance.now();
        await fuzz(harness.relay.wsUrl, worlds, stats, warmUpFrames + FRAMES);
        const seconds = (performance.now() - startedAt) / 1000;
        await bystanders.stop();
        await waitForConnections(harness, 2);
        const heapAfter = await settledHeapUsed();
        await bystanders.close();

        const roundTrips = bystanders.roundTripsMs;
        const figures = {
          frames: stats.frames - warmUpFrames,
          sessions: stats.sessions,
          seconds: Number(seconds.toFixed(1)),
          framesPerSecond: Math.round((stats.frames - warmUpFrames) / seconds),
          abuseCloses: stats.abuseCloses,
          answers: Object.fromEntries([...stats.answers].sort(([a], [b]) => a.localeCompare(b))),
          uncaught: watch.uncaught.length,
          relayErrorLogs: errors.length,
          heapBeforeMiB: mebibytes(heapBefore),
          heapAfterMiB: mebibytes(heapAfter),
          bystanderRoundTrips: roundTrips.length,
          bystanderP50Ms: Number(percentile(roundTrips, 50).toFixed(1)),
          bystanderP99Ms: Number(percentile(roundTrips, 99).toFixed(1)),
          bystanderMaxMs: Number(Math.max(...roundTrips).toFixed(1)),
        };
        t.diagnostic(JSON.stringify(figures));

        assert.ok(stats.frames - warmUpFrames >= FRAMES, `sent ${stats.frames - warmUpFrames} of ${FRAMES} frames`);
        assert.deepEqual(watch.uncaught, [], 'uncaught exceptions or unhandled rejections');
        assert.deepEqual(errors, [], 'the relay logged failures');
        // Every answer kind the generator aims at came up, so the run cannot pass by sending only junk.
        for (const kind of ['ERROR BAD_REQUEST', 'ERROR UNAUTHENTICATED', 'ERROR FORBIDDEN', 'ERROR EMPTY', 'ERROR TOO_LONG', 'PONG', 'HISTORY', 'READY', 'CLOSE 4401', 'CLOSE 1009']) {
          assert.ok((stats.answers.get(kind) ?? 0) > 0, `no frame was answered ${kind}: ${JSON.stringify(figures.answers)}`);
        }
        assert.ok(stats.abuseCloses > 0, 'no socket went past the refused-frames limit');
        // The pair chatted all along, and promptly: generous bounds for a shared 2-core machine.
        assert.ok(roundTrips.length >= 20, `only ${roundTrips.length} bystander round trips`);
        assert.ok(figures.bystanderP99Ms < 1_000, `bystander p99 ${figures.bystanderP99Ms} ms`);
        assert.ok(figures.bystanderMaxMs < 5_000, `bystander max ${figures.bystanderMaxMs} ms`);
        // What stays is what a quiet relay holds anyway; a leak of even 100 bytes a frame would show in the long form.
        assert.ok(heapAfter - heapBefore < 8 * 1024 * 1024, `heap grew from ${figures.heapBeforeMiB} to ${figures.heapAfterMiB} MiB`);
      });
    } finally {
      watch.stop();
    }
  });
});

/** The office group (bob and cleo chat in it), and a group of fuzzers, each the santa of the next. */
async function setUp(harness: Harness): Promise<{ worlds: FuzzWorld[]; bystanders: Bystanders }> {
  await harness.putGroup();
  const fuzzGroup = {
    name: 'Fuzz',
    revealAt: new Date(Date.now() + 7 * 24 * 3600 * 1000).toISOString(),
    members: FUZZERS.map((id) => ({ id, name: id })),
    assignments: FUZZERS.map((santa, index) => ({ santa, giftee: FUZZERS[(index + 1) % FUZZERS.length] })),
  };
  assert.equal((await harness.relay.putGroup(FUZZ_GROUP, fuzzGroup)).status, 201);
  const foreignConversationIds = await Promise.all(
    ['alice', 'bob', 'cleo'].map(async (santa) => (await harness.openConversation(santa, 'giftee', GROUP_ID)).conversation.id),
  );
  const worlds = await Promise.all(
    FUZZERS.map(async (fuzzer, index): Promise<FuzzWorld> => ({
      ownConversationId: (await harness.openConversation(fuzzer, 'giftee', FUZZ_GROUP)).conversation.id,
      foreignConversationIds,
      token: harness.relay.token(fuzzer),
      otherUserToken: harness.relay.token(FUZZERS[(index + 1) % FUZZERS.length] ?? 'bob'),
      maxFrameBytes: DEFAULT_LIMITS.maxFrameBytes,
    })),
  );
  const bob = await Probe.ready(harness.relay.wsUrl, harness.relay.token('bob'));
  const cleo = await Probe.ready(harness.relay.wsUrl, harness.relay.token('cleo'));
  return { worlds, bystanders: new Bystanders(bob, cleo, foreignConversationIds[1] ?? '') };
}

/** Runs sessions on every world at once until `stats.frames` reaches `until`. */
async function fuzz(url: string, worlds: FuzzWorld[], stats: FuzzStats, until: number): Promise<void> {
  let failed = false;
  const results = await Promise.allSettled(
    worlds.map(async (world) => {
      while (stats.frames < until && !failed) {
        await fc
          .assert(
            fc.asyncProperty(session(world), async ({ before, after }) => {
              if (stats.frames >= until || failed) return;
              await runSession(url, world, before, after, stats);
            }),
            { numRuns: 20, includeErrorInReport: true },
          )
          .catch((error: unknown) => {
            failed = true;
            throw error;
          });
      }
    }),
  );
  const failure = results.find((result) => result.status === 'rejected');
  if (failure) throw failure.reason;
}

async function runSession(url: string, world: FuzzWorld, before: FuzzFrame[], after: FuzzFrame[], stats: FuzzStats): Promise<void> {
  stats.sessions += 1;
  const probe = await Probe.open(url);
  const auth: FuzzFrame = { label: 'AUTH', data: JSON.stringify({ type: 'AUTH', token: world.token }), binary: false, answer: { type: 'READY' } };
  const socket = { refusals: 0 };
  try {
    for (const frame of [...before, auth, ...after]) {
      if (!(await exchange(probe, frame, stats, socket))) return;
    }
  } finally {
    await probe.close();
  }
}

/** Sends one frame and checks its answer; false when the socket is closed (as it should be). */
async function exchange(probe: Probe, frame: FuzzFrame, stats: FuzzStats, socket: { refusals: number }): Promise<boolean> {
  probe.send(frame.data, frame.binary);
  stats.frames += 1;
  const event = await probe.next(10_000);
  assertAnswer(frame, event);
  const kind = frame.answer.type === 'ERROR' || frame.answer.type === 'CLOSE' ? `${frame.answer.type} ${frame.answer.code}` : frame.answer.type;
  stats.answers.set(kind, (stats.answers.get(kind) ?? 0) + 1);
  if (frame.answer.type === 'CLOSE') return false;
  if (frame.answer.type !== 'ERROR') return true;
  socket.refusals += 1;
  if (socket.refusals <= DEFAULT_LIMITS.abuseRefusedFrames) return true;
  // docs/protocol.md §3: over 100 refused frames in 10 s, the socket is closed 1008.
  assertAnswer({ ...frame, label: `${frame.label}, refused frame ${socket.refusals}` }, await probe.next(10_000), { type: 'CLOSE', code: 1008 });
  stats.abuseCloses += 1;
  return false;
}

function assertAnswer(frame: FuzzFrame, event: ProbeEvent, answer: Answer = frame.answer): void {
  const got = event.kind === 'close' ? `close ${event.code}` : event.text.slice(0, 300);
  const why = `${frame.label}: sent ${preview(frame.data)}; expected ${JSON.stringify(answer)}; got ${got}`;
  if (answer.type === 'CLOSE') {
    assert.ok(event.kind === 'close' && event.code === answer.code, why);
    return;
  }
  assert.ok(event.kind === 'frame' && event.frame.type === answer.type, why);
  const received = event.frame;
  if (answer.type === 'ERROR') {
    assert.equal(received.code, answer.code, why);
    assert.ok(typeof received.message === 'string' && received.message.length > 0, why);
    if (answer.conversationId !== undefined) assert.equal(received.conversationId, answer.conversationId, why);
    if (answer.clientId !== undefined) assert.equal(received.clientId, answer.clientId, why);
  }
  if (answer.type === 'HISTORY') {
    assert.equal(received.conversationId, answer.conversationId, why);
    assert.ok(Array.isArray(received.messages) && typeof received.hasMore === 'boolean', why);
  }
}

function preview(data: string | Uint8Array): string {
  if (typeof data !== 'string') return `binary ${Buffer.from(data).toString('hex').slice(0, 120)}`;
  return JSON.stringify(data.length > 200 ? `${data.slice(0, 200)}… (${data.length} chars)` : data);
}

/** Waits until the relay counts `expected` open sockets (the fuzzers' are all gone). */
async function waitForConnections(harness: Harness, expected: number): Promise<void> {
  let text = '';
  for (let attempt = 0; attempt < 50; attempt += 1) {
    text = await harness.relay.metricsText();
    if (new RegExp(`^santa_chat_connections ${expected}$`, 'm').test(text)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.fail(`the relay still counts sockets: ${/^santa_chat_connections .*$/m.exec(text)?.[0]}`);
}

const mebibytes = (bytes: number): number => Number((bytes / 1024 / 1024).toFixed(1));
