import { StatsCollector } from '../trace/stats/trace-stats.js';
import { statsJson, statsText } from '../trace/stats/stats-format.js';
import { flag, oneOf, parseCommandArgs, str } from './args.js';
import { commandHelp, parserOptions, STATS } from './commands.js';
import { EXIT_INVALID, EXIT_OK, type CliIo } from './io.js';
import { readInput, traceInputArgs } from './trace-input.js';

/**
 * `tracegen stats`: counts, rates, span latencies and losses of a trace, streamed.
 *
 * @example
 * await cli(['stats', 'app.trace', '--format', 'json'], io);
 */
export async function statsCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseCommandArgs(argv, parserOptions(STATS));
  if (flag(args, 'help')) {
    io.stdout.write(commandHelp(STATS));
    return EXIT_OK;
  }
  const format = oneOf('--format', str(args, 'format'), ['text', 'json'] as const, 'text');
  const t = traceInputArgs(args, 'stats', io);
  const collector = new StatsCollector();
  const { lost, error } = readInput(t, collector, io);
  const stats = collector.result(lost);
  const name = t.path === '-' ? 'stdin' : t.path;
  io.stdout.write(format === 'json' ? `${JSON.stringify(statsJson(stats, name), null, 2)}\n` : statsText(stats, name));
  if (error === undefined) return EXIT_OK;
  io.stderr.write(`tracegen: ${error}\n`);
  return EXIT_INVALID;
}
