import { gzipSync } from 'node:zlib';
import type { RecordConsumer } from '../decode/decode-run.js';
import type { DecodedRecord } from '../decode/record.js';
import type { SchemaDecoder } from '../decode/schema-decoder.js';
import type { MatchedSpan } from '../decode/span-matcher.js';
import type { FieldModel, SchemaModel } from '../model/model.js';
import { tsOf } from '../analyse/trace-stats.js';

/**
 * The records of a report, column by column (struct of arrays, as Perfetto's trace processor
 * keeps them): per record 8 bytes of timestamp delta, cpu, id, the two data words and the
 * argument-misfit bits, 30 bytes before gzip; the page inflates them with the browser's
 * DecompressionStream. Timestamps are deltas from the previous record (small numbers, which
 * compress well) in clock counts.
 */
export class ReportColumns implements RecordConsumer {
  #n = 0;
  #cap = 1 << 16;
  #ts = new Float64Array(this.#cap);
  #cpu = new Uint8Array(this.#cap);
  #id = new Uint8Array(this.#cap);
  #words = new Uint32Array(this.#cap * 5);
  #spans: { begin: number; end: number; cpu: number; span: number }[] = [];
  decoder: SchemaDecoder | undefined;
  frequency = 0;

  start(decoder: SchemaDecoder, frequency: number): void {
    this.decoder = decoder;
    this.frequency = frequency;
  }

  record(r: DecodedRecord): void {
    if (this.#n === this.#cap) this.#grow();
    const i = this.#n++;
    this.#ts[i] = tsOf(r);
    this.#cpu[i] = r.cpu;
    this.#id[i] = r.id;
    this.#words.set([r.d0lo >>> 0, r.d0hi >>> 0, r.d1lo >>> 0, r.d1hi >>> 0, r.args >>> 0], i * 5);
  }

  /** Takes the spans the stats collector matched. */
  span(m: MatchedSpan): void {
    this.#spans.push({ begin: tsOf(m.begin), end: tsOf(m.end), cpu: m.end.cpu, span: m.index });
  }

  get count(): number {
    return this.#n;
  }

  #grow(): void {
    this.#cap *= 2;
    const grow = <T extends Float64Array | Uint8Array | Uint32Array>(a: T, n: number): T => {
      const b = new (a.constructor as new (n: number) => T)(n);
      b.set(a);
      return b;
    };
    this.#ts = grow(this.#ts, this.#cap);
    this.#cpu = grow(this.#cpu, this.#cap);
    this.#id = grow(this.#id, this.#cap);
    this.#words = grow(this.#words, this.#cap * 5);
  }

  /** The columns as one gzip'd buffer, and where each column starts in it once inflated. */
  encode(): { blob: Buffer; layout: Record<string, [offset: number, length: number]>; first: number } {
    const n = this.#n;
    const first = n ? this.#ts[0]! : 0;
    const deltas = new Float64Array(n);
    for (let i = 0; i < n; i++) deltas[i] = this.#ts[i]! - (i ? this.#ts[i - 1]! : first);
    const spans = this.#spans;
    const spanBegin = new Float64Array(spans.map((s) => s.begin - first));
    const spanEnd = new Float64Array(spans.map((s) => s.end - first));
    const spanCpu = new Uint8Array(spans.map((s) => s.cpu));
    const spanIndex = new Uint16Array(spans.map((s) => s.span));
    // 8-byte columns first, so every typed array in the page is aligned
    const parts: [string, ArrayBufferView][] = [
      ['ts', deltas],
      ['spanBegin', spanBegin],
      ['spanEnd', spanEnd],
      ['words', this.#words.subarray(0, n * 5)],
      ['spanIndex', spanIndex],
      ['cpu', this.#cpu.subarray(0, n)],
      ['id', this.#id.subarray(0, n)],
      ['spanCpu', spanCpu],
    ];
    const layout: Record<string, [number, number]> = {};
    const chunks: Buffer[] = [];
    let at = 0;
    for (const [name, view] of parts) {
      const pad = (8 - (at % 8)) % 8;
      if (pad) chunks.push(Buffer.alloc(pad));
      at += pad;
      layout[name] = [at, view.byteLength / (view as Uint8Array).BYTES_PER_ELEMENT];
      chunks.push(Buffer.from(view.buffer, view.byteOffset, view.byteLength));
      at += view.byteLength;
    }
    return { blob: gzipSync(Buffer.concat(chunks), { level: 6 }), layout, first };
  }
}

/**
 * What the page needs to print a record's fields as `decode --format table` does: per event,
 * per field its word, bit range, type and display format, and the names of enum values and flag
 * bits. The page's formatter follows the rules of runtime/field-codec.ts and runtime/bits.ts (a
 * browser test compares its text with decode's for every kind of field).
 */
export function fieldTables(model: SchemaModel): Record<number, { name: string; fields: object[] }> {
  const field = (f: FieldModel) => ({
    name: f.names.snake,
    word: f.word,
    lo: f.lo,
    range: f.range,
    kind: f.type.kind,
    width: f.type.width,
    format: f.format,
    unit: f.unit ?? '',
    ...(f.type.kind === 'enum'
      ? { labels: Object.fromEntries(f.type.ref.values.map((v) => [v.value, v.names.snake])), enumName: f.type.ref.names.snake }
      : {}),
    ...(f.type.kind === 'flags' ? { bits: f.type.ref.bits.map((b) => [b.bit, b.names.snake]) } : {}),
  });
  return Object.fromEntries(model.events.map((e) => [e.id, { name: e.names.snake, fields: e.fields.map(field) }]));
}
