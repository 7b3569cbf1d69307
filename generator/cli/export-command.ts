import { DecodeError, DecodeOptionError, OutputLimitError } from '../trace/read/errors.js';
import { statOrUndefined } from '../fs/aside.js';
import { EXPORT_FORMAT_NAMES, EXPORT_FORMATS, type ExportFormatName, type ExportWriter } from '../trace/views.js';
import { flag, oneOf, parseCommandArgs, str } from './args.js';
import { commandHelp, EXPORT, parserOptions } from './commands.js';
import { EXIT_INVALID, EXIT_OK, UsageError, type CliIo } from './io.js';
import { readInput, traceInputArgs } from './trace-input.js';

/**
 * `tracegen export`: a trace as a CTF folder or a Parquet file, written aside and renamed.
 *
 * @example
 * await cli(['export', 'rings.bin', '--schema', 'schema/veridian.yaml', '--format', 'ctf', '-o', 'out.ctf'], io);
 */
export async function exportCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseCommandArgs(argv, parserOptions(EXPORT));
  if (flag(args, 'help')) {
    io.stdout.write(commandHelp(EXPORT));
    return EXIT_OK;
  }
  const given = str(args, 'format');
  if (given === undefined) throw new UsageError(`export needs --format ${EXPORT_FORMAT_NAMES.join(' or --format ')}`);
  const format = oneOf<ExportFormatName>('--format', given, EXPORT_FORMAT_NAMES, 'ctf');
  const { output: what, label, open } = EXPORT_FORMATS[format];
  const output = str(args, 'output');
  if (output === undefined || output === '-') throw new UsageError(`export needs -o ${what}`);
  const t = traceInputArgs(args, 'export', io);
  if (sameFile(t.path, output)) throw new UsageError(`-o ${output} is the input itself; write the export elsewhere`);
  let writer: ExportWriter;
  try {
    writer = await open(output, statOrUndefined(t.path, true));
  } catch (e) {
    if (e instanceof DecodeOptionError) throw new UsageError(e.message);
    if (!(e instanceof DecodeError)) throw e;
    io.stderr.write(`tracegen: ${e.message}\n`);
    return EXIT_INVALID;
  }
  let error: string | undefined;
  try {
    error = readInput(t, writer.view, io).error;
  } catch (e) {
    writer.abandon();
    // what the format cannot hold (a time past CTF's reach): one line, nothing left behind
    if (e instanceof OutputLimitError) {
      io.stderr.write(`tracegen: ${e.message}; nothing written\n`);
      return EXIT_INVALID;
    }
    // the output failing midway (a full disk, a folder made read-only): one line, nothing left behind
    if (!isFsError(e)) throw e;
    io.stderr.write(`tracegen: cannot write ${output}: ${(e as Error).message}\n`);
    return EXIT_INVALID;
  }
  // a damaged input is exported up to the damage, like decode prints it, then exits 1
  try {
    await writer.finish();
  } catch (e) {
    if (!(e instanceof DecodeError) && !isFsError(e)) throw e;
    io.stderr.write(`tracegen: cannot write ${output}: ${(e as Error).message}\n`);
    return EXIT_INVALID;
  }
  if (writer.nameless)
    io.stderr.write(`tracegen: left out ${writer.nameless} serial rows whose event names the schema lacks (they have no id)\n`);
  io.stderr.write(`wrote ${output} (${writer.count} events, ${label})\n`);
  if (error === undefined) return EXIT_OK;
  io.stderr.write(`tracegen: ${error}\n`);
  return EXIT_INVALID;
}

function sameFile(a: string, b: string): boolean {
  const x = statOrUndefined(a, true);
  const y = statOrUndefined(b, true);
  return x !== undefined && y !== undefined && x.dev === y.dev && x.ino === y.ino;
}

function isFsError(e: unknown): boolean {
  return typeof (e as { code?: unknown })?.code === 'string';
}
