import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_FREQUENCY, MIN_FREQUENCY } from '@tracegen/runtime';
import { renderDiagnostics } from '../schema/diagnostics/render.js';
import { DecodeOptionError } from '../trace/read/errors.js';
import { Input } from '../trace/read/input.js';
import { readTrace, type ReadOptions, type ReadRequest, type ReadResult } from '../trace/read/reader.js';
import type { View } from '../trace/read/view.js';
import { INPUT_FORMATS, type InputFormat } from '../trace/read/input-formats.js';
import { findConfig, loadConfig, relativeOrAbsolute } from '../schema/config/load-config.js';
import { loadSchemaFile, type LoadResult } from '../schema/load-schema.js';
import type { SchemaModel } from '../schema/model/model.js';
import { flag, oneOf, str, strs, type ParsedArgs } from './args.js';
import { CliError, EXIT_INVALID, UsageError, type CliIo } from './io.js';
import { ReadReporter } from './progress.js';

/** What the commands that read traces (decode, stats, report) take from their common options. */
export interface TraceInputArgs {
  /** The command reading it, as progress names it. */
  readonly command: string;
  readonly path: string;
  readonly schemaPath: string | undefined;
  readonly given: SchemaModel | undefined;
  readonly inputFormat: InputFormat | undefined;
  readonly force: boolean;
  /** The filters: `--cpu`, `--event`, `--from`, `--to`, `--frequency`. */
  readonly filters: Pick<ReadOptions, 'cpus' | 'events' | 'from' | 'to' | 'frequency' | 'run'>;
}

/** Reads the input and filter options every trace-reading command shares; usage errors throw. */
export function traceInputArgs(args: ParsedArgs, command: string, io: CliIo): TraceInputArgs {
  if (args.positionals.length !== 1)
    throw new UsageError(args.positionals.length ? `${command} takes one input` : `${command} needs an input file (or - for stdin)`);
  const forced = str(args, 'input-format');
  const schemaPath = str(args, 'schema');
  return {
    command,
    path: args.positionals[0]!,
    schemaPath,
    given: schemaPath === undefined ? undefined : loadSchemaOrExit(schemaPath, io),
    inputFormat: forced === undefined ? undefined : oneOf<InputFormat>('--input-format', forced, INPUT_FORMATS, 'trace'),
    force: flag(args, 'force-schema'),
    filters: {
      cpus: strs(args, 'cpu').length ? new Set(strs(args, 'cpu').map((c) => intIn('--cpu', c, 0, 255))) : undefined,
      events: strs(args, 'event'),
      from: str(args, 'from'),
      to: str(args, 'to'),
      frequency: str(args, 'frequency') === undefined ? undefined : frequency('--frequency', str(args, 'frequency')!),
      run: str(args, 'run') === undefined ? undefined : intIn('--run', str(args, 'run')!, 1, 2 ** 31),
    },
  };
}

/** The decode request of the common options: images and serial logs without `--schema` use the project's one schema (defaultSchema). */
export function decodeRequest(t: TraceInputArgs, io: CliIo): ReadRequest {
  return { given: t.given, schemaPath: t.schemaPath, force: t.force, inputFormat: t.inputFormat, fallback: () => defaultSchema(io) };
}

/**
 * Reads a command's input into its view: every record that passes the filters, in time order
 * unless `order` says. The reader's notes are printed as they come, with progress on a terminal
 * (progress.ts). A damaged or cut-off input comes back as `error` (exit 1 after the output of what
 * came before); options that do not fit the input are usage errors. `input` is opened here unless
 * the command opened it (decode: its output is checked against it first).
 */
export function readInput(
  t: TraceInputArgs,
  view: View,
  io: CliIo,
  order: Partial<Pick<ReadOptions, 'order' | 'last'>> = {},
  input?: Input,
): ReadResult {
  const source = input ?? new Input(t.path);
  const reporter = new ReadReporter(io, t.command);
  try {
    return readTrace(source, decodeRequest(t, io), { order: 'time', last: undefined, ...t.filters, ...order }, view, reporter);
  } catch (e) {
    if (e instanceof DecodeOptionError) throw new UsageError(e.message);
    throw e;
  } finally {
    reporter.clear();
    if (!input) source.close();
  }
}

/** The schema of --schema; an invalid one prints its diagnostics and exits 1 (an unreadable path, 2). */
export function loadSchemaOrExit(path: string, io: CliIo): SchemaModel {
  return modelOrExit(path, loadSchemaFile(path), io);
}

/** The model of a schema loaded from `path`, or its diagnostics printed and exit 1. */
function modelOrExit(path: string, r: LoadResult, io: CliIo): SchemaModel {
  if (!r.model) {
    io.stderr.write(renderDiagnostics(r.diagnostics, 'text', () => r.text));
    throw new CliError(`${path} is not a valid schema`, EXIT_INVALID);
  }
  return r.model;
}

/** Images and serial logs carry no schema: the one the config lists (found as every command finds it), else the one in ./schema/. */
export function defaultSchema(io: CliIo): SchemaModel {
  // the project's config first, as every other command reads it
  const configFile = findConfig(undefined);
  const schemas = configFile === undefined ? [] : (loadConfig(configFile).schemas ?? []);
  const listed = schemas.map((s) => relativeOrAbsolute(s.path));
  // the config has loaded its schemas already
  if (listed.length === 1) return modelOrExit(listed[0]!, schemas[0]!.loaded, io);
  if (listed.length > 1)
    throw new UsageError(
      `raw ring images and serial logs carry no schema: pass --schema (${configFile} lists ${listed.length}: ${listed.join(', ')})`,
    );
  const dir = 'schema';
  const found = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.yaml') || f.endsWith('.yml')) : [];
  if (found.length !== 1) {
    throw new UsageError(
      `raw ring images and serial logs carry no schema: pass --schema${found.length > 1 ? ` (./schema/ has ${found.length})` : ''}`,
    );
  }
  return loadSchemaOrExit(join(dir, found[0]!), io);
}

export function positiveInt(flagName: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new UsageError(`${flagName} must be a positive whole number, not '${v}'`);
  return Number(v);
}

function intIn(flagName: string, v: string, lo: number, hi: number): number {
  if (!/^\d+$/.test(v) || Number(v) < lo || Number(v) > hi)
    throw new UsageError(`${flagName} must be a whole number from ${lo} to ${hi}, not '${v}'`);
  return Number(v);
}

function frequency(flagName: string, v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < MIN_FREQUENCY || n > MAX_FREQUENCY)
    throw new UsageError(`${flagName} must be a number of Hz from ${MIN_FREQUENCY} to ${MAX_FREQUENCY}, not '${v}'`);
  return n;
}
