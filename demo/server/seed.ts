/**
 * The demo's group: six colleagues, a raffle drawn as one random cycle (a derangement with no
 * pair who give to each other, so every giftee's santa stays a secret), and a reveal a few
 * days ahead. Seeded once; restarts keep it and its history until "Reset demo".
 */
import { randomInt } from 'node:crypto';
import type { GroupInput } from '../../protocol/index.js';
import type { AdminApi, AdminGroup } from './admin-api.js';

export const DEMO_GROUP_ID = 'office-party';
export const DEMO_BUDGET = '$30';
const REVEAL_AFTER_DAYS = 3;
const REVEAL_HOUR_UTC = 17;

/** What the pretend site knows about each person beyond what the relay needs. */
export interface DemoPerson {
  id: string;
  name: string;
  team: string;
  color: string;
  wishlist: string[];
}

export const DEMO_PEOPLE: readonly DemoPerson[] = [
  { id: 'alice', name: 'Alice', team: 'Design', color: '#b3261e', wishlist: ['Teal fountain pen ink', 'Sourdough starter kit', 'Wool socks'] },
  { id: 'bob', name: 'Bob', team: 'Engineering', color: '#1d6b47', wishlist: ['Hot sauce sampler', 'Keycaps for his keyboard', 'A good mystery novel'] },
  { id: 'cleo', name: 'Cleo', team: 'Marketing', color: '#a15c07', wishlist: ['A hard-to-kill houseplant', 'Milk frother', '1000-piece jigsaw'] },
  { id: 'dmitri', name: 'Dmitri', team: 'Finance', color: '#3b5ba5', wishlist: ['Chess clock', '85% dark chocolate', 'Bike lights'] },
  { id: 'esme', name: 'Esme', team: 'People', color: '#7c3a8f', wishlist: ['Loose-leaf chai', 'Watercolour postcards', 'A candle (not vanilla)'] },
  { id: 'farid', name: 'Farid', team: 'Sales', color: '#0f766e', wishlist: ['Espresso beans', 'A board game for two', 'Running gloves'] },
];

/** `randomIndex(n)` returns an integer in [0, n). */
export type RandomIndex = (exclusiveMax: number) => number;

/**
 * Sattolo's algorithm: a uniformly random permutation with a single cycle through everyone.
 * With three or more people nobody draws themselves and no two people draw each other.
 */
export function drawCycle(ids: readonly string[], randomIndex: RandomIndex = randomInt): GroupInput['assignments'] {
  const order = [...ids];
  for (let index = order.length - 1; index > 0; index -= 1) {
    const swapWith = randomIndex(index);
    [order[index], order[swapWith]] = [order[swapWith] as string, order[index] as string];
  }
  return order.map((santa, index) => ({ santa, giftee: order[(index + 1) % order.length] as string }));
}

/** A few days ahead, at a round hour, as a real exchange would announce it. */
export function revealDateFrom(now: number): string {
  const date = new Date(now + REVEAL_AFTER_DAYS * 24 * 3600 * 1000);
  date.setUTCHours(REVEAL_HOUR_UTC, 0, 0, 0);
  return date.toISOString();
}

export function demoGroupInput(now: number, randomIndex: RandomIndex = randomInt): GroupInput {
  return {
    name: `Office Party ${new Date(now).getUTCFullYear()}`,
    revealAt: revealDateFrom(now),
    members: DEMO_PEOPLE.map(({ id, name }) => ({ id, name })),
    assignments: drawCycle(
      DEMO_PEOPLE.map((person) => person.id),
      randomIndex,
    ),
  };
}

/** On start: creates the group unless it exists, so a restart keeps the history. */
export async function seedDemoGroup(admin: AdminApi, now: number): Promise<{ created: boolean; group: AdminGroup }> {
  const existing = await admin.getGroup(DEMO_GROUP_ID);
  if (existing) return { created: false, group: existing };
  return { created: true, group: await admin.putGroup(DEMO_GROUP_ID, demoGroupInput(now)) };
}

/** "Reset demo": erases the group with every conversation and message, then draws again. */
export async function resetDemoGroup(admin: AdminApi, now: number): Promise<AdminGroup> {
  await admin.deleteGroup(DEMO_GROUP_ID);
  return admin.putGroup(DEMO_GROUP_ID, demoGroupInput(now));
}

/** "Reveal now": moves `revealAt` to now with the admin PUT, which makes the relay push REVEAL. */
export async function revealDemoGroup(admin: AdminApi, now: number): Promise<AdminGroup> {
  const group = (await admin.getGroup(DEMO_GROUP_ID)) ?? (await seedDemoGroup(admin, now)).group;
  const { name, members, assignments } = group;
  return admin.putGroup(DEMO_GROUP_ID, { name, members, assignments, revealAt: new Date(now).toISOString() });
}
