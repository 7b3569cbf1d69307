import type { DecodedRecord } from '../read/record.js';
import type { SchemaDecoder } from '../read/schema-decoder.js';
import { RecordWriters } from './record-writers.js';
import type { RunBoundary, View, ViewStart } from '../read/view.js';
import { tableHeader, tableLine, writeTableAt } from './formats.js';
import type { Sink } from '../output/sink.js';

/**
 * `decode --format table`: a header, then one readable line per event (formats.ts). The one view
 * that shows several runs of a capture: each after a line naming it.
 */
export class TableView implements View {
  readonly #out: Sink;
  #decoder!: SchemaDecoder;
  #writers!: RecordWriters;
  #frequency = 0;

  constructor(out: Sink) {
    this.#out = out;
  }

  start({ decoder, frequency }: ViewStart): void {
    this.#decoder = decoder;
    this.#writers = new RecordWriters(decoder);
    this.#frequency = frequency;
    this.#out.write(tableHeader(frequency > 0));
  }

  record(r: DecodedRecord): void {
    this.#out.write(tableLine(r, this.#decoder, this.#frequency));
  }

  recordAt(view: DataView, o: number): void {
    writeTableAt(view, o, this.#writers, this.#out.bytes, this.#frequency);
  }

  run({ run, runId, wallClockZeroMs, inputName }: RunBoundary): void {
    const id = runId ? `id ${runId.toString(16).padStart(8, '0')}` : 'no id';
    const started = wallClockZeroMs > 0 && wallClockZeroMs < 8.64e15 ? `, started ${new Date(wallClockZeroMs).toISOString()}` : '';
    this.#out.write(`--- run ${run} of ${inputName} (${id}${started}); its timestamps start again ---\n`);
  }

  /** A ring's name, on a line of its own before the records after it. */
  ringName(ring: number, name: string): void {
    this.#out.write(name ? `--- ring ${ring} is ${JSON.stringify(name)} ---\n` : `--- ring ${ring} has no name ---\n`);
  }

  end(): void {}
}
