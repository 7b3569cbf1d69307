import { DecodeError, DecodeOptionError } from '../trace/read/errors.js';
import { writeResult } from '../trace/query/result-format.js';
import { runQuery } from '../trace/query/run-query.js';
import { flag, oneOf, parseCommandArgs, str } from './args.js';
import { commandHelp, parserOptions, QUERY } from './commands.js';
import { EXIT_INVALID, EXIT_OK, UsageError, type CliIo } from './io.js';
import { decodeRequest, traceInputArgs } from './trace-input.js';
import { ReadReporter } from './progress.js';

/**
 * `tracegen query`: SQL over traces and Parquet exports with DuckDB.
 *
 * @example
 * await cli(['query', 'app.trace', 'SELECT event, count(*) FROM events GROUP BY 1'], io);
 */
export async function queryCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseCommandArgs(argv, parserOptions(QUERY));
  if (flag(args, 'help')) {
    io.stdout.write(commandHelp(QUERY));
    return EXIT_OK;
  }
  const format = oneOf('--format', str(args, 'format'), ['table', 'csv', 'json', 'jsonl'] as const, 'table');
  const positionals = args.positionals;
  if (positionals.length < 2)
    throw new UsageError(positionals.length ? 'query needs the SQL after its inputs' : 'query needs inputs and an SQL statement');
  const sql = positionals.at(-1)!;
  const inputs = positionals.slice(0, -1);
  // the common options, read once for all inputs (the first stands for them)
  const t = traceInputArgs({ ...args, positionals: [inputs[0]!] }, 'query', io);
  try {
    const { warnings } = await runQuery(
      { inputs, sql, request: decodeRequest(t, io), frequency: t.filters.frequency, run: t.filters.run, given: t.given },
      new ReadReporter(io, 'query'),
      (result) => writeResult(result, format, (text) => io.stdout.write(text)),
    );
    for (const w of warnings) io.stderr.write(`tracegen: ${w}\n`);
    return EXIT_OK;
  } catch (e) {
    if (e instanceof DecodeOptionError) throw new UsageError(e.message);
    if (!(e instanceof DecodeError)) throw e;
    io.stderr.write(`tracegen: ${e.message}\n`);
    return EXIT_INVALID;
  }
}
