/**
 * How hard the chaos tests push. `npm test` runs the short form, sized to finish in seconds on
 * a 2-core machine; `SANTA_CHAT_CHAOS=long` runs the long form (e.g. 100,000 fuzzed frames).
 */
export const LONG = process.env.SANTA_CHAT_CHAOS === 'long';

/** `short` in the default run, `long` under `SANTA_CHAT_CHAOS=long`. */
export function scale<T>(short: T, long: T): T {
  return LONG ? long : short;
}
