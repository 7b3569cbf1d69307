import type { DecodedRecord } from '../read/record.js';
import { RecordWriters } from './record-writers.js';
import type { View, ViewStart } from '../read/view.js';
import { writeJsonAt, writeJsonLine } from './formats.js';
import type { Sink } from '../output/sink.js';

/** `decode --format jsonl`: one JSON object per event, written as bytes (formats.ts). */
export class JsonlView implements View {
  readonly #out: Sink;
  #writers!: RecordWriters;

  constructor(out: Sink) {
    this.#out = out;
  }

  start({ decoder }: ViewStart): void {
    this.#writers = new RecordWriters(decoder);
  }

  record(r: DecodedRecord): void {
    writeJsonLine(r, this.#writers, this.#out.bytes);
  }

  recordAt(view: DataView, o: number): void {
    writeJsonAt(view, o, this.#writers, this.#out.bytes);
  }

  end(): void {}
}
