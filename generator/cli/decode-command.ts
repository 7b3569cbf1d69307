import { DECODE_FORMATS, OUTPUT_FORMATS, type OutputFormat } from '../trace/views.js';
import { DecodeError, DecodeOptionError } from '../trace/read/errors.js';
import { Input } from '../trace/read/input.js';
import { Sink } from '../trace/output/sink.js';
import { flag, oneOf, parseCommandArgs, str } from './args.js';
import { EXIT_INVALID, EXIT_OK, UsageError, type CliIo } from './io.js';
import { positiveInt, readInput, traceInputArgs } from './trace-input.js';
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
  const t = traceInputArgs(args, 'decode', io);
  const format = oneOf<OutputFormat>('--format', str(args, 'format'), OUTPUT_FORMATS, 'table');
  const order = {
    order: oneOf('--order', str(args, 'order'), ['time', 'ring'] as const, 'time'),
    last: positiveInt('--last', str(args, 'last')),
  };
  const view = await DECODE_FORMATS[format].view();
  const input = new Input(t.path);
  let sink: Sink | undefined;
  try {
    sink = new Sink(io, str(args, 'output'), input.identity);
    // a damaged input: what was decoded before the damage is still written, then exit 1
    const { error } = readInput(t, view(sink), io, order, input);
    sink.close();
    if (error === undefined) return EXIT_OK;
    io.stderr.write(`tracegen: ${error}\n`);
    return EXIT_INVALID;
  } catch (e) {
    if (e instanceof DecodeError) {
      // the output failed: said once; what was written so far is kept where it can be
      let reported = e;
      try {
        sink?.close();
      } catch (closing) {
        if (!(closing instanceof DecodeError)) throw closing;
        reported = closing;
      }
      io.stderr.write(`tracegen: ${reported.message}\n`);
      return EXIT_INVALID;
    }
    sink?.abort();
    // `-o` naming the input itself, or a folder
    if (e instanceof DecodeOptionError) throw new UsageError(e.message);
    throw e;
  } finally {
    input.close();
  }
}
