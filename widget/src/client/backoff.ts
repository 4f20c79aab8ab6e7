/**
 * Reconnect delay with "full jitter": a uniformly random wait between 0 and the capped
 * exponential step, so that clients dropped together by a relay restart do not return
 * together (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/).
 */
export function backoffDelay(attempt: number, random: () => number = Math.random, baseMs = 500, maxMs = 20_000): number {
  // 2 ** attempt overflows to Infinity for large attempts; Math.min still caps it.
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt));
  return Math.floor(random() * ceiling);
}
