import type { DecodedRecord } from '../read/record.js';
import type { SchemaDecoder } from '../read/schema-decoder.js';
import type { ReadEnd, View, ViewStart } from '../read/view.js';
import { dumpLines } from './formats.js';
import type { Sink } from '../output/sink.js';

/**
 * `decode --format dump`: what the kernel's `dump_trace(count)` prints for the same rings, so it
 * takes the whole input at once, ring by ring (by default each ring's last records, as many as
 * the dump it was read from, or a ring's size).
 */
export class DumpView implements View {
  readonly wholeRings = true;
  readonly #out: Sink;
  #decoder!: SchemaDecoder;
  readonly #byRing = new Map<number, DecodedRecord[]>();

  constructor(out: Sink) {
    this.#out = out;
  }

  start({ decoder }: ViewStart): void {
    this.#decoder = decoder;
  }

  record(r: DecodedRecord): void {
    const list = this.#byRing.get(r.ring);
    if (list) list.push(r);
    else this.#byRing.set(r.ring, [r]);
  }

  end({ total, lastCount }: ReadEnd): void {
    this.#out.write(dumpLines(this.#byRing, lastCount ?? this.#decoder.model.layout.ringSize, total, this.#decoder));
  }
}
