import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { renderDiagnostics } from '../diagnostics/render.js';
import { loadSchemaFile } from '../load-schema.js';
import type { SchemaModel } from '../model/model.js';
import { DecodeRun, type DecodeOptions } from '../decode/decode-run.js';
import type { OutputFormat } from '../decode/formats.js';
import { DecodeError, DecodeOptionError } from '../decode/errors.js';
import { Input } from '../decode/input.js';
import { Sink } from '../decode/sink.js';
import type { InputFormat } from '../decode/sources.js';
import { MAX_FREQUENCY, MIN_FREQUENCY } from '@tracegen/runtime';
import { flag, oneOf, parseCommandArgs, str, strs } from './args.js';
import { CliError, EXIT_INVALID, EXIT_OK, UsageError, type CliIo } from './io.js';
import { commandHelp, parserOptions, DECODE } from './commands.js';

/**
 * `tracegen decode`: read any trace users hold and print it.
 *
 * @example
 * await cli(['decode', 'rings.bin', '--format', 'dump', '--last', '64'], io);
 */
export async function decodeCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseCommandArgs(argv, parserOptions(DECODE));
  if (flag(args, 'help')) {
    io.stdout.write(commandHelp(DECODE));
    return EXIT_OK;
  }
  if (args.positionals.length !== 1)
    throw new UsageError(args.positionals.length ? 'decode takes one input' : 'decode needs an input file (or - for stdin)');
  const options: DecodeOptions = {
    format: oneOf<OutputFormat>('--format', str(args, 'format'), ['table', 'jsonl', 'dump', 'chrome'], 'table'),
    order: oneOf('--order', str(args, 'order'), ['time', 'ring'] as const, 'time'),
    last: positiveInt('--last', str(args, 'last')),
    cpus: strs(args, 'cpu').length ? new Set(strs(args, 'cpu').map((c) => intIn('--cpu', c, 0, 255))) : undefined,
    events: strs(args, 'event'),
    from: str(args, 'from'),
    to: str(args, 'to'),
    frequency: str(args, 'frequency') === undefined ? undefined : frequency('--frequency', str(args, 'frequency')!),
  };
  const forced = str(args, 'input-format');
  const inputFormat =
    forced === undefined ? undefined : oneOf<InputFormat>('--input-format', forced, ['trace', 'rings', 'serial'], 'trace');
  const schemaPath = str(args, 'schema');

  const given = schemaPath === undefined ? undefined : loadSchemaOrExit(schemaPath, io);

  const input = new Input(args.positionals[0]!);

  let sink: Sink | undefined;
  let run: DecodeRun | undefined;
  try {
    sink = new Sink(io, str(args, 'output'), input.identity);
    run = new DecodeRun(options, sink, io, input);
    run.decodeAny({ given, schemaPath, force: flag(args, 'force-schema'), inputFormat, fallback: () => defaultSchema(io) });
    sink.close();
    run.report();
    return EXIT_OK;
  } catch (e) {
    if (e instanceof DecodeError) {
      // what was decoded before the damage is still written, unless the output itself failed
      let reported = e;
      try {
        run?.finish();
        sink?.close();
      } catch (closing) {
        if (!(closing instanceof DecodeError)) throw closing;
        reported = closing;
      }
      io.stderr.write(`tracegen: ${reported.message}\n`);
      return EXIT_INVALID;
    }
    sink?.abort();
    // an option that does not fit this input is a usage error, said once, here
    if (e instanceof DecodeOptionError) throw new UsageError(e.message);
    throw e;
  } finally {
    input.close();
  }
}

/** The schema of --schema; an invalid one prints its diagnostics and exits 1 (an unreadable path, 2). */
export function loadSchemaOrExit(path: string, io: CliIo): SchemaModel {
  const r = loadSchemaFile(path);
  if (!r.model) {
    io.stderr.write(renderDiagnostics(r.diagnostics, 'text', () => r.text));
    throw new CliError(`${path} is not a valid schema`, EXIT_INVALID);
  }
  return r.model;
}

/** Images and serial logs carry no schema: use the project's, when it has exactly one. */
export function defaultSchema(io: CliIo): SchemaModel {
  const dir = 'schema';
  const found = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.yaml') || f.endsWith('.yml')) : [];
  if (found.length !== 1) {
    throw new UsageError(
      `raw ring images and serial logs carry no schema: pass --schema${found.length > 1 ? ` (./schema/ has ${found.length})` : ''}`,
    );
  }
  return loadSchemaOrExit(join(dir, found[0]!), io);
}

function positiveInt(flagName: string, v: string | undefined): number | undefined {
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
