import { gzipSync } from 'node:zlib';
import type { View, ViewStart } from '../read/view.js';
import type { DecodedRecord } from '../read/record.js';
import type { FieldSpec } from '@tracegen/runtime';
import { fieldSpec, type SchemaDecoder } from '../read/schema-decoder.js';
import type { MatchedSpan } from '../read/span-matcher.js';
import type { SchemaModel } from '../../schema/model/model.js';
import { tsOf } from '../stats/trace-stats.js';

/** Records a report keeps in full by default; past it, the timeline is bucketed (`--full` keeps all). */
export const REPORT_FULL_RECORDS = 1_000_000;
/** Buckets the timeline's range is cut into once it is bucketed: finer than any screen's pixels. */
export const REPORT_BUCKETS = 8192;

/** A record kept for the page: the columns below, by index. */
class Columns {
  n = 0;
  cap = 1 << 16;
  ts = new Float64Array(this.cap);
  cpu = new Uint8Array(this.cap);
  id = new Uint8Array(this.cap);
  words = new Uint32Array(this.cap * 5);

  push(ts: number, cpu: number, id: number, w0: number, w1: number, w2: number, w3: number, w4: number): number {
    if (this.n === this.cap) this.#grow();
    const i = this.n++;
    this.ts[i] = ts;
    this.cpu[i] = cpu;
    this.id[i] = id;
    const o = i * 5;
    const w = this.words;
    w[o] = w0;
    w[o + 1] = w1;
    w[o + 2] = w2;
    w[o + 3] = w3;
    w[o + 4] = w4;
    return i;
  }

  /** Appends record `i` of `from`. */
  copy(from: Columns, i: number): number {
    const o = i * 5;
    const w = from.words;
    return this.push(from.ts[i]!, from.cpu[i]!, from.id[i]!, w[o]!, w[o + 1]!, w[o + 2]!, w[o + 3]!, w[o + 4]!);
  }

  #grow(): void {
    this.cap *= 2;
    const grow = <T extends Float64Array | Uint8Array | Uint32Array>(a: T, n: number): T => {
      const b = new (a.constructor as new (n: number) => T)(n);
      b.set(a);
      return b;
    };
    this.ts = grow(this.ts, this.cap);
    this.cpu = grow(this.cpu, this.cap);
    this.id = grow(this.id, this.cap);
    this.words = grow(this.words, this.cap * 5);
  }
}

/**
 * The records of a report, column by column (struct of arrays, as Perfetto's trace processor
 * keeps them): per record 8 bytes of timestamp delta, cpu, id, the two data words and the
 * argument-misfit bits, 30 bytes before gzip; the page inflates them with the browser's
 * DecompressionStream. Timestamps are deltas from the previous record (small numbers, which
 * compress well) in clock counts.
 *
 * Bounded: past `limit` records (unless `full`), the timeline keeps, per CPU and event, the first
 * record of each of `REPORT_BUCKETS` equal slices of the time range (a slice doubles, merging
 * pairs, whenever the range outgrows them), and spans likewise: what the page draws at any zoom
 * down to a slice, in bounded memory and size. Counts, percentiles and losses come from `stats`
 * and stay exact; the page says that its timeline is bucketed.
 */
export class ReportColumns implements View {
  #all = new Columns();
  #spans: { begin: number; end: number; cpu: number; span: number }[] = [];
  #seen = 0;
  #spansSeen = 0;
  readonly #limit: number;
  /** Once bucketed: the first timestamp, a slice's width, and per (cpu, id) the kept record of each slice. */
  #bucketed: { first: number; width: number; rows: Map<number, Int32Array>; spanRows: Map<number, Int32Array> } | undefined;
  decoder: SchemaDecoder | undefined;
  frequency = 0;

  constructor(options: { readonly limit?: number; readonly full?: boolean } = {}) {
    this.#limit = options.full ? Number.POSITIVE_INFINITY : (options.limit ?? REPORT_FULL_RECORDS);
  }

  start({ decoder, frequency }: ViewStart): void {
    this.decoder = decoder;
    this.frequency = frequency;
  }

  end(): void {}

  record(r: DecodedRecord): void {
    this.#seen++;
    const ts = tsOf(r);
    if (this.#bucketed) {
      this.#keep(ts, r);
      return;
    }
    this.#all.push(ts, r.cpu, r.id, r.d0lo >>> 0, r.d0hi >>> 0, r.d1lo >>> 0, r.d1hi >>> 0, r.args >>> 0);
    if (this.#all.n > this.#limit) this.#bucket();
  }

  /** Takes the spans the stats collector matched. */
  span(m: MatchedSpan): void {
    this.#spansSeen++;
    this.#addSpan({ begin: tsOf(m.begin), end: tsOf(m.end), cpu: m.end.cpu, span: m.index });
  }

  #addSpan(s: { begin: number; end: number; cpu: number; span: number }): void {
    if (!this.#bucketed) {
      this.#spans.push(s);
      return;
    }
    const b = this.#bucketed;
    const slot = this.#slot(s.begin, b.spanRows, s.cpu * 65536 + s.span);
    if (slot.row[slot.k]! < 0) slot.row[slot.k] = this.#spans.push(s) - 1;
  }

  /** Records the report was given, and how many it keeps (all, unless bucketed). */
  get count(): number {
    return this.#seen;
  }
  get kept(): number {
    return this.#all.n;
  }
  get bucketed(): { readonly width: number; readonly buckets: number; readonly spans: number } | undefined {
    return this.#bucketed && { width: this.#bucketed.width, buckets: REPORT_BUCKETS, spans: this.#spansSeen };
  }

  /** Switches to slices: the range so far cut into REPORT_BUCKETS, the records so far kept by the rule. */
  #bucket(): void {
    const all = this.#all;
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < all.n; i++) {
      lo = Math.min(lo, all.ts[i]!);
      hi = Math.max(hi, all.ts[i]!);
    }
    this.#bucketed = { first: lo, width: Math.max(1, Math.ceil((hi - lo + 1) / REPORT_BUCKETS)), rows: new Map(), spanRows: new Map() };
    const spans = this.#spans;
    this.#all = new Columns();
    this.#spans = [];
    for (let i = 0; i < all.n; i++) {
      const slot = this.#slot(all.ts[i]!, this.#bucketed.rows, all.cpu[i]! * 256 + all.id[i]!);
      if (slot.row[slot.k]! < 0) slot.row[slot.k] = this.#all.copy(all, i);
    }
    for (const s of spans) this.#addSpan(s);
  }

  #keep(ts: number, r: DecodedRecord): void {
    const slot = this.#slot(ts, this.#bucketed!.rows, r.cpu * 256 + r.id);
    if (slot.row[slot.k]! < 0)
      slot.row[slot.k] = this.#all.push(ts, r.cpu, r.id, r.d0lo >>> 0, r.d0hi >>> 0, r.d1lo >>> 0, r.d1hi >>> 0, r.args >>> 0);
  }

  /** The slice of `ts` in a row (made on first use), widening every slice until it fits. */
  #slot(ts: number, rows: Map<number, Int32Array>, key: number): { row: Int32Array; k: number } {
    const b = this.#bucketed!;
    let k = Math.max(0, Math.floor((ts - b.first) / b.width));
    while (k >= REPORT_BUCKETS) {
      this.#widen();
      k = Math.max(0, Math.floor((ts - b.first) / b.width));
    }
    let row = rows.get(key);
    if (!row) rows.set(key, (row = new Int32Array(REPORT_BUCKETS).fill(-1)));
    return { row, k };
  }

  /** Doubles every slice: of two neighbours the earlier kept record stays; the columns are compacted. */
  #widen(): void {
    const b = this.#bucketed!;
    b.width *= 2;
    const all = this.#all;
    const next = new Columns();
    halve(b.rows, (i) => next.copy(all, i));
    this.#all = next;
    const spans = this.#spans;
    const kept: typeof spans = [];
    halve(b.spanRows, (i) => kept.push(spans[i]!) - 1);
    this.#spans = kept;
  }

  /** The columns as one gzip'd buffer, and where each column starts in it once inflated. */
  encode(): { blob: Buffer; layout: Record<string, [offset: number, length: number]>; first: number } {
    // kept records in time order (slices are kept per CPU and event, so they interleave)
    let all = this.#all;
    if (this.#bucketed) {
      const order = Array.from({ length: all.n }, (_, i) => i).sort((a, b) => all.ts[a]! - all.ts[b]!);
      const sorted = new Columns();
      for (const i of order) sorted.copy(all, i);
      all = sorted;
    }
    const n = all.n;
    const first = n ? all.ts[0]! : 0;
    const deltas = new Float64Array(n);
    for (let i = 0; i < n; i++) deltas[i] = all.ts[i]! - (i ? all.ts[i - 1]! : first);
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
      ['words', all.words.subarray(0, n * 5)],
      ['spanIndex', spanIndex],
      ['cpu', all.cpu.subarray(0, n)],
      ['id', all.id.subarray(0, n)],
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
 * Merges each row's slices in pairs (slice k takes the earlier kept entry of 2k and 2k+1) and
 * moves what stays with `move`, which returns its new index.
 */
function halve(rows: Map<number, Int32Array>, move: (index: number) => number): void {
  for (const row of rows.values()) {
    for (let k = 0; k < REPORT_BUCKETS; k++) {
      const keep = k < REPORT_BUCKETS / 2 ? (row[2 * k]! >= 0 ? row[2 * k]! : row[2 * k + 1]!) : -1;
      row[k] = keep < 0 ? -1 : move(keep);
    }
  }
}

/**
 * What the page needs to print a record's fields as `decode --format table` does: per event, its
 * name and its fields as the runtime's field reader takes them (runtime/field-reader.ts, which
 * the page embeds: build-report.ts).
 */
export function fieldTables(model: SchemaModel): Record<number, { name: string; fields: FieldSpec[] }> {
  return Object.fromEntries(model.events.map((e) => [e.id, { name: e.names.snake, fields: e.fields.map(fieldSpec) }]));
}
