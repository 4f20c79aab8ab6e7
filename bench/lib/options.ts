/**
 * The command line of a benchmark (`node:util`'s `parseArgs`, strict: an unknown option or a
 * stray argument is an error), read once at start. A wrong command line ends the run before
 * anything starts, with one line naming what is wrong and the usage, exit code 2: never a stack
 * trace, never a silent default.
 */
import { parseArgs } from 'node:util';

type Spec = Record<string, { type: 'string' | 'boolean'; default?: string | boolean }>;
type Values<S extends Spec> = { [K in keyof S]: S[K]['type'] extends 'boolean' ? boolean : S[K] extends { default: string } ? string : string | undefined };

/** A value that is wrong for its option: thrown by the checks below, printed as the run's one line. */
export class OptionError extends Error {}

export function readOptions<S extends Spec, T>(
  name: string,
  usage: string,
  spec: S,
  check: (values: Values<S>) => T,
  argv: string[] = process.argv.slice(2),
): T {
  try {
    const { values } = parseArgs({ args: argv, options: spec, strict: true, allowPositionals: false });
    return check(values as unknown as Values<S>);
  } catch (error) {
    const message = describe(error);
    process.stderr.write(`bench:${name}: ${message}\nusage: npm run bench:${name} -- ${usage}\n`);
    process.exit(2);
  }
}

/** parseArgs's errors, shortened to what is wrong; ours (`OptionError`) as they are. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const quoted = /'([^']*)'/.exec(error.message)?.[1];
  const code = (error as { code?: string }).code;
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && quoted !== undefined) return `unknown option ${quoted}`;
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL' && quoted !== undefined) return `${quoted}: options are --name=value`;
  return error.message;
}

/** `text` as a whole number of at least `min`, or an `OptionError` naming `--option`. */
export function wholeNumber(option: string, text: string, min = 1): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isInteger(value) || value < min) {
    throw new OptionError(`--${option}=${text}: a whole number of at least ${min}`);
  }
  return value;
}
