import { setFlagsFromString } from 'node:v8';

/**
 * V8 settings of the relay's own process (`runRelayProcess`: the `santa-chat-relay` bin, `npm run
 * relay`, the demo), applied before the relay starts.
 *
 * `--no-allocation-site-pretenuring`: V8 watches the arrays made at each `[]` of the code and,
 * when most of one place's arrays survive a collection, makes that place's arrays in the old
 * generation from then on. Under load the relay holds such arrays per socket (`ws` gives each
 * socket a fresh `[]` for its fragments that lives until its next frame), and after a
 * mark-compact V8 switched places like it to the old generation. Each of those arrays, dead
 * within a tenth of a second, then kept the frame's buffers it pointed to alive through the
 * young generation's collections: 0.35–0.7 MB promoted per scavenge, a mark-compact every
 * second or two, and those pauses set the relay's p99. Without it the young generation's
 * collections keep only the frames in flight (docs/decisions/0025-garbage-the-young-generation-keeps.md).
 *
 * Set at run time with `v8.setFlagsFromString`, this flag takes effect (`v8-flags.test.ts` shows
 * it, and that `runRelayProcess` applies it).
 */
export const RELAY_V8_FLAGS: readonly string[] = ['--no-allocation-site-pretenuring'];

export function applyRelayV8Flags(): void {
  for (const flag of RELAY_V8_FLAGS) setFlagsFromString(flag);
}
