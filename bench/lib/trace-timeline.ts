/**
 * A Chrome trace (devtools.timeline) of one measured run, as lines of the renderer's main
 * thread: what ran between the page's `bench:start` and `bench:painted` marks, when and for
 * how long, nested (a Layout inside a script call is the script forcing it).
 */
interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  args?: { data?: { functionName?: string; url?: string; lineNumber?: number } };
}

/** Events worth a line; RunTask and the like only wrap them. */
const SHOWN = new Set([
  'FunctionCall',
  'EventDispatch',
  'TimerFire',
  'FireAnimationFrame',
  'RunMicrotasks',
  'v8.run',
  'UpdateLayoutTree',
  'Layout',
  'PrePaint',
  'Paint',
  'Layerize',
  'Commit',
  'MajorGC',
  'MinorGC',
  'V8.GC_SCAVENGER',
  'HitTest',
  'ParseAuthorStyleSheet',
]);

export function traceTimeline(trace: { traceEvents: TraceEvent[] }, minMs = 0.3): string[] {
  const events = trace.traceEvents;
  const mark = (name: string): TraceEvent | undefined => events.filter((event) => event.name === name).at(-1);
  const start = mark('bench:start');
  const dom = mark('bench:dom');
  const painted = mark('bench:painted');
  if (!start || !painted) return ['(no bench marks in the trace)'];
  const from = start.ts;
  // Marks record their startTime in ts; a mark made later with a given startTime keeps it.
  const until = painted.ts + 2_000;
  const main = events.filter((event) => event.pid === start.pid && event.tid === start.tid && event.ph === 'X' && event.ts >= from - 1_000 && event.ts <= until);
  main.sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
  const lines = [`marks: start 0.0, dom ${dom ? ((dom.ts - from) / 1000).toFixed(1) : '?'}, painted ${((painted.ts - from) / 1000).toFixed(1)} ms`];
  const open: TraceEvent[] = [];
  for (const event of main) {
    while (open.length > 0 && event.ts >= (open.at(-1)?.ts ?? 0) + (open.at(-1)?.dur ?? 0)) open.pop();
    const shown = SHOWN.has(event.name) && (event.dur ?? 0) / 1000 >= minMs;
    if (!shown) continue;
    const data = event.args?.data;
    const what = data?.functionName ? `${event.name} ${data.functionName}` : data?.url ? `${event.name} ${data.url.replace(/^https?:\/\/[^/]+\//, '')}:${data.lineNumber ?? ''}` : event.name;
    lines.push(`${((event.ts - from) / 1000).toFixed(1).padStart(7)} ms ${((event.dur ?? 0) / 1000).toFixed(1).padStart(6)} ms ${'  '.repeat(open.length)}${what}`);
    open.push(event);
  }
  return lines;
}
