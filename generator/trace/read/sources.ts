import {
  imageBytes,
  isTraceFile,
  imageRings,
  TraceFileError,
  TraceFileReader,
  type Layout,
  type TraceChunk,
  type TraceHeader,
} from '@tracegen/runtime';
import { DecodeError, DecodeOptionError } from './errors.js';
import type { Input } from './input.js';
import type { ChunkView } from './pipeline.js';
import { halves, readRecord, type DecodedRecord } from './record.js';

import type { InputFormat } from './input-formats.js';
/**
 * A batch of records from an input. Records within one ring are in write order; a trace file
 * yields a batch per drain (its chunks, one per ring), an image or a serial dump one batch.
 */
export interface RecordBatch {
  readonly records: DecodedRecord[];
  /** Per ring, events ever written when known (the write index), for totals and dumps. */
  readonly written?: ReadonlyMap<number, number>;
  /** Per ring, events lost to overwriting and records dropped as torn, as the file says. */
  readonly lost?: ReadonlyMap<number, { overwritten: number; dropped: number }>;
}

/** Recognises an input by its content: a trace file's magic, dump text, or else a raw image. */
export function detectFormat(head: Uint8Array): InputFormat {
  if (isTraceFile(head)) return 'trace';
  const sample = head.subarray(0, 65536);
  if (!sample.includes(0) && new TextDecoder().decode(sample).includes('=== Trace Dump')) return 'serial';
  if (!sample.includes(0) && isMostlyText(sample)) return 'serial';
  return 'rings';
}

function isMostlyText(bytes: Uint8Array): boolean {
  if (bytes.length === 0) return false;
  let printable = 0;
  for (const b of bytes) if (b === 9 || b === 10 || b === 13 || (b >= 32 && b < 127) || b >= 128) printable++;
  return printable / bytes.length > 0.95;
}

/**
 * Streams the records of a trace file, one batch per drain: a batch ends where a chunk's ring is
 * not above the previous chunk's, or where another run's chunks begin (a capture several runs
 * appended to). With `run`, only that run's chunks come (1 = the first), and a file without it is
 * an option error. `onHeader` gets the header of the first run that yields (its wall clock and
 * run id). Throws `DecodeError` if the file is cut off or damaged, after the batches before the
 * damage.
 */
export interface TraceBatch {
  readonly chunks: ChunkView[];
  readonly written: ReadonlyMap<number, number>;
  readonly lost: ReadonlyMap<number, { overwritten: number; dropped: number }>;
  /** Rings named (or renamed; '' when a name was cleared) before this batch's records. */
  readonly names: ReadonlyMap<number, string>;
  /** String table entries (`[id, text]`) read before this batch's records: its run's ids. */
  readonly strings: readonly [number, string][];
  /** The run of the file its chunks belong to (1 = the first), and that run's header. */
  readonly run: number;
  readonly header: TraceHeader;
}

export function* traceFileBatches(input: Input, onHeader: (h: TraceHeader) => void, run?: number): Generator<TraceBatch> {
  const reader = new TraceFileReader();
  let batch: ChunkView[] = [];
  let written = new Map<number, number>();
  let lost = new Map<number, { overwritten: number; dropped: number }>();
  let names = new Map<number, string>();
  let strings: [number, string][] = [];
  let lastRing = -1;
  let batchRun = 0;
  let announced = false;
  const done = (): TraceBatch => ({ chunks: batch, written, lost, names, strings, run: batchRun, header: reader.runs[batchRun - 1]! });
  const take = (chunk: TraceChunk): TraceBatch | undefined => {
    if (run !== undefined && chunk.run !== run) {
      // another run's names and strings are not this run's
      reader.takeNames();
      reader.takeStrings();
      return undefined;
    }
    if (!announced) {
      onHeader(reader.runs[chunk.run - 1]!);
      announced = true;
    }
    let out: TraceBatch | undefined;
    if (chunk.ring <= lastRing || (batchRun !== 0 && chunk.run !== batchRun)) {
      out = done();
      batch = [];
      written = new Map();
      lost = new Map();
      names = new Map();
      strings = [];
    }
    // names and strings read before this chunk: the ones the next drain carried come with its batch
    for (const [ring, name] of reader.takeNames()) names.set(ring, name);
    for (const entry of reader.takeStrings()) strings.push(entry);
    batchRun = chunk.run;
    lastRing = chunk.ring;
    // views into the blocks read: the reader never reuses a block, so they stay valid
    batch.push({
      ring: chunk.ring,
      view: new DataView(chunk.records.buffer, chunk.records.byteOffset, chunk.records.byteLength),
      length: chunk.records.byteLength,
    });
    written.set(chunk.ring, chunk.firstIndex + chunk.count);
    const l = lost.get(chunk.ring) ?? { overwritten: 0, dropped: 0 };
    lost.set(chunk.ring, { overwritten: l.overwritten + chunk.overwritten, dropped: l.dropped + chunk.dropped });
    return out;
  };
  try {
    for (let block = input.read(); block; block = input.read()) {
      reader.feed(block);
      for (const chunk of reader.chunks()) {
        const out = take(chunk);
        if (out) yield out;
      }
    }
    // a header and no chunk (yet: the file may be cut): the header still tells the schema
    if (!announced && reader.header && run === undefined) {
      onHeader(reader.header);
      announced = true;
    }
    // a capture cut inside its last chunk still gives the chunk's whole records
    const cut = reader.cutChunk();
    if (cut) {
      const out = take(cut);
      if (out) yield out;
    }
    reader.finish();
    if (run !== undefined && !announced)
      throw new DecodeOptionError(`--run ${run}: ${input.name} holds ${reader.runs.length} run${reader.runs.length === 1 ? '' : 's'}`);
  } catch (e) {
    if (batch.length) yield done();
    batch = [];
    if (e instanceof TraceFileError) throw new DecodeError(`${input.name}: ${e.message}`);
    throw e;
  }
  for (const [ring, name] of reader.takeNames()) names.set(ring, name);
  for (const entry of reader.takeStrings()) strings.push(entry);
  if (batch.length || written.size || names.size || strings.length) yield done();
}

/** Throws unless `size` bytes (`more`: more than that) is the size of an image of `layout`. */
export function checkImageSize(size: number, more: boolean, layout: Layout, name: string): void {
  const expected = imageBytes(layout);
  if (size === expected && !more) return;
  throw new DecodeError(
    `${name}: ${more ? 'more than ' : ''}${size} bytes is not a ring image of this schema's layout: expected ${expected} (${layout.rings} rings x (${layout.ringSize} x 32 + 8))`,
  );
}

/**
 * The records of a raw ring image (a debugger's dump of the kernel's rings): each ring's write
 * index says which slots hold events and in what order, oldest first.
 */
export function ringImageBatch(bytes: Uint8Array, layout: Layout, name: string): RecordBatch {
  checkImageSize(bytes.length, false, layout, name);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const records: DecodedRecord[] = [];
  const written = new Map<number, number>();
  for (const r of imageRings(view, layout)) {
    if (r.written >= 2n ** 53n)
      throw new DecodeError(`${name}: ring ${r.ring}'s write index is implausible (${r.written}): not a ring image`);
    written.set(r.ring, Number(r.written));
    for (const at of r.offsets) records.push(readRecord(view, at, r.ring));
  }
  return { records, written };
}

/** The result of reading dumps out of a serial log. */
export interface SerialResult extends RecordBatch {
  /** Lines inside a dump that are not dump rows. */
  readonly skipped: number;
  readonly dumps: number;
  /** The N of the last dump's title (`most recent N per CPU`). */
  readonly count: number | undefined;
  /** The total the last dump printed. */
  readonly total: number | undefined;
}

const ROW = /^\s*(\d+)\s+(\d+)\s+(\S+)\s+0x([0-9a-fA-F]+)\s+0x([0-9a-fA-F]+)\s*$/;
const TITLE = /=== Trace Dump \(most recent (\d+) per CPU\) ===/;
const TOTAL = /=== Total events recorded: (\d+) ===/;
const COLUMNS = /^\s*TIMESTAMP\s+CPU\s+EVENT\s+DATA0\s+DATA1\s*$/;

/** Longer lines are not dump rows (a row is under 100 characters): they are skipped unread. */
const MAX_LINE = 64 * 1024;

/**
 * The rows of `dump_trace` output found in a serial capture (`\r\n` or `\n`, other kernel lines
 * around and between dumps), read as a stream: only the current dump's rows are kept, so a log of
 * any size takes the memory of one dump. With several dumps, the last one is decoded: each dump
 * shows the rings at its moment. `idOf` maps printed names back to ids.
 *
 * @example
 * const scan = new SerialScanner(idOf, 16, 16 * 4096, 'serial.log');
 * for (const block of blocks) scan.push(block);
 * const result = scan.finish();
 */
export class SerialScanner {
  readonly #idOf: (name: string) => number;
  readonly #rings: number;
  readonly #maxRows: number;
  readonly #name: string;
  readonly #decoder = new TextDecoder('utf-8');
  #rest = '';
  #skippingLongLine = false;
  #dumps = 0;
  #inDump = false;
  #rows: DecodedRecord[] = [];
  #skipped = 0;
  #count: number | undefined;
  #total: number | undefined;

  /** `maxRows`: more rows in one dump than this cannot be a dump of these rings (the layout's records). */
  constructor(idOf: (name: string) => number, rings: number, maxRows: number, name: string) {
    this.#idOf = idOf;
    this.#rings = rings;
    this.#maxRows = maxRows;
    this.#name = name;
  }

  /** Takes the next block of the log. */
  push(bytes: Uint8Array): void {
    const text = this.#rest + this.#decoder.decode(bytes, { stream: true });
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      if (this.#skippingLongLine) this.#skippingLongLine = false;
      else this.#line(text.slice(start, nl));
      start = nl + 1;
    }
    this.#rest = text.slice(start);
    if (this.#rest.length > MAX_LINE) {
      if (!this.#skippingLongLine && this.#inDump) this.#skipped++;
      this.#skippingLongLine = true;
      this.#rest = '';
    }
  }

  /** Ends the log: the last dump's rows and counts. */
  finish(): SerialResult {
    const last = this.#rest + this.#decoder.decode();
    if (last !== '' && !this.#skippingLongLine) this.#line(last);
    if (this.#dumps === 0) throw new DecodeError(`${this.#name}: no dump_trace output in it (no "=== Trace Dump" line)`);
    return { records: this.#rows, skipped: this.#skipped, dumps: this.#dumps, count: this.#count, total: this.#total };
  }

  #line(raw: string): void {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const title = TITLE.exec(line);
    if (title) {
      this.#dumps++;
      this.#inDump = true;
      this.#rows = [];
      this.#skipped = 0;
      this.#count = Number(title[1]);
      return;
    }
    if (!this.#inDump) return;
    const end = TOTAL.exec(line);
    if (end) {
      this.#total = Number(end[1]);
      this.#inDump = false;
      return;
    }
    if (COLUMNS.test(line)) return;
    const m = ROW.exec(line);
    if (!m) {
      if (line.trim() !== '') this.#skipped++;
      return;
    }
    const ts = BigInt(m[1]!);
    const d0 = BigInt('0x' + m[4]!);
    const d1 = BigInt('0x' + m[5]!);
    if (ts >> 64n !== 0n || d0 >> 64n !== 0n || d1 >> 64n !== 0n || Number(m[2]) > 255) {
      this.#skipped++;
      return;
    }
    if (this.#rows.length >= this.#maxRows) {
      throw new DecodeError(
        `${this.#name}: a dump with more than ${this.#maxRows} rows, more than the rings hold: not a dump of this schema's layout`,
      );
    }
    const [tsHi, tsLo] = halves(ts);
    const [d0hi, d0lo] = halves(d0);
    const [d1hi, d1lo] = halves(d1);
    const cpu = Number(m[2]);
    // the kernel prints ring by ring, and puts CPU 16+ in its last ring
    this.#rows.push({
      tsHi,
      tsLo,
      id: this.#idOf(m[3]!),
      cpu,
      ring: Math.min(cpu, this.#rings - 1),
      d0lo,
      d0hi,
      d1lo,
      d1hi,
      args: 0,
      name: m[3]!,
    });
  }
}
