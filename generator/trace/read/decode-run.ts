import { imageBytes, OFFSET_ID, RECORD_BYTES, type TraceHeader } from '@tracegen/runtime';
import { DecodeError, DecodeOptionError, type DecodeIo } from './errors.js';
import { loadSchemaText } from '../../schema/load-schema.js';
import type { SchemaModel } from '../../schema/model/model.js';
import { dumpLines, tableHeader, tableLine, writeJsonAt, writeJsonLine, writeTableAt, type OutputFormat } from '../decode/formats.js';
import type { Input } from './input.js';
import { ChunkMerger, LastPerRing, type EmitAt } from './pipeline.js';
import { compareTs, readRecord, u64Big, type DecodedRecord } from './record.js';
import { ChromeWriter } from '../decode/chrome.js';
import { SchemaDecoder } from './schema-decoder.js';
import { TRACE_SCHEMA_SUFFIX } from '../../schema/diff/baseline.js';
import { compareSchemas } from '../../schema/diff/compare.js';
import { SchemaLocator } from '../../schema/diff/locate.js';
import type { Sink } from '../decode/sink.js';
import {
  checkImageSize,
  detectFormat,
  ringImageBatch,
  SerialScanner,
  traceFileBatches,
  type InputFormat,
  type TraceBatch,
  type RecordBatch,
} from './sources.js';

const PROGRESS_EVERY_MS = 500;

/** What to print, in which order, and which records. */
export interface DecodeOptions {
  format: OutputFormat;
  order: 'time' | 'ring';
  last: number | undefined;
  cpus: Set<number> | undefined;
  events: string[];
  from: string | undefined;
  to: string | undefined;
  frequency: number | undefined;
  /** Only this run of a capture several runs appended to (1 = the first); undefined: every run, kept apart. */
  run?: number | undefined;
  /** Instead of printing: each record that passes the filters, in order (stats, export, the API). */
  consumer?: RecordConsumer;
}

/** Which schema decodes an input, and what the input is when not detected. */
export interface DecodeRequest {
  /** The schema given (`--schema`), if any. */
  readonly given: SchemaModel | undefined;
  readonly schemaPath: string | undefined;
  /** Decode a trace file with `given` even if it carries another schema. */
  readonly force: boolean;
  readonly inputFormat: InputFormat | undefined;
  /** The schema for an image or serial log when none was given. */
  readonly fallback: () => SchemaModel;
}

/** What the input says of its clock beyond the frequency. */
export interface ClockOrigin {
  /** What it counts: a trace file's clock (`ns`, `sequence`, ...), else the schema's unit. */
  readonly unit: string;
  /** Wall-clock time of timestamp 0 in ms since the Unix epoch, when the input says (a runtime trace file); else 0. */
  readonly wallClockZeroMs: number;
}

/** What takes decoded records instead of a printed format. */
export interface RecordConsumer {
  /** Once the schema and the clock are known (a trace file's header, or the given schema). */
  start(decoder: SchemaDecoder, frequency: number, clock: ClockOrigin): void;
  record(r: DecodedRecord): void;
  /** A ring's losses so far (overwritten plus dropped), before the records read after them. */
  lost?(ring: number, total: number): void;
}

/** One decode: filters, ordering, output and the counts reported at the end. */
export class DecodeRun {
  readonly #o: DecodeOptions;
  readonly #sink: Sink;
  readonly #io: DecodeIo;
  readonly #input: Input;
  #decoder!: SchemaDecoder;
  #frequency = 0;
  #origin: ClockOrigin = { unit: '', wallClockZeroMs: 0 };
  #unknown = 0;
  #skipped = 0;
  #events = 0;
  #lost = new Map<number, { overwritten: number; dropped: number }>();
  #merger: ChunkMerger | undefined;
  #filter!: (r: DecodedRecord) => boolean;
  #chrome: ChromeWriter | undefined;
  #lastProgress = 0;
  #showedProgress = false;
  readonly #now: () => number;

  constructor(o: DecodeOptions, sink: Sink, io: DecodeIo, input: Input) {
    this.#o = o;
    this.#sink = sink;
    this.#io = io;
    this.#input = input;
    this.#now = io.now ?? Date.now;
    this.#lastProgress = this.#now();
  }

  #setSchema(model: SchemaModel, clockFrequency: number, origin?: ClockOrigin): void {
    this.#origin = origin ?? { unit: model.clock.unit, wallClockZeroMs: 0 };
    this.#decoder = new SchemaDecoder(model);
    this.#frequency = this.#o.frequency ?? clockFrequency;
    const ids = new Set<number>();
    for (const name of this.#o.events) {
      const e = this.#decoder.eventByName(name);
      if (!e)
        throw new DecodeOptionError(
          `--event ${name}: no such event in schema ${model.name} (it has ${model.events.map((x) => x.names.snake).join(', ')})`,
        );
      ids.add(e.id);
    }
    const from = this.#o.from === undefined ? undefined : this.#bound('--from', this.#o.from);
    const to = this.#o.to === undefined ? undefined : this.#bound('--to', this.#o.to);
    const cpus = this.#o.cpus;
    this.#filter = (r) => {
      if (cpus && !cpus.has(r.cpu)) return false;
      if (ids.size && !ids.has(r.id)) return false;
      if (from !== undefined || to !== undefined) {
        const ts = u64Big(r.tsHi, r.tsLo);
        if (from !== undefined && ts < from) return false;
        if (to !== undefined && ts >= to) return false;
      }
      return true;
    };
  }

  /** A timestamp bound: raw counts, or a time with a unit turned into counts by the frequency. */
  #bound(flagName: string, text: string): bigint {
    const m = /^(\d+(?:\.\d+)?)(s|ms|us|ns)?$/.exec(text.trim());
    if (!m) throw new DecodeOptionError(`${flagName} must be a timestamp or a time like 1.5s, 200ms, 10us, not '${text}'`);
    if (!m[2]) {
      if (m[1]!.includes('.')) throw new DecodeOptionError(`${flagName}: a raw timestamp is a whole number`);
      return BigInt(m[1]!);
    }
    if (!this.#frequency)
      throw new DecodeOptionError(`${flagName} ${text}: the clock's frequency is not known; give --frequency or a raw timestamp`);
    const seconds = Number(m[1]) / { s: 1, ms: 1e3, us: 1e6, ns: 1e9 }[m[2] as 's' | 'ms' | 'us' | 'ns'];
    return BigInt(Math.round(seconds * this.#frequency));
  }

  /**
   * Decodes whatever the input is (detected from its first bytes, unless `inputFormat` says):
   * a trace file with its own schema (or `given`, forced), else an image or a serial log with
   * `given` or, when none was given, `fallback()`.
   */
  decodeAny(request: DecodeRequest): void {
    const head = this.#input.peek();
    if (head.length === 0) throw new DecodeError(`${this.#input.name}: empty input`);
    const format = request.inputFormat ?? detectFormat(head);
    if (format === 'trace') this.decodeTrace(request.given, request.force, request.schemaPath);
    else if (format === 'rings') this.decodeImage(request.given ?? request.fallback());
    else this.decodeSerial(request.given ?? request.fallback());
    this.finish();
  }

  decodeTrace(given: SchemaModel | undefined, force: boolean, schemaPath: string | undefined): void {
    const merger = (this.#merger = new ChunkMerger());
    // made once the header is read: `--last` and `dump` keep at most a ring's worth per CPU
    let last: LastPerRing | undefined;
    const written = new Map<number, number>();
    const onHeader = (h: TraceHeader) => {
      const embedded = loadSchemaText(h.schemaText, `${this.#input.name}${TRACE_SCHEMA_SUFFIX}`);
      if (!embedded.model)
        throw new DecodeError(
          `${this.#input.name}: the schema inside the trace is not valid (${embedded.diagnostics[0]?.message ?? 'unknown error'})`,
        );
      let model = embedded.model;
      if (given && given.hash !== h.schemaHash) {
        if (force) model = given;
        else {
          this.#io.stderr.write(
            `tracegen: note: ${this.#input.name} was written with schema '${embedded.model.name}' (${h.schemaHash.slice(0, 12)}), not ${schemaPath} (${given.hash.slice(0, 12)}); decoding with the schema inside the trace. Pass --force-schema to use ${schemaPath}.\n`,
          );
        }
        this.#io.stderr.write(
          wireNote(embedded.model, given, `${this.#input.name}${TRACE_SCHEMA_SUFFIX}`, schemaPath ?? 'the given schema', force),
        );
      }
      this.#setSchema(model, h.frequency || (model.clock.frequency ?? 0), {
        unit: h.clock === 'unknown' ? model.clock.unit : h.clock,
        wallClockZeroMs: h.wallClockZeroMs,
      });
      this.#header();
      last = this.#lastKeeper(undefined, h.layout.ringSize);
    };
    let emit: EmitAt | undefined;
    let run = 0;
    // a cut-off or damaged file: everything before the damage is still printed, in every
    // format and order, before the error goes up
    try {
      for (const batch of traceFileBatches(this.#input, onHeader, this.#o.run)) {
        emit ??= this.#emitAt(); // the schema is known once the header has been read
        if (batch.run !== run) {
          if (run !== 0) this.#nextRun(batch, merger, emit, last !== undefined);
          run = batch.run;
        }
        for (const [ring, n] of batch.written) written.set(ring, n);
        for (const [ring, l] of batch.lost) {
          const prev = this.#lost.get(ring) ?? { overwritten: 0, dropped: 0 };
          this.#setLost(ring, prev.overwritten + l.overwritten, prev.dropped + l.dropped);
        }
        if (last) {
          const records: DecodedRecord[] = [];
          for (const c of batch.chunks) for (let o = 0; o < c.length; o += RECORD_BYTES) records.push(readRecord(c.view, o, c.ring));
          last.push(records.filter(this.#filter));
        } else if (this.#o.order === 'time') merger.push(batch.chunks, emit);
        else for (const c of batch.chunks) for (let o = 0; o < c.length; o += RECORD_BYTES) emit(c.view, o, c.ring);
        this.#progress();
      }
    } finally {
      if (last)
        this.#finishLast(
          last,
          [...written.values()].reduce((a, b) => a + b, 0),
        );
      else if (emit) merger.end(emit);
    }
  }

  /**
   * Another run's records follow (runs appended to one capture). Runs are never merged by time:
   * the table ends one run's records, names the next and goes on; every other output takes one
   * run at a time and stops here with an option error naming `--run`.
   */
  #nextRun(batch: TraceBatch, merger: ChunkMerger, emit: EmitAt, keepingLast: boolean): void {
    const id = batch.header.runId ? `id ${batch.header.runId.toString(16).padStart(8, '0')}` : 'no id';
    if (this.#o.consumer || keepingLast || this.#o.format !== 'table')
      throw new DecodeOptionError(
        `${this.#input.name} holds more than one run: run ${batch.run} (${id}) follows run ${batch.run - 1}; runs are not mixed: give --run N for one (decode's table shows each in turn)`,
      );
    merger.end(emit);
    const zero = batch.header.wallClockZeroMs;
    const started = zero > 0 && zero < 8.64e15 ? `, started ${new Date(zero).toISOString()}` : '';
    this.#sink.write(`--- run ${batch.run} of ${this.#input.name} (${id}${started}); its timestamps start again ---\n`);
  }

  /** The streaming emitter: filters and prints a record straight from the file's bytes. */
  #emitAt(): EmitAt {
    const d = this.#decoder;
    const w = this.#sink.bytes;
    const filtering = this.#o.cpus !== undefined || this.#o.events.length > 0 || this.#o.from !== undefined || this.#o.to !== undefined;
    const jsonl = this.#o.format === 'jsonl';
    const consumer = this.#o.consumer;
    const frequency = this.#frequency;
    return (view, o, ring) => {
      if (filtering && !this.#filter(readRecord(view, o, ring))) return;
      this.#events++;
      if (d.event(view.getUint8(o + OFFSET_ID)) === undefined) this.#unknown++;
      if (consumer) consumer.record(readRecord(view, o, ring));
      else if (jsonl) writeJsonAt(view, o, d, w);
      else if (this.#chrome) this.#chrome.record(readRecord(view, o, ring));
      else writeTableAt(view, o, d, w, frequency);
    };
  }

  decodeImage(model: SchemaModel): void {
    this.#setSchema(model, model.clock.frequency ?? 0);
    // an image has one size: checked before reading (a sparse 3 GB file), or while reading a
    // stream, which is never read past it (/dev/zero)
    const expected = imageBytes(model.layout);
    if (this.#input.size !== undefined) checkImageSize(this.#input.size, false, model.layout, this.#input.name);
    const bytes = this.#input.readAtMost(expected + 1);
    checkImageSize(Math.min(bytes.length, expected), bytes.length > expected, model.layout, this.#input.name);
    this.#header();
    const batch = ringImageBatch(bytes, model.layout, this.#input.name);
    const total = [...batch.written!.values()].reduce((a, b) => a + b, 0);
    // a ring holds its last ring_size records: what its write index counts beyond them was overwritten
    for (const [ring, n] of batch.written!) if (n > model.layout.ringSize) this.#setLost(ring, n - model.layout.ringSize, 0);
    this.#whole(batch, total, undefined);
  }

  decodeSerial(model: SchemaModel): void {
    this.#setSchema(model, model.clock.frequency ?? 0);
    this.#header();
    const scan = new SerialScanner(
      (name) => this.#decoder.eventByName(name)?.id ?? -1,
      model.layout.rings,
      model.layout.rings * model.layout.ringSize,
      this.#input.name,
    );
    for (let block = this.#input.read(); block; block = this.#input.read()) {
      scan.push(block);
      this.#progress();
    }
    const result = scan.finish();
    this.#skipped = result.skipped;
    this.#whole(result, result.total ?? result.records.length, result.count);
  }

  #setLost(ring: number, overwritten: number, dropped: number): void {
    // counts stay exact (CTF's events_discarded, stats): no ring loses 2^53 records in a real trace
    if (overwritten + dropped > Number.MAX_SAFE_INTEGER)
      throw new DecodeError(`${this.#input.name}: ring ${ring}'s losses add up to 2^53 records or more: the file is damaged`);
    this.#lost.set(ring, { overwritten, dropped });
    this.#o.consumer?.lost?.(ring, overwritten + dropped);
  }

  /** Small inputs (an image, a dump): filter, keep the last N, order, print. */
  #whole(batch: RecordBatch, total: number, dumpCount: number | undefined): void {
    const records = batch.records.filter(this.#filter);
    const last = this.#lastKeeper(dumpCount, this.#decoder.model.layout.ringSize);
    if (last) {
      last.push(records);
      this.#finishLast(last, total, dumpCount);
      return;
    }
    if (this.#o.order === 'time') records.sort(compareTs);
    this.#emitAll(records);
  }

  /** Keeps the most recent records per ring for `--last` and `dump`: never more than a ring holds. */
  #lastKeeper(dumpCount: number | undefined, ringSize: number): LastPerRing | undefined {
    const n = this.#o.last ?? (this.#o.format === 'dump' ? (dumpCount ?? ringSize) : undefined);
    return n === undefined ? undefined : new LastPerRing(Math.min(n, ringSize));
  }

  #finishLast(last: LastPerRing, total: number, dumpCount?: number): void {
    const byRing = last.byRing();
    if (this.#o.format === 'dump' && !this.#o.consumer) {
      for (const list of byRing.values()) this.#count(list);
      this.#sink.write(dumpLines(byRing, this.#o.last ?? dumpCount ?? this.#decoder.model.layout.ringSize, total, this.#decoder));
      return;
    }
    const all = [...byRing.keys()].sort((a, b) => a - b).flatMap((ring) => byRing.get(ring)!);
    if (this.#o.order === 'time') all.sort(compareTs);
    this.#emitAll(all);
  }

  #header(): void {
    if (this.#o.consumer) this.#o.consumer.start(this.#decoder, this.#frequency, this.#origin);
    else if (this.#o.format === 'table') this.#sink.write(tableHeader(this.#frequency > 0));
    else if (this.#o.format === 'chrome') this.#chrome = new ChromeWriter(this.#decoder, this.#frequency, (t) => this.#sink.write(t));
  }

  /** Finishes formats that need an end (the JSON of `chrome`). */
  finish(): void {
    this.#chrome?.end();
  }

  #count(records: readonly DecodedRecord[]): void {
    for (const r of records) if (!this.#decoder.event(r.id)) this.#unknown++;
    this.#events += records.length;
  }

  #emitAll(records: readonly DecodedRecord[]): void {
    const consumer = this.#o.consumer;
    if (this.#o.format === 'dump' && !consumer) return;
    this.#count(records);
    const d = this.#decoder;
    if (consumer) for (const r of records) consumer.record(r);
    else if (this.#o.format === 'jsonl') {
      const w = this.#sink.bytes;
      for (const r of records) writeJsonLine(r, d, w);
    } else if (this.#chrome) for (const r of records) this.#chrome.record(r);
    else for (const r of records) this.#sink.write(tableLine(r, d, this.#frequency));
  }

  /** On a terminal, inputs that take more than half a second show how far they are. */
  #progress(): void {
    if (!this.#io.stderr.isTTY || !this.#input.size) return;
    const now = this.#now();
    if (now - this.#lastProgress < PROGRESS_EVERY_MS) return;
    this.#lastProgress = now;
    this.#showedProgress = true;
    const pct = Math.floor((this.#input.position / this.#input.size) * 100);
    this.#io.stderr.write(
      `\rdecode: ${pct}% (${(this.#input.position / 2 ** 20).toFixed(0)} of ${(this.#input.size / 2 ** 20).toFixed(0)} MiB, ${this.#events} events)`,
    );
  }

  /** What each ring lost, where the input tells (trace files and captures): overwritten and dropped records. */
  get lost(): ReadonlyMap<number, { readonly overwritten: number; readonly dropped: number }> {
    return this.#lost;
  }

  /** The schema the records were decoded with (known once decoding started). */
  get decoder(): SchemaDecoder | undefined {
    return this.#decoder;
  }

  /** What the user should know beside the output: unknown ids, skipped lines, losses. */
  report(): void {
    if (this.#showedProgress) this.#io.stderr.write('\r\x1b[K');
    if (this.#unknown)
      this.#io.stderr.write(
        `tracegen: ${this.#unknown} event${this.#unknown > 1 ? 's' : ''} with ids the schema does not define (decoded as unknown)\n`,
      );
    if (this.#skipped)
      this.#io.stderr.write(`tracegen: skipped ${this.#skipped} line${this.#skipped > 1 ? 's' : ''} inside dumps that are not dump rows\n`);
    const overwritten = [...this.#lost.values()].reduce((n, l) => n + l.overwritten, 0);
    const dropped = [...this.#lost.values()].reduce((n, l) => n + l.dropped, 0);
    // an image's overwrites are what a ring is (it keeps the last ring_size): only a capture's losses are news
    if ((overwritten || dropped) && this.#merger)
      this.#io.stderr.write(
        `tracegen: the capture lost ${plural(overwritten, 'event')} to overwriting and dropped ${plural(dropped, 'torn record')}\n`,
      );
    const m = this.#merger;
    if (m && (m.backwards || m.released)) {
      const why = [
        m.backwards ? `${m.backwards} record${m.backwards > 1 ? 's' : ''} older than the one before it in its ring` : '',
        m.released
          ? `a ring's timestamps ran ahead of the others (${m.released} early release${m.released > 1 ? 's' : ''} of 64 MiB of waiting records)`
          : '',
      ]
        .filter((x) => x)
        .join('; ');
      this.#io.stderr.write(`tracegen: note: the output is not wholly in time order: ${why}; --order ring prints the file's order\n`);
    }
  }
}

/** What reading a trace with another schema than its own would change, from the diff's wire rules. */
function wireNote(embedded: SchemaModel, given: SchemaModel, embeddedFile: string, givenFile: string, forced: boolean): string {
  const wire = compareSchemas(
    { model: embedded, at: new SchemaLocator(embeddedFile, undefined) },
    { model: given, at: new SchemaLocator(givenFile, undefined) },
  ).filter((f) => f.category === 'wire');
  if (wire.length === 0) return `tracegen: note: the two schemas differ only in ways this trace does not see (no wire changes)\n`;
  const shown = wire
    .slice(0, 20)
    .map((f) => `  wire[${f.code}]: ${f.message}\n`)
    .join('');
  const more =
    wire.length > 20
      ? `  ... and ${wire.length - 20} more (tracegen diff ${embeddedFile.slice(0, -TRACE_SCHEMA_SUFFIX.length)} ${givenFile})\n`
      : '';
  return `tracegen: note: ${givenFile} would read this trace differently${forced ? ' (--force-schema: it does)' : ''}:\n${shown}${more}`;
}

/** `1 record`, `2 records`. */
function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
