import { DecodeRun, type DecodeOptions, type DecodeRequest, type RecordConsumer } from './decode-run.js';
import { DecodeError, type DecodeIo } from './errors.js';
import { Input } from './input.js';
import { Sink } from '../decode/sink.js';

/**
 * Runs the decode pipeline into a consumer instead of a printed format (stats, the report, the
 * API): every record that passes the filters, in the chosen order. A damaged or cut-off input
 * ends the records early and comes back as `error`; everything else (an option that does not
 * fit the input, a path that cannot be read) throws.
 */
export function consumeInput(
  path: string,
  request: DecodeRequest,
  options: Omit<DecodeOptions, 'format' | 'consumer'>,
  consumer: RecordConsumer,
  io: DecodeIo,
): { run: DecodeRun; error: string | undefined } {
  const input = new Input(path);
  const quiet = { ...io, stdout: { write: () => true } };
  const run = new DecodeRun({ ...options, format: 'jsonl', consumer }, new Sink(quiet, undefined), io, input);
  try {
    run.decodeAny(request);
    return { run, error: undefined };
  } catch (e) {
    if (e instanceof DecodeError) return { run, error: e.message };
    throw e;
  } finally {
    input.close();
  }
}
