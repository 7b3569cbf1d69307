import { DecodeRun, type DecodeOptions } from '../trace/read/decode-run.js';
import { OUTPUT_FORMATS, type OutputFormat } from '../trace/decode/formats.js';
import { DecodeError, DecodeOptionError } from '../trace/read/errors.js';
import { Input } from '../trace/read/input.js';
import { Sink } from '../trace/decode/sink.js';
import { flag, oneOf, parseCommandArgs, str } from './args.js';
import { EXIT_INVALID, EXIT_OK, UsageError, type CliIo } from './io.js';
import { decodeRequest, positiveInt, traceInputArgs } from './trace-input.js';
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
  const options: DecodeOptions = {
    format: oneOf<OutputFormat>('--format', str(args, 'format'), OUTPUT_FORMATS, 'table'),
    order: oneOf('--order', str(args, 'order'), ['time', 'ring'] as const, 'time'),
    last: positiveInt('--last', str(args, 'last')),
    ...t.filters,
  };
  const input = new Input(t.path);

  let sink: Sink | undefined;
  let run: DecodeRun | undefined;
  try {
    sink = new Sink(io, str(args, 'output'), input.identity);
    run = new DecodeRun(options, sink, io, input);
    run.decodeAny(decodeRequest(t, io));
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
