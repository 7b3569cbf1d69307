import { StatsCollector } from '../trace/stats/trace-stats.js';
import { DecodeError, DecodeOptionError } from '../trace/read/errors.js';
import { Sink } from '../trace/output/sink.js';
import { fileOutput } from '../trace/write-aside.js';
import { statOrUndefined } from '../fs/aside.js';
import { ReportColumns } from '../trace/report/report-data.js';
import { buildReport } from '../trace/report/build-report.js';
import { flag, parseCommandArgs, str } from './args.js';
import { commandHelp, parserOptions, REPORT } from './commands.js';
import { EXIT_INVALID, EXIT_OK, UsageError, type CliIo } from './io.js';
import { readInput, traceInputArgs } from './trace-input.js';
import { allOf } from '../trace/read/view.js';

/**
 * `tracegen report`: one self-contained HTML file of a trace, written aside and renamed.
 *
 * @example
 * await cli(['report', 'app.trace', '-o', 'report.html'], io);
 */
export async function reportCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseCommandArgs(argv, parserOptions(REPORT));
  if (flag(args, 'help')) {
    io.stdout.write(commandHelp(REPORT));
    return EXIT_OK;
  }
  const output = str(args, 'output');
  if (output === undefined || output === '-') throw new UsageError('report needs -o FILE.html: the report is one file');
  const t = traceInputArgs(args, 'report', io);
  // the output rule is checked before the trace is read: a refused -o (the input itself, a folder) costs nothing
  try {
    fileOutput(output, statOrUndefined(t.path, true));
  } catch (e) {
    if (e instanceof DecodeOptionError) throw new UsageError(e.message);
    throw e;
  }
  const columns = new ReportColumns({ full: flag(args, 'full') });
  const collector = new StatsCollector((m) => columns.span(m));
  const { lost, error } = readInput(t, allOf(collector, columns), io);
  if (!columns.decoder) {
    io.stderr.write(`tracegen: ${error ?? `${t.path}: nothing to report`}\n`);
    return EXIT_INVALID;
  }
  const name = t.path === '-' ? 'stdin' : t.path;
  // a runtime trace's rings are threads; a kernel's are CPUs
  const lanes = columns.decoder.model.clock.unit === 'ns' ? 'thread' : 'cpu';
  let html: string;
  try {
    html = buildReport(collector.result(lost), columns, name, lanes);
  } catch (e) {
    // a string past V8's limit (512 MB): only --full gets there
    if (!(e instanceof RangeError)) throw e;
    io.stderr.write(
      `tracegen: the report of ${columns.count} records is larger than one page can be; leave out --full, or choose records with --from/--to\n`,
    );
    return EXIT_INVALID;
  }
  const bytes = Buffer.byteLength(html);
  try {
    const sink = new Sink(io, output, statOrUndefined(t.path, true));
    sink.write(html);
    sink.close();
    // success is said only of what was written: a regular file must hold every byte
    const written = statOrUndefined(output, true);
    if (written?.isFile() && written.size !== bytes)
      throw new DecodeError(`cannot write ${output}: ${written.size} of ${bytes} bytes were written`);
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    io.stderr.write(`tracegen: ${e.message}\n`);
    return EXIT_INVALID;
  }
  const kept = columns.bucketed
    ? `; the timeline keeps ${columns.kept} of them, the first of each CPU and event per 1/${columns.bucketed.buckets} of the range (--full for all)`
    : '';
  io.stderr.write(`wrote ${output} (${columns.count} events, ${(bytes / 1024).toFixed(0)} KiB${kept})\n`);
  if (error === undefined) return EXIT_OK;
  io.stderr.write(`tracegen: ${error}\n`);
  return EXIT_INVALID;
}
