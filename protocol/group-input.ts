import * as z from 'zod/mini';
import { Id, wellFormedText } from './ids.js';
import { firstFailure, PARSE_OPTIONS, type FieldResult } from './issues.js';
import { describeCodeUnit, findBidiControl } from './text.js';

const MAX_MEMBERS = 10_000;
const MAX_NAME_LENGTH = 200;

// A name is shown inside other text (headers, lists, "Bob is typing"); an override or isolate
// control in it would reorder what follows it there, so names may hold none.
const noBidiControl = z.superRefine((value: string, context) => {
  const index = findBidiControl(value);
  if (index !== -1) {
    context.addIssue({
      code: 'custom',
      input: value,
      message: `contains a bidirectional control character (${describeCodeUnit(value, index)}); names may not hold U+202A-U+202E or U+2066-U+2069`,
    });
  }
});

const DisplayName = z
  .string()
  .check(z.trim(), z.minLength(1), z.maxLength(MAX_NAME_LENGTH), wellFormedText, noBidiControl);

// RFC 3339 with an explicit zone: Date.parse alone would take "2026-02-30" (it rolls over) and
// zone-less times (read as local time, so a different instant on every relay and browser).
const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/;

export function isIsoInstant(value: string): boolean {
  const parts = ISO_INSTANT.exec(value);
  if (parts === null) return false;
  const field = (index: number): number => Number(parts[index] ?? 0);
  const [year, month, day] = [field(1), field(2), field(3)];
  const [hour, minute, second, offsetHour, offsetMinute] = [field(4), field(5), field(6), field(7), field(8)];
  const calendar = new Date(Date.UTC(year, month - 1, day));
  const dayExists = calendar.getUTCMonth() === month - 1 && calendar.getUTCDate() === day;
  const timeExists = hour <= 23 && minute <= 59 && second <= 59 && offsetHour <= 23 && offsetMinute <= 59;
  return dayExists && timeExists && Number.isFinite(Date.parse(value));
}

const RevealAt = z
  .string()
  .check(z.refine(isIsoInstant, 'expected an ISO 8601 date-time with a timezone, e.g. 2026-12-24T18:00:00Z'));

const MemberSchema = z.object({ id: Id, name: DisplayName });
const AssignmentSchema = z.object({ santa: Id, giftee: Id });

type Member = z.output<typeof MemberSchema>;
type Assignment = z.output<typeof AssignmentSchema>;
type RuleViolation = { path: (string | number)[]; message: string };

/** The raffle rules of docs/protocol.md §1, reported at the first entry that breaks one. */
function findRuleViolation(members: readonly Member[], assignments: readonly Assignment[]): RuleViolation | null {
  const memberIndexById = new Map<string, number>();
  for (const [index, member] of members.entries()) {
    const first = memberIndexById.get(member.id);
    if (first !== undefined) {
      return { path: ['members', index, 'id'], message: `repeats the id of members[${first}]` };
    }
    memberIndexById.set(member.id, index);
  }
  const santaIndexById = new Map<string, number>();
  const gifteeIndexById = new Map<string, number>();
  for (const [index, { santa, giftee }] of assignments.entries()) {
    if (!memberIndexById.has(santa)) {
      return { path: ['assignments', index, 'santa'], message: `${JSON.stringify(santa)} is not a member` };
    }
    if (!memberIndexById.has(giftee)) {
      return { path: ['assignments', index, 'giftee'], message: `${JSON.stringify(giftee)} is not a member` };
    }
    if (santa === giftee) {
      return { path: ['assignments', index, 'giftee'], message: `${JSON.stringify(giftee)} cannot be their own santa` };
    }
    const earlierSanta = santaIndexById.get(santa);
    if (earlierSanta !== undefined) {
      return {
        path: ['assignments', index, 'santa'],
        message: `${JSON.stringify(santa)} is already santa in assignments[${earlierSanta}]`,
      };
    }
    const earlierGiftee = gifteeIndexById.get(giftee);
    if (earlierGiftee !== undefined) {
      return {
        path: ['assignments', index, 'giftee'],
        message: `${JSON.stringify(giftee)} is already giftee in assignments[${earlierGiftee}]`,
      };
    }
    santaIndexById.set(santa, index);
    gifteeIndexById.set(giftee, index);
  }
  return null;
}

/** Body of `PUT /admin/groups/:groupId`; empty assignments mean the raffle has not happened. */
export const GroupInputSchema = z
  .object({
    name: DisplayName,
    revealAt: RevealAt,
    members: z.array(MemberSchema).check(z.minLength(1), z.maxLength(MAX_MEMBERS)),
    assignments: z.array(AssignmentSchema).check(z.maxLength(MAX_MEMBERS)),
  })
  .check(
    z.superRefine((group, context) => {
      const violation = findRuleViolation(group.members, group.assignments);
      if (violation !== null) {
        context.addIssue({ code: 'custom', path: violation.path, message: violation.message, input: group });
      }
    }),
  );
export type GroupInput = z.output<typeof GroupInputSchema>;
export type GroupMember = GroupInput['members'][number];
export type GroupAssignment = GroupInput['assignments'][number];

export type { FieldResult } from './issues.js';

export function parseGroupInput(body: unknown): FieldResult<GroupInput> {
  const result = GroupInputSchema.safeParse(body, PARSE_OPTIONS);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, ...firstFailure(result.error) };
}
