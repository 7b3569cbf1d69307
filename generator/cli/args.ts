import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './io.js';

/** `parseArgs` with its errors turned into usage errors (exit 2), not stack traces. */
export interface ParsedArgs {
  readonly values: { readonly [flag: string]: string | boolean | (string | boolean)[] | undefined };
  readonly positionals: string[];
}

/** Parses flags and positionals; a flag's value is a string, a boolean, or for `multiple` a list. */
export function parseCommandArgs(argv: readonly string[], options: NonNullable<ParseArgsConfig['options']>): ParsedArgs {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(ownWords(e, argv));
  }
}

/** `parseArgs`'s complaint said the way the rest of the CLI speaks. */
function ownWords(e: unknown, argv: readonly string[]): string {
  const text = e instanceof Error ? e.message : String(e);
  const option = /Option '(?:-\w, )?(--?[\w-]+)/.exec(text)?.[1] ?? /'(--?[\w-]+)'/.exec(text)?.[1];
  if (/Unknown option/.test(text)) return `unknown option '${option}'`;
  if (/ambiguous/.test(text) && option) {
    const value = argv[argv.indexOf(option) + 1] ?? '';
    return `${option} ${value}: write a value that starts with '-' as ${option}=${value}`;
  }
  if (/argument missing/.test(text) && option) return `${option} needs a value`;
  if (/does not take an argument/.test(text) && option) return `${option} takes no value`;
  return text.split('\n')[0]!.replace(/\. To specify.*$/, '');
}

/** Parses one of a fixed set of words, or throws a usage error naming them. */
export function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${flag} must be one of ${allowed.join(', ')}, not '${value}'`);
}

/** A string flag's value, or undefined. */
export function str(args: ParsedArgs, flag: string): string | undefined {
  const v = args.values[flag];
  return typeof v === 'string' ? v : undefined;
}

/** A repeatable string flag's values. */
export function strs(args: ParsedArgs, flag: string): string[] {
  const v = args.values[flag];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : [];
}

/** A boolean flag. */
export function flag(args: ParsedArgs, name: string): boolean {
  return args.values[name] === true;
}
