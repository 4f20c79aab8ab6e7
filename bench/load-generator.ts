/**
 * The load generator of `npm run bench:relay`, in its own process (forked by bench/relay.ts,
 * commands over IPC). It opens one socket per participant, sends `NEW_MESSAGE` frames at the
 * offered rate (or as fast as deliveries come back), and times each message from the send to
 * its receipt on the peer's socket, and to its `ACK`.
 *
 * A frame is recognised by its first bytes and the message by the number in its content
 * (`"content":"bench <id> …"`), so reading 30,000 frames a second costs the generator little;
 * only `ERROR` frames are parsed in full.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import WebSocket from 'ws';
import { mapLimit } from './lib/processes.js';
import type { ConnectCommand, ConnectResult, FromGenerator, RunCommand, RunResult, ToGenerator } from './lib/generator-protocol.js';
import { summarize } from './lib/stats.js';
import { benchClientId, benchIdOf } from './lib/client-ids.js';

const NEW_MESSAGE = '{"type":"NEW_MESSAGE"';
const ACK = '{"type":"ACK","clientId":"';
const ERROR = '{"type":"ERROR"';
const READY = '{"type":"READY"';
const CONTENT = '"content":"bench ';
/** A chat-sized message: about 60 characters. */
const PADDING = ' Do you like blue or red? Wool or cotton? Asking for a friend';

function send(message: FromGenerator): void {
  process.send?.(message);
}

// Sockets and their pairing.
let sockets: WebSocket[] = [];
let peerOf = new Int32Array(0);
let conversationOf: string[] = [];
const readyWaiters = new Map<number, (ready: boolean) => void>();
let closedSockets = 0;

// Per message, indexed by its id.
const sentAt: number[] = [];
const senderOf: number[] = [];
const deliveredAt: number[] = [];
const ackedAt: number[] = [];
const completed: boolean[] = [];

// Per run.
let target: 'relay' | 'baseline' = 'relay';
let windowStart = 0;
let windowEnd = Number.POSITIVE_INFINITY;
let sending = false;
let closedLoop = false;
let stats = freshStats();

function freshStats() {
  return { sent: 0, delivered: 0, deliveredInWindow: 0, acked: 0, refused: 0, duplicates: 0, errors: {} as Record<string, number> };
}

function sendFrom(socketIndex: number): void {
  const socket = sockets[socketIndex];
  if (!socket || socket.readyState !== WebSocket.OPEN) return;
  const id = sentAt.length;
  const frame = `{"type":"NEW_MESSAGE","conversationId":"${conversationOf[socketIndex]}","clientId":"${benchClientId(id, Date.now())}","content":"bench ${id}${PADDING}"}`;
  senderOf.push(socketIndex);
  deliveredAt.push(Number.NaN);
  ackedAt.push(Number.NaN);
  completed.push(false);
  sentAt.push(performance.now());
  stats.sent += 1;
  socket.send(frame);
}

/** A message is done for the sender once its peer has it (or it was refused). */
function complete(id: number): void {
  if (completed[id]) return;
  completed[id] = true;
  if (closedLoop && sending) sendFrom(senderOf[id] ?? 0);
}

function onFrame(socketIndex: number, text: string): void {
  if (text.startsWith(NEW_MESSAGE)) {
    const at = text.indexOf(CONTENT);
    if (at < 0) return;
    const id = Number.parseInt(text.slice(at + CONTENT.length, at + CONTENT.length + 12), 10);
    if (!(id < sentAt.length) || senderOf[id] === socketIndex) return; // the sender's own copy
    if (!Number.isNaN(deliveredAt[id] ?? Number.NaN)) {
      stats.duplicates += 1;
      return;
    }
    const now = performance.now();
    deliveredAt[id] = now;
    stats.delivered += 1;
    if (now <= windowEnd) stats.deliveredInWindow += 1;
    complete(id);
    return;
  }
  if (text.startsWith(ACK)) {
    const id = benchIdOf(text.slice(ACK.length, ACK.length + 36));
    if (!(id < sentAt.length) || !Number.isNaN(ackedAt[id] ?? Number.NaN)) return;
    ackedAt[id] = performance.now();
    stats.acked += 1;
    return;
  }
  if (text.startsWith(READY)) {
    readyWaiters.get(socketIndex)?.(true);
    return;
  }
  if (text.startsWith(ERROR)) {
    const frame = JSON.parse(text) as { code?: string; clientId?: string };
    const code = frame.code ?? 'UNKNOWN';
    stats.errors[code] = (stats.errors[code] ?? 0) + 1;
    const id = benchIdOf(frame.clientId ?? '');
    if (id < sentAt.length) {
      stats.refused += 1;
      complete(id);
    }
  }
}

function openSocket(command: ConnectCommand, index: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = new WebSocket(command.wsUrl, { perMessageDeflate: false });
    sockets[index] = socket;
    const timer = setTimeout(() => finish(`socket ${index}: no READY in ${command.timeoutMs} ms`), command.timeoutMs);
    function finish(error: string | undefined): void {
      clearTimeout(timer);
      readyWaiters.delete(index);
      resolve(error);
    }
    readyWaiters.set(index, (ready) => finish(ready ? undefined : `socket ${index}: closed before READY`));
    socket.on('open', () => socket.send(command.hellos[index] ?? ''));
    socket.on('message', (data: Buffer) => onFrame(index, data.toString('utf8')));
    socket.on('error', (error) => finish(`socket ${index}: ${error.message}`));
    socket.on('close', (code) => {
      closedSockets += 1;
      finish(`socket ${index}: closed ${code} before READY`);
    });
  });
}

async function connect(command: ConnectCommand): Promise<ConnectResult> {
  const count = command.hellos.length;
  if (sockets.length !== count) {
    sockets = new Array<WebSocket>(count);
    peerOf = new Int32Array(count).fill(-1);
    conversationOf = new Array<string>(count).fill('');
    for (const pair of command.pairs) {
      peerOf[pair.a] = pair.b;
      peerOf[pair.b] = pair.a;
      conversationOf[pair.a] = pair.conversationId;
      conversationOf[pair.b] = pair.conversationId;
    }
  }
  const indexes = Array.from({ length: command.to - command.from }, (_, offset) => command.from + offset);
  const started = performance.now();
  const errors = await mapLimit(indexes, command.concurrency, (index) => openSocket(command, index));
  const failed = errors.filter((error) => error !== undefined);
  return { ms: Math.round(performance.now() - started), ready: indexes.length - failed.length, failed: failed.length, firstError: failed[0] };
}

function shuffled(count: number): number[] {
  const order = Array.from({ length: count }, (_, index) => index);
  for (let index = count - 1; index > 0; index--) {
    const other = Math.floor(Math.random() * (index + 1));
    [order[index], order[other]] = [order[other] as number, order[index] as number];
  }
  return order;
}

async function run(command: RunCommand): Promise<RunResult> {
  stats = freshStats();
  const firstId = sentAt.length;
  const closedBefore = closedSockets;
  const lags: number[] = [];
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  const senders = shuffled(sockets.length).filter((index) => peerOf[index] !== -1);
  loopDelay.enable();
  send({ type: 'window-start' });
  windowStart = performance.now();
  windowEnd = windowStart + command.durationMs;
  sending = true;
  closedLoop = command.rate === null;

  await new Promise<void>((resolve) => {
    const stop = (): void => {
      sending = false;
      send({ type: 'window-end' });
      resolve();
    };
    if (command.rate === null) {
      // Unthrottled: every socket keeps one message in flight, the next leaves when its peer has it.
      for (const index of senders) sendFrom(index);
      setTimeout(stop, command.durationMs);
      return;
    }
    const rate = command.rate;
    let cursor = 0;
    // Offered, not sent: a socket the server closed (bench:kill) skips its turn, and the
    // schedule goes on instead of retrying it forever.
    let offered = 0;
    const tick = (): void => {
      const now = performance.now();
      const due = Math.floor((rate * (Math.min(now, windowEnd) - windowStart)) / 1000);
      while (offered < due) {
        offered += 1;
        lags.push(now - (windowStart + (offered * 1000) / rate));
        sendFrom(senders[cursor] ?? 0);
        cursor = (cursor + 1) % senders.length;
      }
      if (now >= windowEnd) stop();
      else setTimeout(tick, 1);
    };
    tick();
  });

  // Drain: wait for what is still in flight, within the bound.
  const drainStart = performance.now();
  const done = (): boolean =>
    stats.delivered + stats.refused >= stats.sent && (stats.acked + stats.refused >= stats.sent || target !== 'relay');
  while (!done() && performance.now() - drainStart < command.drainMs) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const drainedMs = Math.round(performance.now() - drainStart);
  loopDelay.disable();

  const endToEnd: number[] = [];
  const ack: number[] = [];
  const ackedIds: number[] = [];
  for (let id = firstId; id < sentAt.length; id++) {
    const sent = sentAt[id] ?? Number.NaN;
    const delivered = deliveredAt[id] ?? Number.NaN;
    const acked = ackedAt[id] ?? Number.NaN;
    if (!Number.isNaN(delivered)) endToEnd.push(delivered - sent);
    if (!Number.isNaN(acked)) {
      ack.push(acked - sent);
      ackedIds.push(id);
    }
  }
  return {
    rate: command.rate,
    windowMs: command.durationMs,
    sent: stats.sent,
    deliveredInWindow: stats.deliveredInWindow,
    delivered: stats.delivered,
    acked: stats.acked,
    refused: stats.refused,
    duplicates: stats.duplicates,
    errors: stats.errors,
    closedDuringRun: closedSockets - closedBefore,
    endToEnd: summarize(endToEnd),
    ack: summarize(ack),
    scheduleLag: summarize(lags),
    generatorLoopDelayP99Ms: Math.round(loopDelay.percentile(99) / 1e4) / 100,
    drainedMs,
    ackedIds,
  };
}

process.on('message', (message: ToGenerator) => {
  const fail = (error: unknown): void => send({ type: 'fatal', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  switch (message.type) {
    case 'connect':
      target = message.target;
      connect(message).then((result) => send({ type: 'connected', result }), fail);
      return;
    case 'run':
      run(message).then((result) => send({ type: 'result', result }), fail);
      return;
    case 'close':
      for (const socket of sockets) socket?.terminate();
      process.exit(0);
  }
});

// Never outlive the parent.
process.on('disconnect', () => process.exit(0));
