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
    throw new UsageError(e instanceof Error ? e.message.split('\n')[0]!.replace(/\. To specify.*$/, '') : String(e));
  }
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
