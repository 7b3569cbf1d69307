import { imageBytes, OFFSET_ID, RECORD_BYTES, type TraceHeader } from '@tracegen/runtime';
import { TRACE_SCHEMA_SUFFIX } from '../../schema/diff/baseline.js';
import { compareSchemas } from '../../schema/diff/compare.js';
import { SchemaLocator } from '../../schema/diff/locate.js';
import { loadSchemaText } from '../../schema/load-schema.js';
import type { SchemaModel } from '../../schema/model/model.js';
import { DecodeError, DecodeOptionError } from './errors.js';
import type { InputFormat } from './input-formats.js';
import { Input } from './input.js';
import { lossesNote, outOfOrderNote, type ReadNote, skippedLinesNote, unknownIdsNote } from './notes.js';
import { ChunkMerger, type EmitAt, LastPerRing } from './pipeline.js';
import { compareTs, type DecodedRecord, readRecord, u64Big } from './record.js';
import { SchemaDecoder } from './schema-decoder.js';
import {
  checkImageSize,
  detectFormat,
  type RecordBatch,
  ringImageBatch,
  SerialScanner,
  type TraceBatch,
  traceFileBatches,
} from './sources.js';
import type { ClockOrigin, View } from './view.js';

/** Which records, in which order. */
export interface ReadOptions {
  readonly order: 'time' | 'ring';
  /** Only the last N records of each ring. */
  readonly last: number | undefined;
  readonly cpus: ReadonlySet<number> | undefined;
  /** Only these events (printed names). */
  readonly events: readonly string[];
  /** Timestamps from (inclusive) and to (exclusive): raw counts, or times like 1.5s given the frequency. */
  readonly from: string | undefined;
  readonly to: string | undefined;
  /** Counts per second, over what the input says. */
  readonly frequency: number | undefined;
  /** Only this run of a capture several runs appended to (1 = the first); undefined: every run, kept apart. */
  readonly run?: number | undefined;
}

/** Which schema decodes an input, and what the input is when not detected. */
export interface ReadRequest {
  /** The schema given (`--schema`), if any. */
  readonly given: SchemaModel | undefined;
  readonly schemaPath: string | undefined;
  /** Decode a trace file with `given` even if it carries another schema. */
  readonly force: boolean;
  readonly inputFormat: InputFormat | undefined;
  /** The schema for an image or serial log when none was given. */
  readonly fallback: () => SchemaModel;
}

/** Where the reader reports as it goes; it prints nothing itself. */
export interface ReadHooks {
  /** Each note as soon as it is known. */
  note?(note: ReadNote): void;
  /** After each block of input: bytes read of `size` (undefined for a stream), records so far. */
  progress?(position: number, size: number | undefined, events: number): void;
}

export type RingLosses = ReadonlyMap<number, { readonly overwritten: number; readonly dropped: number }>;

/** What a read found beside the records it gave its view. */
export interface ReadResult {
  readonly notes: readonly ReadNote[];
  /** What each ring lost, where the input tells (trace files and captures): overwritten and dropped records. */
  readonly lost: RingLosses;
  /** The schema the records were decoded with (undefined when reading stopped before it was known). */
  readonly decoder: SchemaDecoder | undefined;
  /** Records given to the view. */
  readonly events: number;
  /** Set when the input is damaged or cut off: the view got every record before the damage, and its end. */
  readonly error?: string;
}

/**
 * Reads any trace users hold into one view: a trace file or capture (with its own schema, or
 * `given` when forced), a raw ring image or a serial log (with `given`, else the fallback). The
 * input's format is detected from its first bytes unless the request says. Records that pass the
 * filters reach the view in time order (a k-way merge of the rings) or ring order; notes about the
 * input come back as data. Options that do not fit the input throw `DecodeOptionError`.
 *
 * @example
 * const result = readTrace(new Input('app.trace'), request, { order: 'time', ...filters }, view);
 * for (const note of result.notes) console.error(note.message);
 */
export function readTrace(input: Input, request: ReadRequest, options: ReadOptions, view: View, hooks: ReadHooks = {}): ReadResult {
  return new TraceReader(input, options, view, hooks).read(request);
}

/** `readTrace` of the file at `path` (or `-`, stdin), opened and closed around it. */
export function readTraceFile(path: string, request: ReadRequest, options: ReadOptions, view: View, hooks?: ReadHooks): ReadResult {
  const input = new Input(path);
  try {
    return readTrace(input, request, options, view, hooks);
  } finally {
    input.close();
  }
}

/** One read: filters, ordering, the view, and the counts behind the notes. */
class TraceReader {
  readonly #o: ReadOptions;
  readonly #view: View;
  readonly #hooks: ReadHooks;
  readonly #input: Input;
  readonly #notes: ReadNote[] = [];
  #decoder: SchemaDecoder | undefined;
  #frequency = 0;
  #started = false;
  #unknown = 0;
  #skipped = 0;
  #events = 0;
  readonly #lost = new Map<number, { overwritten: number; dropped: number }>();
  #merger: ChunkMerger | undefined;
  #filter: (r: DecodedRecord) => boolean = () => true;
  /** For views of whole rings: what the rings ever held, and how many of each ring's last records were kept. */
  #total = 0;
  #lastCount: number | undefined;

  constructor(input: Input, o: ReadOptions, view: View, hooks: ReadHooks) {
    this.#input = input;
    this.#o = o;
    this.#view = view;
    this.#hooks = hooks;
  }

  read(request: ReadRequest): ReadResult {
    let error: string | undefined;
    try {
      const head = this.#input.peek();
      if (head.length === 0) throw new DecodeError(`${this.#input.name}: empty input`);
      const format = request.inputFormat ?? detectFormat(head);
      if (format === 'trace') this.#readTrace(request);
      else if (format === 'rings') this.#readImage(request.given ?? request.fallback());
      else this.#readSerial(request.given ?? request.fallback());
    } catch (e) {
      // a damaged or cut-off input: everything before the damage went to the view
      if (!(e instanceof DecodeError)) throw e;
      error = e.message;
    }
    if (this.#started) this.#view.end({ total: this.#total, lastCount: this.#lastCount });
    this.#endNotes();
    return {
      notes: this.#notes,
      lost: this.#lost,
      decoder: this.#decoder,
      events: this.#events,
      ...(error === undefined ? {} : { error }),
    };
  }

  #note(n: ReadNote): void {
    this.#notes.push(n);
    this.#hooks.note?.(n);
  }

  #start(model: SchemaModel, clockFrequency: number, origin?: ClockOrigin): void {
    const decoder = (this.#decoder = new SchemaDecoder(model));
    this.#frequency = this.#o.frequency ?? clockFrequency;
    const ids = new Set<number>();
    for (const name of this.#o.events) {
      const e = decoder.eventByName(name);
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
    this.#started = true;
    this.#view.start({
      decoder,
      frequency: this.#frequency,
      clock: origin ?? { unit: model.clock.unit, wallClockZeroMs: 0 },
      inputName: this.#input.name,
    });
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

  #readTrace(request: ReadRequest): void {
    const { given, force, schemaPath } = request;
    const merger = (this.#merger = new ChunkMerger());
    // made once the header is read: `--last` and whole-ring views keep at most a ring's worth per CPU
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
        else this.#note(mismatchNote(this.#input.name, embedded.model, h.schemaHash, given, schemaPath));
        this.#note(wireNote(embedded.model, given, `${this.#input.name}${TRACE_SCHEMA_SUFFIX}`, schemaPath ?? 'the given schema', force));
      }
      this.#start(model, h.frequency || (model.clock.frequency ?? 0), {
        unit: h.clock === 'unknown' ? model.clock.unit : h.clock,
        wallClockZeroMs: h.wallClockZeroMs,
      });
      last = this.#lastKeeper(undefined, h.layout.ringSize);
    };
    let emit: EmitAt | undefined;
    let run = 0;
    // a cut-off or damaged file: everything before the damage still reaches the view, in every
    // order, before the error goes up
    try {
      for (const batch of traceFileBatches(this.#input, onHeader, this.#o.run)) {
        emit ??= this.#emitAt(); // the schema is known once the header has been read
        if (batch.run !== run) {
          if (run !== 0) {
            this.#nextRun(batch, merger, emit, last !== undefined);
            // ids are their run's: the records before are all through
            this.#decoder!.strings.clear();
          }
          run = batch.run;
        }
        for (const [id, text] of batch.strings) this.#decoder!.strings.set(id, text);
        for (const [ring, name] of batch.names) this.#view.ringName?.(ring, name);
        for (const [ring, n] of batch.written) written.set(ring, n);
        for (const [ring, l] of batch.lost) {
          const prev = this.#lost.get(ring) ?? { overwritten: 0, dropped: 0 };
          this.#setLost(ring, prev.overwritten + l.overwritten, prev.dropped + l.dropped);
        }
        if (last) {
          const records: DecodedRecord[] = [];
          for (const c of batch.chunks) for (let o = 0; o < c.length; o += RECORD_BYTES) records.push(readRecord(c.view, o, c.ring));
          last.push(records.filter(this.#filter));
        } else if (this.#o.order === 'time' && !this.#view.wholeRings) merger.push(batch.chunks, emit);
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
   * a view that takes several (the table) is told where the next begins; any other takes one run
   * at a time, and the read stops here with an option error naming `--run`.
   */
  #nextRun(batch: TraceBatch, merger: ChunkMerger, emit: EmitAt, keepingLast: boolean): void {
    const runId = batch.header.runId;
    if (!this.#view.run || keepingLast)
      throw new DecodeOptionError(
        `${this.#input.name} holds more than one run: run ${batch.run} (${runId ? `id ${runId.toString(16).padStart(8, '0')}` : 'no id'}) follows run ${batch.run - 1}; runs are not mixed: give --run N for one (decode's table shows each in turn)`,
      );
    merger.end(emit);
    this.#view.run({ run: batch.run, runId, wallClockZeroMs: batch.header.wallClockZeroMs, inputName: this.#input.name });
  }

  /** The streaming emitter: filters a record straight from the file's bytes and hands it on. */
  #emitAt(): EmitAt {
    const d = this.#decoder!;
    const o = this.#o;
    const filtering = o.cpus !== undefined || o.events.length > 0 || o.from !== undefined || o.to !== undefined;
    const view = this.#view;
    const filter = this.#filter;
    if (view.recordAt) {
      const at = view.recordAt.bind(view);
      return (v, o, ring) => {
        if (filtering && !filter(readRecord(v, o, ring))) return;
        this.#events++;
        if (d.event(v.getUint8(o + OFFSET_ID)) === undefined) this.#unknown++;
        at(v, o, ring);
      };
    }
    return (v, o, ring) => {
      const r = readRecord(v, o, ring);
      if (filtering && !filter(r)) return;
      this.#events++;
      if (d.event(r.id) === undefined) this.#unknown++;
      view.record(r);
    };
  }

  #readImage(model: SchemaModel): void {
    this.#start(model, model.clock.frequency ?? 0);
    // an image has one size: checked before reading (a sparse 3 GB file), or while reading a
    // stream, which is never read past it (/dev/zero)
    const expected = imageBytes(model.layout);
    if (this.#input.size !== undefined) checkImageSize(this.#input.size, false, model.layout, this.#input.name);
    const bytes = this.#input.readAtMost(expected + 1);
    checkImageSize(Math.min(bytes.length, expected), bytes.length > expected, model.layout, this.#input.name);
    const batch = ringImageBatch(bytes, model.layout, this.#input.name);
    const total = [...batch.written!.values()].reduce((a, b) => a + b, 0);
    // a ring holds its last ring_size records: what its write index counts beyond them was overwritten
    for (const [ring, n] of batch.written!) if (n > model.layout.ringSize) this.#setLost(ring, n - model.layout.ringSize, 0);
    this.#whole(batch, total, undefined);
  }

  #readSerial(model: SchemaModel): void {
    this.#start(model, model.clock.frequency ?? 0);
    const scan = new SerialScanner(
      (name) => this.#decoder!.eventByName(name)?.id ?? -1,
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
    this.#view.lost?.(ring, overwritten + dropped);
  }

  /** Small inputs (an image, a dump): filter, keep the last N, order, hand on. */
  #whole(batch: RecordBatch, total: number, dumpCount: number | undefined): void {
    const records = batch.records.filter(this.#filter);
    const last = this.#lastKeeper(dumpCount, this.#decoder!.model.layout.ringSize);
    if (last) {
      last.push(records);
      this.#finishLast(last, total, dumpCount);
      return;
    }
    if (this.#o.order === 'time' && !this.#view.wholeRings) records.sort(compareTs);
    this.#total = total;
    this.#emitAll(records);
  }

  /** Keeps the most recent records per ring for `--last` and whole-ring views: never more than a ring holds. */
  #lastKeeper(dumpCount: number | undefined, ringSize: number): LastPerRing | undefined {
    const n = this.#o.last ?? (this.#view.wholeRings ? (dumpCount ?? ringSize) : undefined);
    return n === undefined ? undefined : new LastPerRing(Math.min(n, ringSize));
  }

  #finishLast(last: LastPerRing, total: number, dumpCount?: number): void {
    const byRing = last.byRing();
    this.#total = total;
    this.#lastCount = this.#o.last ?? dumpCount ?? this.#decoder!.model.layout.ringSize;
    const all = [...byRing.keys()].sort((a, b) => a - b).flatMap((ring) => byRing.get(ring)!);
    if (this.#o.order === 'time' && !this.#view.wholeRings) all.sort(compareTs);
    this.#emitAll(all);
  }

  #emitAll(records: readonly DecodedRecord[]): void {
    const d = this.#decoder!;
    for (const r of records) if (!d.event(r.id)) this.#unknown++;
    this.#events += records.length;
    for (const r of records) this.#view.record(r);
  }

  #progress(): void {
    this.#hooks.progress?.(this.#input.position, this.#input.size, this.#events);
  }

  /** What the user should know beside the output: unknown ids, skipped lines, losses, disorder. */
  #endNotes(): void {
    if (this.#unknown) this.#note(unknownIdsNote(this.#unknown));
    if (this.#skipped) this.#note(skippedLinesNote(this.#skipped));
    const overwritten = [...this.#lost.values()].reduce((n, l) => n + l.overwritten, 0);
    const dropped = [...this.#lost.values()].reduce((n, l) => n + l.dropped, 0);
    // an image's overwrites are what a ring is (it keeps the last ring_size): only a capture's losses are news
    if ((overwritten || dropped) && this.#merger) this.#note(lossesNote(overwritten, dropped));
    const m = this.#merger;
    if (m && (m.backwards || m.released)) this.#note(outOfOrderNote(m.backwards, m.released));
  }
}

function mismatchNote(
  name: string,
  embedded: SchemaModel,
  traceHash: string,
  given: SchemaModel,
  schemaPath: string | undefined,
): ReadNote {
  return {
    code: 'schema-mismatch',
    traceSchema: embedded.name,
    traceHash,
    givenHash: given.hash,
    forced: false,
    message: `note: ${name} was written with schema '${embedded.name}' (${traceHash.slice(0, 12)}), not ${schemaPath} (${given.hash.slice(0, 12)}); decoding with the schema inside the trace. Pass --force-schema to use ${schemaPath}.`,
  };
}

/** What reading a trace with another schema than its own would change, from the diff's wire rules. */
function wireNote(embedded: SchemaModel, given: SchemaModel, embeddedFile: string, givenFile: string, forced: boolean): ReadNote {
  const findings = compareSchemas(
    { model: embedded, at: new SchemaLocator(embeddedFile, undefined) },
    { model: given, at: new SchemaLocator(givenFile, undefined) },
  )
    .filter((f) => f.category === 'wire')
    .map((f) => ({ code: f.code, message: f.message }));
  if (findings.length === 0)
    return {
      code: 'wire-changes',
      findings,
      message: 'note: the two schemas differ only in ways this trace does not see (no wire changes)',
    };
  const shown = findings.slice(0, 20).map((f) => `\n  wire[${f.code}]: ${f.message}`);
  const more =
    findings.length > 20
      ? `\n  ... and ${findings.length - 20} more (tracegen diff ${embeddedFile.slice(0, -TRACE_SCHEMA_SUFFIX.length)} ${givenFile})`
      : '';
  return {
    code: 'wire-changes',
    findings,
    message: `note: ${givenFile} would read this trace differently${forced ? ' (--force-schema: it does)' : ''}:${shown.join('')}${more}`,
  };
}
