/**
 * A small typed validator for the relay -> client half of the contract (server frames,
 * objects, response bodies): the shapes the widget parses in every browser. It offers the
 * few zod features those shapes use, with the same meaning (objects keep only their declared
 * keys), at a fraction of zod's bundle cost; the relay-side schemas (client frames, admin and
 * request bodies) stay on zod. See docs/decisions/0007-browser-schemas-without-zod.md.
 */
const INVALID: unique symbol = Symbol('invalid');
type Invalid = typeof INVALID;

export interface Schema<T> {
  readonly check: (input: unknown) => T | Invalid;
  readonly optional?: true;
  safeParse(input: unknown): { success: true; data: T } | { success: false };
}

export type Infer<S> = S extends Schema<infer T> ? T : never;

const schema = <T>(check: (input: unknown) => T | Invalid, optional?: true): Schema<T> => ({
  check,
  ...(optional ? { optional } : {}),
  safeParse(input) {
    const data = check(input);
    return data === INVALID ? { success: false } : { success: true, data };
  },
});

export const string = (): Schema<string> => schema((value) => (typeof value === 'string' ? value : INVALID));

export const boolean = (): Schema<boolean> => schema((value) => (typeof value === 'boolean' ? value : INVALID));

/** A safe integer of at least `min` (seq, counts, cursors). */
export const integerAtLeast = (min: number): Schema<number> =>
  schema((value) => (Number.isSafeInteger(value) && (value as number) >= min ? (value as number) : INVALID));

type Primitive = string | number | boolean;

/** One value, or any of a list of values (an enum). */
export function literal<const T extends Primitive>(value: T): Schema<T>;
export function literal<const T extends readonly Primitive[]>(values: T): Schema<T[number]>;
export function literal(expected: Primitive | readonly Primitive[]): Schema<Primitive> {
  const values: readonly unknown[] = Array.isArray(expected) ? expected : [expected];
  return schema((value) => (values.includes(value) ? (value as Primitive) : INVALID));
}

export const array = <T>(item: Schema<T>): Schema<T[]> =>
  schema((value) => {
    if (!Array.isArray(value)) return INVALID;
    const out: T[] = [];
    for (const element of value) {
      const parsed = item.check(element);
      if (parsed === INVALID) return INVALID;
      out.push(parsed);
    }
    return out;
  });

export const nullable = <T>(inner: Schema<T>): Schema<T | null> =>
  schema((value) => (value === null ? null : inner.check(value)));

export const optional = <T>(inner: Schema<T>): Schema<T | undefined> & { readonly optional: true } =>
  schema((value) => (value === undefined ? undefined : inner.check(value)), true) as Schema<T | undefined> & {
    readonly optional: true;
  };

type Shape = Record<string, Schema<unknown>>;
type ObjectOf<S extends Shape> = { [K in keyof S as S[K] extends { optional: true } ? never : K]: Infer<S[K]> } & {
  [K in keyof S as S[K] extends { optional: true } ? K : never]?: Infer<S[K]>;
};

/** An object with these keys; unknown keys are dropped, and only own properties are read. */
export const object = <S extends Shape>(shape: S): Schema<ObjectOf<S>> & { shape: S } => ({
  shape,
  ...schema((value) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return INVALID;
    const out: Record<string, unknown> = {};
    for (const key in shape) {
      const field = shape[key]!;
      const present = Object.hasOwn(value, key);
      if (!present && field.optional) continue;
      const parsed = field.check(present ? (value as Record<string, unknown>)[key] : undefined);
      if (parsed === INVALID) return INVALID;
      out[key] = parsed;
    }
    return out as ObjectOf<S>;
  }),
});
