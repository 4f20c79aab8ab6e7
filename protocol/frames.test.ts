import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { fastNewMessageFrame, parseClientFrame, parseClientFrameValue, parseServerFrame } from './index.js';
import type { ServerFrame } from './index.js';
import type { Conversation, Message } from './objects.js';

function refusal(text: string) {
  const result = parseClientFrame(text);
  assert.equal(result.ok, false, `expected ${text} to be refused`);
  assert.ok(!result.ok);
  assert.equal(result.code, 'BAD_REQUEST');
  return result;
}

describe('parseClientFrame: valid frames', () => {
  const cases = [
    [{ type: 'AUTH', token: 'eyJ.abc.def' }, { type: 'AUTH', token: 'eyJ.abc.def' }],
    [
      { type: 'NEW_MESSAGE', conversationId: 'c1', content: 'hi', clientId: '6f1c' },
      { type: 'NEW_MESSAGE', conversationId: 'c1', content: 'hi', clientId: '6f1c' },
    ],
    [{ type: 'NEW_MESSAGE', conversationId: 'c1', content: '' }, { type: 'NEW_MESSAGE', conversationId: 'c1', content: '' }],
    [{ type: 'TYPING', conversationId: 'c1' }, { type: 'TYPING', conversationId: 'c1' }],
    [{ type: 'READ', conversationId: 'c1', upTo: 0 }, { type: 'READ', conversationId: 'c1', upTo: 0 }],
    [{ type: 'SYNC', conversationId: 'c1', after: 41 }, { type: 'SYNC', conversationId: 'c1', after: 41 }],
    [{ type: 'PING' }, { type: 'PING' }],
  ] as const;
  for (const [input, expected] of cases) {
    test(`${input.type} ${JSON.stringify(input)}`, () => {
      assert.deepEqual(parseClientFrame(JSON.stringify(input)), { ok: true, frame: expected });
    });
  }

  test('leaves content alone: the relay applies the content rule after parsing', () => {
    const frame = parseClientFrame(JSON.stringify({ type: 'NEW_MESSAGE', conversationId: 'c1', content: '  a\r\n' }));
    assert.deepEqual(frame, { ok: true, frame: { type: 'NEW_MESSAGE', conversationId: 'c1', content: '  a\r\n' } });
  });

  test('turns an integer conversationId into its decimal string', () => {
    assert.deepEqual(parseClientFrame('{"type":"TYPING","conversationId":42}'), {
      ok: true,
      frame: { type: 'TYPING', conversationId: '42' },
    });
  });

  test('strips unknown keys instead of refusing them', () => {
    assert.deepEqual(parseClientFrame('{"type":"PING","extra":{"deep":[1,2]},"v":2}'), { ok: true, frame: { type: 'PING' } });
  });
});

describe('parseClientFrame: refusals', () => {
  test('not JSON', () => {
    assert.equal(refusal('{"type":').message, 'Frame is not valid JSON.');
    assert.equal(refusal('').message, 'Frame is not valid JSON.');
  });

  for (const text of ['[]', '[{"type":"PING"}]', 'null', '42', '"PING"', 'true', '1e400']) {
    test(`not an object: ${text}`, () => {
      assert.equal(refusal(text).message, 'Frame must be a JSON object.');
    });
  }

  test('unknown type', () => {
    assert.equal(refusal('{"type":"SHOUT"}').message, 'Unknown frame type "SHOUT".');
    assert.equal(refusal('{"type":"ping"}').message, 'Unknown frame type "ping".');
  });

  test('a type named after an Object.prototype member is unknown, not a crash', () => {
    for (const type of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      assert.equal(refusal(JSON.stringify({ type })).message, `Unknown frame type "${type}".`);
    }
  });

  test('quotes at most 64 characters of an unknown type', () => {
    assert.equal(refusal(JSON.stringify({ type: 'X'.repeat(10_000) })).message, `Unknown frame type "${'X'.repeat(64)}".`);
  });

  test('missing or non-string type', () => {
    assert.equal(refusal('{}').message, 'Frame has no "type".');
    assert.equal(refusal('{"type":7}').message, 'Frame "type" must be a string.');
    assert.equal(refusal('{"type":null}').message, 'Frame "type" must be a string.');
  });

  const wrongFields: [unknown, string][] = [
    [{ type: 'AUTH' }, 'AUTH.token: expected a string, but it is missing'],
    [{ type: 'AUTH', token: '' }, 'AUTH.token: must not be empty'],
    [{ type: 'AUTH', token: 'x'.repeat(8193) }, 'AUTH.token: must be at most 8192 characters'],
    [{ type: 'AUTH', token: 12 }, 'AUTH.token: expected a string, got 12'],
    [{ type: 'NEW_MESSAGE', conversationId: 'c1', content: 5 }, 'NEW_MESSAGE.content: expected a string, got 5'],
    [{ type: 'NEW_MESSAGE', conversationId: 'c1' }, 'NEW_MESSAGE.content: expected a string, but it is missing'],
    [{ type: 'NEW_MESSAGE', conversationId: 'c1', content: 'hi', clientId: '' }, 'NEW_MESSAGE.clientId: must not be empty'],
    [
      { type: 'NEW_MESSAGE', conversationId: 'c1', content: 'hi', clientId: 'x'.repeat(129) },
      'NEW_MESSAGE.clientId: must be at most 128 characters',
    ],
    [{ type: 'NEW_MESSAGE', content: 'hi' }, 'NEW_MESSAGE.conversationId: expected an id (a string of 1-128 characters or an integer)'],
    [{ type: 'TYPING', conversationId: '' }, 'TYPING.conversationId: must not be empty'],
    [{ type: 'TYPING', conversationId: 'c'.repeat(129) }, 'TYPING.conversationId: must be at most 128 characters'],
    [{ type: 'TYPING', conversationId: 1.5 }, 'TYPING.conversationId: expected an id (a string of 1-128 characters or an integer)'],
    [{ type: 'TYPING', conversationId: ['c1'] }, 'TYPING.conversationId: expected an id (a string of 1-128 characters or an integer)'],
    [{ type: 'READ', conversationId: 'c1' }, 'READ.upTo: expected an integer, but it is missing'],
    [{ type: 'READ', conversationId: 'c1', upTo: -1 }, 'READ.upTo: must be at least 0'],
    [{ type: 'READ', conversationId: 'c1', upTo: 2.5 }, 'READ.upTo: expected an integer, got 2.5'],
    [{ type: 'READ', conversationId: 'c1', upTo: '3' }, 'READ.upTo: expected an integer, got a string'],
    [{ type: 'SYNC', conversationId: 'c1', after: null }, 'SYNC.after: expected an integer, got null'],
    [{ type: 'SYNC', conversationId: 'c1', after: 2 ** 60 }, 'SYNC.after: must be at most 9007199254740991'],
  ];
  for (const [frame, message] of wrongFields) {
    test(`wrong field: ${JSON.stringify(frame).slice(0, 80)}`, () => {
      assert.equal(refusal(JSON.stringify(frame)).message, message);
    });
  }

  test('a number too large for a double is out of range, not Infinity', () => {
    assert.equal(refusal('{"type":"READ","conversationId":"c1","upTo":1e400}').message, 'READ.upTo: is out of range');
  });

  test('echoes clientId and conversationId so the sender can match the failure', () => {
    assert.deepEqual(parseClientFrame('{"type":"NEW_MESSAGE","conversationId":"c9","clientId":"u-1","content":7}'), {
      ok: false,
      code: 'BAD_REQUEST',
      message: 'NEW_MESSAGE.content: expected a string, got 7',
      clientId: 'u-1',
      conversationId: 'c9',
      type: 'NEW_MESSAGE',
    });
    const unknown = refusal('{"type":"EDIT","conversationId":12,"clientId":"u-2"}');
    assert.equal(unknown.clientId, 'u-2');
    assert.equal(unknown.conversationId, '12');
    assert.equal(unknown.type, undefined, 'an unknown type is not echoed as a frame type');
  });

  test('names the type of a known frame with broken fields, so a broken AUTH can be treated as AUTH', () => {
    assert.equal(refusal('{"type":"AUTH"}').type, 'AUTH');
    assert.equal(refusal('{"type":"AUTH","token":5}').type, 'AUTH');
  });

  test('echoes nothing that is not itself a valid id', () => {
    const result = refusal(JSON.stringify({ type: 'NEW_MESSAGE', conversationId: { a: 1 }, clientId: 5, content: 'x' }));
    assert.equal('clientId' in result, false);
    assert.equal('conversationId' in result, false);
  });

  test('survives deep nesting', () => {
    const deep = '['.repeat(5_000) + ']'.repeat(5_000);
    refusal(deep);
    assert.equal(refusal(`{"type":"AUTH","token":${deep}}`).message, 'AUTH.token: expected a string, got an array');
    assert.deepEqual(parseClientFrame(`{"type":"PING","x":${deep}}`), { ok: true, frame: { type: 'PING' } });
  });

  test('never throws, whatever the text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.jsonValue().map((value) => JSON.stringify(value))), (text) => {
        const result = parseClientFrame(text);
        assert.equal(typeof result.ok, 'boolean');
      }),
    );
  });
});

describe('parseClientFrame: the precompiled NEW_MESSAGE check answers as the schema does', () => {
  // A field's value: valid ones, every edge of the id and clientId rules, and wrong types.
  const fieldValue = fc.oneof(
    fc.string({ maxLength: 4 }),
    fc.string({ minLength: 126, maxLength: 130 }),
    fc.constantFrom('', 'c1', 'x'.repeat(127), 'x'.repeat(128), 'x'.repeat(129), 'x\ud800', '\udc00y', '\ud83c\udf85', ' ', '\r\n'),
    fc.constantFrom(0, 42, -1, 1.5, 2 ** 60, null, true, [], ['c1'], {}, { a: 1 }),
    fc.string({ unit: 'binary', maxLength: 8 }),
  );
  const absentOr = (arbitrary: fc.Arbitrary<unknown>) => fc.option(arbitrary, { nil: undefined, freq: 4 });
  const frame = fc
    .record({
      type: fc.constantFrom<unknown>('NEW_MESSAGE', 'NEW_MESSAGE', 'NEW_MESSAGE', 'new_message', 'TYPING', 7, undefined),
      conversationId: absentOr(fieldValue),
      content: absentOr(fieldValue),
      clientId: absentOr(fieldValue),
      extra: absentOr(fc.jsonValue()),
    })
    // What JSON carries: an absent field is no key at all.
    .map((record) => JSON.parse(JSON.stringify(record)) as object);

  test('whatever it accepts the schema accepts, as the same frame; whatever the schema refuses it leaves to the schema', () => {
    fc.assert(
      fc.property(frame, (raw) => {
        const fast = fastNewMessageFrame(raw);
        const schema = parseClientFrameValue(raw);
        if (fast !== null) assert.deepEqual(schema, { ok: true, frame: fast });
        if (!schema.ok) assert.equal(fast, null);
      }),
      { numRuns: 20_000 },
    );
  });

  test('every refusal reads exactly as the schema words it (code, text, echoed ids, type)', () => {
    fc.assert(
      fc.property(frame, (raw) => {
        const text = JSON.stringify(raw);
        assert.deepEqual(parseClientFrame(text), parseClientFrameValue(JSON.parse(text) as object));
      }),
      { numRuns: 20_000 },
    );
  });

  test('the common frame takes the precompiled path; the rarer forms still parse through the schema', () => {
    const common = { type: 'NEW_MESSAGE', conversationId: 'c1', content: 'hi', clientId: 'u-1' };
    assert.deepEqual(fastNewMessageFrame(common), common);
    assert.equal(fastNewMessageFrame({ type: 'NEW_MESSAGE', conversationId: 42, content: 'hi' }), null);
    assert.deepEqual(parseClientFrame('{"type":"NEW_MESSAGE","conversationId":42,"content":"hi"}'), {
      ok: true,
      frame: { type: 'NEW_MESSAGE', conversationId: '42', content: 'hi' },
    });
  });

  test('a type only the prototype answers for is not a NEW_MESSAGE', () => {
    const raw = Object.create({ type: 'NEW_MESSAGE' }) as object;
    Object.assign(raw, { conversationId: 'c1', content: 'hi' });
    assert.equal(fastNewMessageFrame(raw), null);
  });
});

describe('parseClientFrame: prototype pollution', () => {
  test('__proto__ and constructor keys neither pollute nor leak into the frame', () => {
    const texts = [
      '{"type":"PING","__proto__":{"polluted":1}}',
      '{"type":"NEW_MESSAGE","conversationId":"c1","content":"x","__proto__":{"polluted":1,"clientId":"evil"}}',
      '{"type":"PING","constructor":{"prototype":{"polluted":1}}}',
      '{"__proto__":{"type":"PING","polluted":1}}',
    ];
    for (const text of texts) parseClientFrame(text);
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
    assert.equal(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted'), false);

    const withProto = parseClientFrame(texts[1] ?? '');
    assert.deepEqual(withProto, { ok: true, frame: { type: 'NEW_MESSAGE', conversationId: 'c1', content: 'x' } });
    assert.ok(withProto.ok);
    assert.equal(Object.getPrototypeOf(withProto.frame), Object.prototype);
  });

  test('a type inside __proto__ does not count as the frame type', () => {
    assert.equal(refusal('{"__proto__":{"type":"PING"}}').message, 'Frame has no "type".');
  });
});

describe('parseServerFrame', () => {
  const message: Message = { id: 'm1', conversationId: 'c1', seq: 1, senderId: 'u1', content: 'hi', timestamp: '2026-12-01T10:00:00.000Z' };
  const conversation: Conversation = {
    id: 'c1',
    groupId: 'g1',
    groupName: 'Office 2026',
    participants: ['a_x7', 'u2'],
    createdAt: '2026-12-01T09:00:00.000Z',
    role: 'giftee',
    self: { id: 'u2', name: 'Bob' },
    peer: { id: 'a_x7', name: 'Secret Santa', anonymous: true },
    revealAt: '2026-12-24T18:00:00Z',
    revealed: false,
    unread: 1,
    lastMessage: message,
    closed: false,
  };
  const frames: ServerFrame[] = [
    { type: 'READY', userId: 'u2', protocol: 1, conversations: [conversation, { ...conversation, id: 'c2', lastMessage: null }], unreadTotal: 1 },
    { type: 'ACK', clientId: 'k1', conversationId: 'c1', id: 'm1', seq: 1, timestamp: message.timestamp },
    { type: 'NEW_MESSAGE', conversationId: 'c1', id: 'm1', seq: 1, senderId: 'a_x7', content: 'hi', timestamp: message.timestamp },
    { type: 'NEW_MESSAGE', conversationId: 'c1', id: 'm1', seq: 1, senderId: 'u2', content: 'hi', timestamp: message.timestamp, clientId: 'k1' },
    { type: 'HISTORY', conversationId: 'c1', messages: [message, { ...message, id: 'm2', seq: 2 }], hasMore: true },
    { type: 'TYPING', conversationId: 'c1', senderId: 'a_x7' },
    { type: 'READ', conversationId: 'c1', readerId: 'u2', upTo: 2 },
    { type: 'CONVERSATION', conversation: { ...conversation, closed: true } },
    { type: 'REVEAL', conversationId: 'c1', alias: 'a_x7', participants: ['u1', 'u2'], peer: { id: 'u1', name: 'Alice', anonymous: false } },
    { type: 'ERROR', code: 'RATE_LIMITED', message: 'Slow down.', clientId: 'k1', conversationId: 'c1', retryAfterMs: 1200 },
    { type: 'ERROR', code: 'BAD_REQUEST', message: 'Frame is not valid JSON.' },
    { type: 'PONG' },
  ];
  for (const frame of frames) {
    test(`round trips ${frame.type}`, () => {
      assert.deepEqual(parseServerFrame(JSON.stringify(frame)), frame);
    });
  }

  const junk = [
    'not json',
    'null',
    '[]',
    '{}',
    '{"type":"NOPE"}',
    '{"type":"READY","userId":"u1","protocol":2,"conversations":[],"unreadTotal":0}',
    '{"type":"ACK","clientId":"k","conversationId":"c","id":"m","seq":0,"timestamp":"t"}',
    '{"type":"ERROR","code":"TEAPOT","message":"x"}',
    '{"type":"HISTORY","conversationId":"c1","messages":[{}],"hasMore":false}',
    '{"__proto__":{"type":"PONG"}}',
  ];
  for (const text of junk) {
    test(`returns null on ${text.slice(0, 60)}`, () => {
      assert.equal(parseServerFrame(text), null);
    });
  }
});
