/**
 * `setTimeout` fires at once for delays over 2^31-1 ms (24.8 days), and a reveal date can be
 * further away than that: wait in capped steps and re-arm until the instant is reached.
 */
const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

export function setTimeoutAt(at: number, callback: () => void, now: () => number = Date.now): () => void {
  let timer: NodeJS.Timeout | undefined;
  const arm = (): void => {
    const remaining = at - now();
    if (remaining <= 0) {
      timer = undefined;
      callback();
      return;
    }
    timer = setTimeout(arm, Math.min(remaining, MAX_TIMER_DELAY_MS));
    timer.unref();
  };
  arm();
  return () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };
}
