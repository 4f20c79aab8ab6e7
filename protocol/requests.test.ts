import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseConversationRequest, parseGroupInput, parseHistoryQuery } from './index.js';

const office = {
  name: 'Office 2026',
  revealAt: '2026-12-24T18:00:00Z',
  members: [
    { id: 'u1', name: 'Alice' },
    { id: 'u2', name: 'Bob' },
    { id: 'u3', name: 'Cleo' },
  ],
  assignments: [
    { santa: 'u1', giftee: 'u2' },
    { santa: 'u2', giftee: 'u3' },
    { santa: 'u3', giftee: 'u1' },
  ],
};

function failureOf(body: unknown): { field: string; message: string } {
  const result = parseGroupInput(body);
  assert.equal(result.ok, false, `expected ${JSON.stringify(body)} to be refused`);
  assert.ok(!result.ok);
  return { field: result.field, message: result.message };
}

describe('parseGroupInput', () => {
  test('accepts the example of docs/protocol.md', () => {
    assert.deepEqual(parseGroupInput(office), { ok: true, value: office });
  });

  test('accepts an empty raffle: the draw has not happened yet', () => {
    assert.deepEqual(parseGroupInput({ ...office, assignments: [] }), { ok: true, value: { ...office, assignments: [] } });
  });

  test('turns integer ids into strings, trims names, keeps revealAt as given, drops unknown keys', () => {
    const result = parseGroupInput({
      name: '  Office  ',
      revealAt: '2026-12-24T19:00:00.123456+01:00',
      members: [
        { id: 1, name: ' Alice ', email: 'a@example.com' },
        { id: 2, name: 'Bob' },
      ],
      assignments: [
        { santa: 1, giftee: '2' },
        { santa: '2', giftee: 1 },
      ],
      extra: true,
    });
    assert.deepEqual(result, {
      ok: true,
      value: {
        name: 'Office',
        revealAt: '2026-12-24T19:00:00.123456+01:00',
        members: [
          { id: '1', name: 'Alice' },
          { id: '2', name: 'Bob' },
        ],
        assignments: [
          { santa: '1', giftee: '2' },
          { santa: '2', giftee: '1' },
        ],
      },
    });
  });

  test('refuses a body that is not an object, at the root', () => {
    for (const body of [undefined, null, [], 'x', 3]) assert.equal(failureOf(body).field, '');
  });

  test('names the field of a shape error', () => {
    assert.deepEqual(failureOf({ ...office, name: '   ' }), { field: 'name', message: 'name: must not be empty' });
    assert.equal(failureOf({ ...office, name: 'n'.repeat(201) }).field, 'name');
    assert.deepEqual(failureOf({ ...office, members: [] }), { field: 'members', message: 'members: must have at least one entry' });
    assert.equal(failureOf({ ...office, members: [{ id: 'u1', name: 'Alice' }, { id: 'u2' }] }).field, 'members[1].name');
    assert.equal(failureOf({ ...office, members: [{ id: '', name: 'Alice' }] }).field, 'members[0].id');
    assert.equal(failureOf({ ...office, members: [{ id: 'x'.repeat(129), name: 'Alice' }] }).field, 'members[0].id');
    assert.equal(failureOf({ ...office, assignments: [{ santa: 'u1' }] }).field, 'assignments[0].giftee');
    assert.equal(failureOf({ ...office, assignments: 'none' }).field, 'assignments');
  });

  test('refuses more than 10000 members', () => {
    const members = Array.from({ length: 10_001 }, (_, index) => ({ id: `u${index}`, name: `Member ${index}` }));
    assert.equal(failureOf({ ...office, members, assignments: [] }).field, 'members');
  });

  test('accepts only an ISO 8601 instant with a timezone', () => {
    for (const revealAt of ['2026-12-24T18:00Z', '2026-12-24T18:00:00+05:30', '2028-02-29T00:00:00-08:00', '2026-12-24T18:00:00.5Z']) {
      assert.equal(parseGroupInput({ ...office, revealAt }).ok, true, revealAt);
    }
    const refused = [
      '2026-12-24T18:00:00',
      '2026-12-24',
      '2026-02-30T00:00:00Z',
      '2026-13-01T00:00:00Z',
      '2026-12-24T24:00:00Z',
      '2026-12-24T18:00:60Z',
      '2026-12-24T18:00:00+0530',
      'Thu, 24 Dec 2026 18:00:00 GMT',
      '',
      1798135200000,
    ];
    for (const revealAt of refused) {
      assert.equal(failureOf({ ...office, revealAt }).field, 'revealAt', String(revealAt));
    }
  });

  test('a duplicate member id is reported at its second occurrence', () => {
    const members = [...office.members, { id: 'u2', name: 'Bobby' }];
    assert.deepEqual(failureOf({ ...office, members }), { field: 'members[3].id', message: 'members[3].id: repeats the id of members[1]' });
    assert.equal(failureOf({ ...office, members: [...office.members, { id: 2, name: 'Two' }, { id: '2', name: 'Deux' }] }).field, 'members[4].id');
  });

  test('every id in assignments is a member', () => {
    const strangerGiftee = [office.assignments[0], office.assignments[1], { santa: 'u3', giftee: 'u9' }];
    assert.deepEqual(failureOf({ ...office, assignments: strangerGiftee }), {
      field: 'assignments[2].giftee',
      message: 'assignments[2].giftee: "u9" is not a member',
    });
    const strangerSanta = [{ santa: 'u9', giftee: 'u2' }];
    assert.equal(failureOf({ ...office, assignments: strangerSanta }).field, 'assignments[0].santa');
  });

  test('nobody is their own santa', () => {
    assert.deepEqual(failureOf({ ...office, assignments: [office.assignments[0], { santa: 'u3', giftee: 'u3' }] }), {
      field: 'assignments[1].giftee',
      message: 'assignments[1].giftee: "u3" cannot be their own santa',
    });
  });

  test('a member is santa at most once', () => {
    const assignments = [{ santa: 'u1', giftee: 'u2' }, { santa: 'u1', giftee: 'u3' }];
    assert.deepEqual(failureOf({ ...office, assignments }), {
      field: 'assignments[1].santa',
      message: 'assignments[1].santa: "u1" is already santa in assignments[0]',
    });
  });

  test('a member is giftee at most once', () => {
    const assignments = [{ santa: 'u1', giftee: 'u3' }, { santa: 'u2', giftee: 'u3' }];
    assert.deepEqual(failureOf({ ...office, assignments }), {
      field: 'assignments[1].giftee',
      message: 'assignments[1].giftee: "u3" is already giftee in assignments[0]',
    });
  });

  test('a pair who give to each other is accepted (docs/protocol.md §1)', () => {
    const assignments = [{ santa: 'u1', giftee: 'u2' }, { santa: 'u2', giftee: 'u1' }];
    assert.equal(parseGroupInput({ ...office, assignments }).ok, true);
  });

  test('ids that look like Object.prototype members are ordinary ids', () => {
    const members = [{ id: '__proto__', name: 'P' }, { id: 'constructor', name: 'C' }];
    const assignments = [{ santa: '__proto__', giftee: 'constructor' }];
    assert.equal(parseGroupInput({ ...office, members, assignments }).ok, true);
  });
});

describe('parseConversationRequest', () => {
  test('a missing or empty body asks for the giftee', () => {
    for (const body of [undefined, null, '', {}]) {
      assert.deepEqual(parseConversationRequest(body), { ok: true, value: { with: 'giftee' } });
    }
  });

  test('asks for the giftee or the santa', () => {
    assert.deepEqual(parseConversationRequest({ with: 'giftee' }), { ok: true, value: { with: 'giftee' } });
    assert.deepEqual(parseConversationRequest({ with: 'santa', extra: 1 }), { ok: true, value: { with: 'santa' } });
  });

  test('refuses anything else, naming the field', () => {
    assert.deepEqual(parseConversationRequest({ with: 'elf' }), {
      ok: false,
      field: 'with',
      message: 'with: expected one of "giftee", "santa"',
    });
    assert.equal(parseConversationRequest({ with: null }).ok, false);
    const notAnObject = parseConversationRequest([]);
    assert.deepEqual(notAnObject.ok ? null : notAnObject.field, '');
  });
});

describe('parseHistoryQuery', () => {
  test('defaults to the newest page of 50', () => {
    assert.deepEqual(parseHistoryQuery({}), { ok: true, value: { limit: 50 } });
  });

  test('reads after, before and limit', () => {
    assert.deepEqual(parseHistoryQuery({ after: '0', limit: '200' }), { ok: true, value: { after: 0, limit: 200 } });
    assert.deepEqual(parseHistoryQuery({ before: '120', limit: '1' }), { ok: true, value: { before: 120, limit: 1 } });
    assert.deepEqual(parseHistoryQuery({ after: '007', other: 'x' }), { ok: true, value: { after: 7, limit: 50 } });
  });

  test('refuses anything but decimal digits for after and before', () => {
    for (const raw of ['', '-1', '+1', '1.5', '1e3', '0x10', ' 1', 'abc', '99999999999999999999']) {
      const after = parseHistoryQuery({ after: raw });
      assert.deepEqual(after.ok ? null : after.field, 'after', `after=${raw}`);
      const before = parseHistoryQuery({ before: raw });
      assert.deepEqual(before.ok ? null : before.field, 'before', `before=${raw}`);
    }
  });

  test('refuses after and before together', () => {
    assert.deepEqual(parseHistoryQuery({ after: '1', before: '5' }), {
      ok: false,
      field: 'before',
      message: 'before: cannot be combined with after',
    });
  });

  test('refuses a limit outside 1..200', () => {
    for (const limit of ['0', '201', '', '-5', '2.5', 'ten']) {
      assert.deepEqual(parseHistoryQuery({ limit }), {
        ok: false,
        field: 'limit',
        message: 'limit: expected an integer from 1 to 200',
      });
    }
  });
});
