import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_FREQUENCY, MIN_FREQUENCY } from '@tracegen/runtime';
import { renderDiagnostics } from '../schema/diagnostics/render.js';
import type { DecodeOptions, DecodeRequest, DecodeRun, RecordConsumer } from '../trace/read/decode-run.js';
import { consumeInput } from '../trace/read/consume.js';
import { DecodeOptionError } from '../trace/read/errors.js';
import { INPUT_FORMATS, type InputFormat } from '../trace/read/sources.js';
import { findConfig, loadConfig, relativeOrAbsolute } from '../schema/config/load-config.js';
import { loadSchemaFile, type LoadResult } from '../schema/load-schema.js';
import type { SchemaModel } from '../schema/model/model.js';
import { flag, oneOf, str, strs, type ParsedArgs } from './args.js';
import { CliError, EXIT_INVALID, UsageError, type CliIo } from './io.js';

/** What the commands that read traces (decode, stats, report) take from their common options. */
export interface TraceInputArgs {
  readonly path: string;
  readonly schemaPath: string | undefined;
  readonly given: SchemaModel | undefined;
  readonly inputFormat: InputFormat | undefined;
  readonly force: boolean;
  /** The filters: `--cpu`, `--event`, `--from`, `--to`, `--frequency`. */
  readonly filters: Pick<DecodeOptions, 'cpus' | 'events' | 'from' | 'to' | 'frequency' | 'run'>;
}

/** Reads the input and filter options every trace-reading command shares; usage errors throw. */
export function traceInputArgs(args: ParsedArgs, command: string, io: CliIo): TraceInputArgs {
  if (args.positionals.length !== 1)
    throw new UsageError(args.positionals.length ? `${command} takes one input` : `${command} needs an input file (or - for stdin)`);
  const forced = str(args, 'input-format');
  const schemaPath = str(args, 'schema');
  return {
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
export function decodeRequest(t: TraceInputArgs, io: CliIo): DecodeRequest {
  return { given: t.given, schemaPath: t.schemaPath, force: t.force, inputFormat: t.inputFormat, fallback: () => defaultSchema(io) };
}

/**
 * Runs the decode pipeline into a consumer (stats, the report): every record that passes the
 * filters, in time order. A damaged or cut-off input comes back as `error` (exit 1 after the
 * figures of what came before); options that do not fit the input are usage errors.
 */
export function consumeTrace(t: TraceInputArgs, consumer: RecordConsumer, io: CliIo): { run: DecodeRun; error: string | undefined } {
  try {
    return consumeInput(t.path, decodeRequest(t, io), { order: 'time', last: undefined, ...t.filters }, consumer, io);
  } catch (e) {
    if (e instanceof DecodeOptionError) throw new UsageError(e.message);
    throw e;
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
