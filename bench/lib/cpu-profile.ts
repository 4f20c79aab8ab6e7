/**
 * Sums a V8 CPU profile (the inspector's `Profiler.stop`, or a `.cpuprofile` file) self time by function and by
 * where the code lives (a package in node_modules, a file of the relay, Node itself, or
 * V8's own buckets such as `(garbage collector)` and `(idle)`).
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  name: string;
  ms: number;
  share: number;
}

export interface ProfileSummary {
  totalMs: number;
  /** Excluding `(idle)`: the share of busy time is what the relay spent working. */
  busyMs: number;
  topFunctions: SelfTime[];
  byArea: SelfTime[];
}

function area(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules?.[1]) return modules[1];
  if (url.startsWith('node:')) return 'node: (core)';
  const own = /\/((?:server|protocol)\/src\/.*|protocol\/[^/]+)$/.exec(url);
  return own?.[1] ?? url;
}

function shortUrl(url: string): string {
  const modules = /node_modules\/(.*)$/.exec(url);
  if (modules?.[1]) return modules[1];
  const own = /\/((?:server|protocol|bench)\/.*)$/.exec(url);
  return own?.[1] ?? url;
}

export function summarizeProfile(profile: CpuProfile, top = 15): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const functions = new Map<string, number>();
  const areas = new Map<string, number>();
  let totalUs = 0;
  let idleUs = 0;
  profile.samples.forEach((nodeId, index) => {
    // timeDeltas[i] is the time before sample i; the time after it is the next delta.
    const us = profile.timeDeltas[index + 1] ?? 0;
    const node = byId.get(nodeId);
    if (!node) return;
    const { functionName, url, lineNumber } = node.callFrame;
    totalUs += us;
    if (functionName === '(idle)') idleUs += us;
    const name = url === '' ? functionName || '(anonymous)' : `${functionName || '(anonymous)'} ${shortUrl(url)}:${lineNumber + 1}`;
    functions.set(name, (functions.get(name) ?? 0) + us);
    const where = area(url, functionName);
    areas.set(where, (areas.get(where) ?? 0) + us);
  });
  const busyUs = totalUs - idleUs || 1;
  const rank = (entries: Map<string, number>): SelfTime[] =>
    [...entries]
      .filter(([name]) => name !== '(idle)')
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: Math.round(us / 100) / 10, share: Math.round((us / busyUs) * 1000) / 1000 }));
  return { totalMs: Math.round(totalUs / 1000), busyMs: Math.round(busyUs / 1000), topFunctions: rank(functions), byArea: rank(areas) };
}
