/**
 * Generated client frames, each with the answer docs/protocol.md §3/§4 gives it. The expected
 * answer comes from how the frame was built (its intent) and from the contract's field rules
 * restated here, never from the relay's own parser.
 */
import fc from 'fast-check';

/** Before or after the socket's good AUTH. */
export type Phase = 'before' | 'after';

export type Answer =
  | { type: 'ERROR'; code: string; conversationId?: string; clientId?: string }
  | { type: 'PONG' }
  | { type: 'READY' }
  | { type: 'HISTORY'; conversationId: string }
  | { type: 'CLOSE'; code: number };

export interface FuzzFrame {
  label: string;
  data: string | Uint8Array;
  binary: boolean;
  answer: Answer;
}

/** What the fuzzing participant has and may not touch. */
export interface FuzzWorld {
  /** A conversation the fuzzer is the santa of (SYNC answers HISTORY there). */
  ownConversationId: string;
  /** Existing conversations the fuzzer is not in. */
  foreignConversationIds: string[];
  /** The fuzzer's valid token. */
  token: string;
  /** A valid token of another user: a re-AUTH with it closes 4401. */
  otherUserToken: string;
  maxFrameBytes: number;
}

/** A JSON value and the exact text it is sent as. */
type Literal = { text: string; value: unknown };
const literal = (value: unknown): Literal => ({ text: JSON.stringify(value), value });
const parsedLiteral = (text: string): Literal => ({ text, value: JSON.parse(text) as unknown });

// Field rules of docs/protocol.md §1 and §3, restated.
const MAX_ID_LENGTH = 128;
// A surrogate without its partner: ids are valid Unicode (issue #11).
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const isId = (value: unknown): boolean =>
  (typeof value === 'string' && value.length >= 1 && value.length <= MAX_ID_LENGTH && !LONE_SURROGATE.test(value)) ||
  Number.isSafeInteger(value);
const idAsString = (value: unknown): string => (typeof value === 'string' ? value : String(value));
const isSeq = (value: unknown): boolean => Number.isSafeInteger(value) && (value as number) >= 0;
const isClientId = (value: unknown): boolean => typeof value === 'string' && value.length >= 1 && value.length <= 128;
const isTokenShaped = (value: unknown): boolean => typeof value === 'string' && value.length >= 1 && value.length <= 8192;
const CLIENT_TYPES = ['AUTH', 'NEW_MESSAGE', 'TYPING', 'READ', 'SYNC', 'PING'];

/** Object keys that have tripped up JSON handling elsewhere. */
const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__'];

const tricky = fc.constantFrom('\ud800', '\udfff', '\u0000', '\u001b', '\u202e', '\ufeff', '\u2028', '\u{1F385}', 'é', '"', '\\', '%00');
const anyString = (minLength: number, maxLength: number): fc.Arbitrary<string> =>
  fc.oneof(
    fc.string({ minLength, maxLength }),
    fc.string({ unit: 'binary', minLength, maxLength }),
    fc.string({ unit: 'grapheme', minLength, maxLength }),
    fc.string({ unit: tricky, minLength, maxLength }),
  );

/** Numbers at and past the edges: overflow, unsafe integers, fractions, negative zero. */
const edgeNumber = fc
  .constantFrom(
    '1e309', '-1e309', '1E400', '123456789012345678901234567890', '9007199254740992', '9007199254740993',
    '-9007199254740993', '1.7976931348623157e308', '5e-324', '-1', '0.5', '1.0', '1e2', '-0', '0e0', '2147483648',
  )
  .map(parsedLiteral);

/** Arrays or objects nested up to 1,500 levels (well under the 16 KiB frame limit). */
const deepValue = fc
  .tuple(fc.integer({ min: 1, max: 1500 }), fc.boolean())
  .map(([depth, asArray]) =>
    parsedLiteral(asArray ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`),
  );

const anyJson: fc.Arbitrary<Literal> = fc.oneof(
  { arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value) => parsedLiteral(JSON.stringify(value))), weight: 4 },
  { arbitrary: edgeNumber, weight: 2 },
  { arbitrary: deepValue, weight: 1 },
  { arbitrary: anyString(0, 40).map(literal), weight: 2 },
  { arbitrary: anyString(129, 400).map(literal), weight: 1 },
);

/** A field value: mostly one that `valid` accepts (from `good`), sometimes any JSON at all. */
function field(good: fc.Arbitrary<Literal>, badWeight = 1): fc.Arbitrary<Literal> {
  return fc.oneof({ arbitrary: good, weight: 6 }, { arbitrary: anyJson, weight: badWeight });
}

/** Extra keys the relay must ignore, `__proto__` and friends included. */
function extraEntries(reserved: readonly string[]): fc.Arbitrary<[string, Literal][]> {
  const key = fc
    .oneof(fc.constantFrom(...PROTOTYPE_KEYS), anyString(0, 12))
    .filter((name) => name !== 'type' && !reserved.includes(name));
  return fc.array(fc.tuple(key, anyJson), { maxLength: 3 });
}

/**
 * JSON object text from entries, written by hand so that `__proto__` becomes an own key
 * and a repeated key is sent twice (the last one wins). Strings go through JSON.stringify,
 * which escapes lone surrogates, so what is sent is what was meant.
 */
function objectText(entries: readonly [string, Literal][]): string {
  return `{${entries.map(([key, value]) => `${JSON.stringify(key)}:${value.text}`).join(',')}}`;
}

interface FieldSpec {
  name: string;
  required: boolean;
  valid: (value: unknown) => boolean;
  arbitrary: fc.Arbitrary<Literal>;
}

/**
 * A frame of a known type: each field present or not, each value valid or not, decoy
 * copies of its own keys before the real ones, and extra keys. Resolves to the entries and
 * whether every field passed the contract's rules.
 */
function knownFrame(type: string, fields: readonly FieldSpec[]) {
  const names = fields.map((spec) => spec.name);
  return fc
    .record({
      values: fc.tuple(
        ...fields.map((spec) =>
          fc.oneof(
            { arbitrary: spec.arbitrary.map((value) => ({ value })), weight: 12 },
            { arbitrary: fc.constant({ value: undefined }), weight: 1 },
          ),
        ),
      ),
      decoys: fc.array(fc.tuple(fc.constantFrom('type', ...names), anyJson), { maxLength: 2 }),
      extras: extraEntries(names),
      extrasFirst: fc.boolean(),
    })
    .map(({ values, decoys, extras, extrasFirst }) => {
      const own: [string, Literal][] = [['type', literal(type)]];
      let wellFormed = true;
      const parsed: Record<string, unknown> = {};
      fields.forEach((spec, index) => {
        const value = values[index]?.value;
        if (value === undefined) {
          if (spec.required) wellFormed = false;
          return;
        }
        if (!spec.valid(value.value)) wellFormed = false;
        own.push([spec.name, value]);
        parsed[spec.name] = value.value;
      });
      // A decoy stands before the real key it copies; without a real one it would be the value.
      const shadowed = decoys.filter(([name]) => name === 'type' || Object.hasOwn(parsed, name));
      const entries = extrasFirst ? [...shadowed, ...extras, ...own] : [...shadowed, ...own, ...extras];
      return { text: objectText(entries), wellFormed, parsed };
    });
}

const idField = (ids: fc.Arbitrary<Literal>): FieldSpec => ({ name: 'conversationId', required: true, valid: isId, arbitrary: field(ids) });
const seqField = (name: string): FieldSpec => ({
  name,
  required: true,
  valid: isSeq,
  arbitrary: field(fc.oneof(fc.nat(), fc.maxSafeNat(), fc.constant(0)).map(literal)),
});
const clientIdField: FieldSpec = {
  name: 'clientId',
  required: false,
  valid: isClientId,
  arbitrary: field(fc.oneof(fc.uuid(), anyString(1, 128).filter(isClientId)).map(literal)),
};

/** Content the contract refuses, with its code (checked in the order EMPTY, BAD_REQUEST, TOO_LONG). */
const refusedContent: fc.Arbitrary<{ content: string; code: string }> = fc.oneof(
  fc
    .string({ unit: fc.constantFrom(' ', '\n', '\r', '\t', '\r\n', '\u00a0', '\u3000', '\ufeff', '\u2028', '\u000b'), maxLength: 20 })
    .map((content) => ({ content, code: 'EMPTY' })),
  fc
    .tuple(
      fc.constantFrom('\u0000', '\u0007', '\u000b', '\u001b', '\u007f', '\u0085', '\u009f', '\ud800', '\udc00', '\ud83d'),
      fc.string({ unit: fc.constantFrom('a', 'b', ' ', '\u{1F385}'), maxLength: 20 }),
    )
    .map(([control, text]) => ({ content: `x${control}${text}z`, code: 'BAD_REQUEST' })),
  fc
    .tuple(fc.integer({ min: 501, max: 1200 }), fc.constantFrom('x', '\u{1F385}', 'é'))
    .map(([count, unit]) => ({ content: unit.repeat(count), code: 'TOO_LONG' })),
);

function conversationIds(world: FuzzWorld): fc.Arbitrary<Literal> {
  return fc.oneof(
    { arbitrary: fc.constantFrom(...world.foreignConversationIds).map(literal), weight: 3 },
    { arbitrary: anyString(1, MAX_ID_LENGTH).map(literal), weight: 2 },
    { arbitrary: fc.maxSafeInteger().map(literal), weight: 1 },
  );
}

/** NEW_MESSAGE, TYPING, READ or SYNC aimed at a conversation the fuzzer is not in. */
function foreignFrame(world: FuzzWorld, phase: Phase): fc.Arbitrary<FuzzFrame> {
  const ids = conversationIds(world);
  const content: FieldSpec = { name: 'content', required: true, valid: (value) => typeof value === 'string', arbitrary: field(anyString(0, 600).map(literal)) };
  const specs: Record<string, FieldSpec[]> = {
    NEW_MESSAGE: [idField(ids), content, clientIdField],
    TYPING: [idField(ids)],
    READ: [idField(ids), seqField('upTo')],
    SYNC: [idField(ids), seqField('after')],
  };
  return fc.constantFrom(...Object.keys(specs)).chain((type) =>
    knownFrame(type, specs[type] ?? []).map(({ text, wellFormed, parsed }): FuzzFrame => {
      const label = `${type} elsewhere${wellFormed ? '' : ' (bad fields)'}`;
      if (!wellFormed) return { label, data: text, binary: false, answer: { type: 'ERROR', code: 'BAD_REQUEST' } };
      if (phase === 'before') return { label, data: text, binary: false, answer: { type: 'ERROR', code: 'UNAUTHENTICATED' } };
      const answer: Answer = { type: 'ERROR', code: 'FORBIDDEN', conversationId: idAsString(parsed.conversationId) };
      if (type === 'NEW_MESSAGE' && parsed.clientId !== undefined) answer.clientId = parsed.clientId as string;
      return { label, data: text, binary: false, answer };
    }),
  );
}

/** SYNC (answered HISTORY) and refused sends in the fuzzer's own conversation. */
function ownFrame(world: FuzzWorld, phase: Phase): fc.Arbitrary<FuzzFrame> {
  const own = literal(world.ownConversationId);
  const sync = knownFrame('SYNC', [{ ...idField(fc.constant(own)), arbitrary: fc.constant(own) }, seqField('after')]).map(
    ({ text, wellFormed }): FuzzFrame => ({
      label: `SYNC own${wellFormed ? '' : ' (bad fields)'}`,
      data: text,
      binary: false,
      answer: !wellFormed
        ? { type: 'ERROR', code: 'BAD_REQUEST' }
        : phase === 'before'
          ? { type: 'ERROR', code: 'UNAUTHENTICATED' }
          : { type: 'HISTORY', conversationId: world.ownConversationId },
    }),
  );
  const refusedSend = fc.tuple(refusedContent, fc.uuid(), extraEntries(['conversationId', 'content', 'clientId'])).map(
    ([{ content, code }, clientId, extras]): FuzzFrame => ({
      label: `NEW_MESSAGE own, ${code}`,
      data: objectText([
        ['type', literal('NEW_MESSAGE')],
        ['conversationId', own],
        ['content', literal(content)],
        ['clientId', literal(clientId)],
        ...extras,
      ]),
      binary: false,
      answer:
        phase === 'before'
          ? { type: 'ERROR', code: 'UNAUTHENTICATED' }
          : { type: 'ERROR', code, conversationId: world.ownConversationId, clientId },
    }),
  );
  return fc.oneof(sync, refusedSend);
}

function authFrame(world: FuzzWorld, phase: Phase): fc.Arbitrary<FuzzFrame> {
  const [header = '', payload = ''] = world.token.split('.');
  const badTokens = fc.oneof(
    anyString(1, 200),
    fc.string({ unit: 'binary-ascii', minLength: 8193, maxLength: 9000 }),
    fc.nat({ max: world.token.length - 1 }).map((index) => `${world.token.slice(0, index)}${world.token[index] === 'A' ? 'B' : 'A'}${world.token.slice(index + 1)}`),
    fc.constant(`${header}.${payload}.`),
    fc.constant(`${header}.${payload}`),
  );
  const tokenSpec: FieldSpec = { name: 'token', required: true, valid: isTokenShaped, arbitrary: field(badTokens.map(literal), 2) };
  const refused = knownFrame('AUTH', [tokenSpec]).map(
    ({ text }): FuzzFrame => ({ label: 'AUTH refused', data: text, binary: false, answer: { type: 'CLOSE', code: 4401 } }),
  );
  if (phase === 'before') return refused;
  return fc.oneof(
    { arbitrary: refused, weight: 2 },
    { arbitrary: extraEntries(['token']).map((extras): FuzzFrame => ({
      label: 'AUTH renewed',
      data: objectText([['type', literal('AUTH')], ['token', literal(world.token)], ...extras]),
      binary: false,
      answer: { type: 'READY' },
    })), weight: 2 },
    { arbitrary: fc.constant<FuzzFrame>({
      label: 'AUTH as another user',
      data: JSON.stringify({ type: 'AUTH', token: world.otherUserToken }),
      binary: false,
      answer: { type: 'CLOSE', code: 4401 },
    }), weight: 1 },
  );
}

const badRequest = (label: string) => (data: string): FuzzFrame => ({ label, data, binary: false, answer: { type: 'ERROR', code: 'BAD_REQUEST' } });

const notJson = fc
  .oneof(fc.string({ maxLength: 80 }), anyString(0, 80), fc.jsonValue({ maxDepth: 2 }).map((value) => JSON.stringify(value).slice(0, -1)))
  .filter((text) => {
    try {
      JSON.parse(text);
      return false;
    } catch {
      return true;
    }
  })
  .map(badRequest('not JSON'));

const notAnObject = fc
  .oneof(anyJson, fc.constant(literal([{ type: 'PING' }])))
  .filter(({ value }) => typeof value !== 'object' || value === null || Array.isArray(value))
  .map(({ text }) => badRequest('not an object')(text));

/** An object whose own `type` is missing or not a string; a `type` behind `__proto__` does not count. */
const noUsableType = fc
  .oneof(
    extraEntries([]).map(objectText),
    anyJson.filter(({ value }) => typeof value !== 'string').map((value) => objectText([['type', value]])),
    fc.constantFrom('{"__proto__":{"type":"PING"}}', '{"constructor":{"prototype":{"type":"PING"}}}', '{"TYPE":"PING"}', '{"type ":"PING"}'),
  )
  .map(badRequest('no usable type'));

const unknownType = fc
  .oneof(anyString(0, 80), fc.constantFrom('ping', 'Ping', 'PING ', ' AUTH', 'auth', 'READY', 'ACK', 'ERROR', 'HISTORY', '__proto__', 'constructor'))
  .filter((type) => !CLIENT_TYPES.includes(type))
  .chain((type) => extraEntries([]).map((extras) => objectText([['type', literal(type)], ...extras])))
  .map(badRequest('unknown type'));

const ping = knownFrame('PING', []).map(({ text }): FuzzFrame => ({ label: 'PING', data: text, binary: false, answer: { type: 'PONG' } }));

/** Bytes that are not UTF-8: the relay reads binary frames as UTF-8 text, so they are BAD_REQUEST. */
const invalidUtf8 = fc
  .oneof(
    fc.uint8Array({ minLength: 1, maxLength: 64 }),
    fc.constantFrom(
      [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xff], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xf4, 0x90, 0x80, 0x80],
      [...Buffer.from('{"type":"PING","x":"'), 0xff, ...Buffer.from('"}')],
      [...Buffer.from('{"type":"PING"}'), 0xc3],
    ).map((bytes) => Uint8Array.from(bytes)),
  )
  .filter((bytes) => {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      return false;
    } catch {
      return true;
    }
  })
  .map((bytes): FuzzFrame => ({ label: 'binary, not UTF-8', data: bytes, binary: true, answer: { type: 'ERROR', code: 'BAD_REQUEST' } }));

/** Any of the text frames above, sent as a binary frame holding its UTF-8: answered the same. */
const asBinary = (frames: fc.Arbitrary<FuzzFrame>) =>
  frames.map((frame): FuzzFrame => ({ ...frame, label: `binary ${frame.label}`, data: Buffer.from(frame.data), binary: true }));

/** Past the frame size limit: closed 1009, whatever it holds. */
function oversize(world: FuzzWorld): fc.Arbitrary<FuzzFrame> {
  return fc.integer({ min: 1, max: 4096 }).map((extra): FuzzFrame => ({
    label: 'over the size limit',
    data: JSON.stringify({ type: 'PING', pad: 'x'.repeat(world.maxFrameBytes + extra) }),
    binary: false,
    answer: { type: 'CLOSE', code: 1009 },
  }));
}

/** A frame the relay refuses with an ERROR (or closes, when it came out too big). */
export function refusedFrame(world: FuzzWorld): fc.Arbitrary<FuzzFrame> {
  return fc.oneof(notJson, notAnObject, noUsableType, unknownType, invalidUtf8, foreignFrame(world, 'after')).map((frame) => sized(world, frame));
}

/** One generated frame for a socket in `phase`, with the contract's answer to it. */
export function fuzzFrame(world: FuzzWorld, phase: Phase): fc.Arbitrary<FuzzFrame> {
  const textFrames = fc.oneof(
    { arbitrary: notJson, weight: 8 },
    { arbitrary: notAnObject, weight: 6 },
    { arbitrary: noUsableType, weight: 6 },
    { arbitrary: unknownType, weight: 6 },
    { arbitrary: ping, weight: 8 },
    { arbitrary: foreignFrame(world, phase), weight: 40 },
    { arbitrary: ownFrame(world, phase), weight: 10 },
  );
  return fc
    .oneof(
      { arbitrary: textFrames, weight: 170 },
      { arbitrary: asBinary(textFrames), weight: 12 },
      { arbitrary: invalidUtf8, weight: 10 },
      { arbitrary: authFrame(world, phase), weight: 4 },
      { arbitrary: oversize(world), weight: 1 },
    )
    .map((frame) => sized(world, frame));
}

/** A frame that came out bigger than the limit is closed 1009, whatever it meant. */
function sized(world: FuzzWorld, frame: FuzzFrame): FuzzFrame {
  return byteLength(frame.data) > world.maxFrameBytes ? { ...frame, answer: { type: 'CLOSE', code: 1009 } } : frame;
}

function byteLength(data: string | Uint8Array): number {
  return typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
}
