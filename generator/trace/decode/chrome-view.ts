import {
  type FieldSpec,
  OFFSET_ARG_MISFITS,
  OFFSET_CPU,
  OFFSET_DATA0,
  OFFSET_DATA1,
  OFFSET_ID,
  OFFSET_TIMESTAMP,
  readField,
  TWO_32,
} from '@tracegen/runtime';
import { Flows } from '../read/flows.js';
import { readRecord, u64Big, u64Text, type DecodedRecord } from '../read/record.js';
import { fieldSpec, type SchemaDecoder } from '../read/schema-decoder.js';
import { type MatchedSpan, SpanMatcher } from '../read/span-matcher.js';
import type { View, ViewStart } from '../read/view.js';
import { fragment, type ByteWriter } from '../output/byte-writer.js';
import { JsonArgs } from './json-args.js';
import { RecordWriters } from './record-writers.js';
import type { Sink } from '../output/sink.js';

/** Of an instant of an id the schema lacks: the start up to its timestamp. */
const P_UNKNOWN_HEAD = instantHead('unknown');
const P_DUR = fragment(',"dur":');
const P_TID = fragment(',"pid":1,"tid":');
const P_TS = fragment(',"ts":');
const P_ARGS = fragment(',"args":');
const P_BEGIN = fragment(',"args":{"begin":');
const P_END = fragment(',"end":');
const P_ISSUES = fragment(',"issues":');
const OPEN = fragment('{');
const CLOSE = fragment('}');
const NEXT = fragment(',\n');
const POINT = fragment('.');
/** How many chains' ids are kept to tell a chain's first record from its next ones. */
const MAX_CHAINS = 1 << 20;
/** Counts below this many ns are microseconds written exactly from integers (see `#ts`). */
const EXACT_NS = 2 ** 43;

/**
 * `--format chrome`: Chrome trace event JSON, which ui.perfetto.dev and chrome://tracing open,
 * written as bytes like jsonl (one event per record, no object in between). Each ring is a thread
 * of one process, named as its thread named it (else `cpu N`). The schema's spans become complete events ("X", with a duration) from a begin
 * to the matching end on the same ring; every other event, and a begin that never ends, is an
 * instant ("i"); a process-scoped span (begin and end on any threads) is an async pair ("b",
 * "e", one id each); a counter field's values are also counter events ("C", one track per
 * `<event>.<field>`); a flow's chains are flow events ("s", then "t", one id a chain) bound to the
 * slice around each record. An event's `args` are its fields (json-args.ts, Chrome's dialect: numbers while
 * they are exact, units beside them), with `issues` among them when a value did not fit; a span's
 * are `begin` and `end`, each so.
 * Timestamps are microseconds: counts divided by the clock frequency, or counts taken as
 * nanoseconds when the frequency is unknown (as `otherData` says).
 */
export class ChromeView implements View {
  readonly #out: Sink;
  readonly #w: ByteWriter;
  #decoder!: SchemaDecoder;
  #writers!: RecordWriters;
  readonly #issues = new JsonArgs();
  /** Microseconds per count, and whether a count is a whole nanosecond (exact integer output). */
  #usPerCount = 0;
  #nsClock = false;
  #spans!: SpanMatcher;
  /** Per event id and per span: the start of its event up to the timestamp, one copy a record. */
  readonly #instantHeads: (Uint8Array | undefined)[] = new Array(256);
  readonly #spanHeads: Uint8Array[] = [];
  /** Per process-scoped span, the heads of its async begin and end ("b", "e"), up to the id. */
  readonly #asyncHeads: ([Uint8Array, Uint8Array] | undefined)[] = [];
  /** The id of the next async span: one per pair, so that viewers tell overlapping ones apart. */
  #asyncId = 0;
  /** Per event id, its counter fields: the head of each one's counter event ("C") up to the timestamp, and the rest up to the value. */
  readonly #counters: ({ readonly head: Uint8Array; readonly key: Uint8Array; readonly spec: FieldSpec }[] | undefined)[] = new Array(256);
  #flows!: Flows;
  /** Per event id: 1 when its records take the path of record objects (counter or flow fields). */
  readonly #objectPath = new Uint8Array(256);
  /** Per flow, the head of its flow events up to the phase; the chains begun (bounded: past it, a step may start anew). */
  #flowHeads: Uint8Array[] = [];
  readonly #chains = new Set<string>();
  /** Per ring: 1 once its thread has been named; the name its thread gave it. */
  readonly #named = new Uint8Array(256);
  readonly #names: (string | undefined)[] = [];
  #first = true;

  constructor(out: Sink) {
    this.#out = out;
    this.#w = out.bytes;
  }

  start({ decoder, frequency }: ViewStart): void {
    this.#decoder = decoder;
    this.#writers = new RecordWriters(decoder);
    this.#usPerCount = frequency > 0 ? 1e6 / frequency : 1e-3;
    this.#nsClock = frequency <= 0 || frequency === 1e9;
    this.#spans = new SpanMatcher(decoder);
    for (const e of decoder.model.events) this.#instantHeads[e.id] = instantHead(e.names.snake);
    for (const e of decoder.model.events) {
      const counters = e.fields.filter((f) => f.counter);
      if (counters.length)
        this.#counters[e.id] = counters.map((f) => ({
          head: fragment(`,\n{"name":${JSON.stringify(`${e.names.snake}.${f.names.snake}`)},"ph":"C","ts":`),
          key: fragment(`,"pid":1,"args":{${JSON.stringify(f.names.snake)}:`),
          spec: fieldSpec(f),
        }));
    }
    for (const [i, span] of decoder.model.spans.entries())
      this.#spanHeads[i] = fragment(`,\n{"name":${JSON.stringify(span.names.snake)},"cat":"span","ph":"X","ts":`);
    for (const [i, span] of decoder.model.spans.entries())
      if (span.scope === 'process') {
        const head = (ph: string) => fragment(`,\n{"name":${JSON.stringify(span.names.snake)},"cat":"span","ph":"${ph}","id":`);
        this.#asyncHeads[i] = [head('b'), head('e')];
      }
    this.#flows = new Flows(decoder.model);
    for (const e of decoder.model.events) if (this.#counters[e.id] || this.#flows.has(e.id)) this.#objectPath[e.id] = 1;
    this.#flowHeads = this.#flows.names.map((name) => fragment(`,\n{"name":${JSON.stringify(name)},"cat":"flow","ph":"`));
    // begins the matcher gives up are still records: instants
    this.#spans.dropped = (begin) => this.#instantOf(begin);
    const clock = decoder.model.clock.unit;
    const other = {
      schema: decoder.model.name,
      clock,
      frequency_hz: frequency > 0 ? frequency : null,
      timestamps: frequency > 0 ? 'microseconds' : `${clock} shown as nanoseconds (the frequency is not known)`,
    };
    this.#out.write(`{"displayTimeUnit":"ns","otherData":${JSON.stringify(other)},"traceEvents":[\n`);
    this.#meta({ name: 'process_name', ph: 'M', pid: 1, tid: 0, args: { name: decoder.model.name } });
  }

  record(r: DecodedRecord): void {
    const counters = r.id >= 0 ? this.#counters[r.id] : undefined;
    if (counters) this.#counterEvents(counters, r);
    // as the record comes, in time order: a chain's first flow event is its earliest
    if (this.#flows.has(r.id)) this.#flowEvents(r);
    if (this.#spans.involves(r.id)) this.#span(r);
    else this.#instantOf(r);
  }

  recordAt(view: DataView, o: number, ring: number): void {
    const id = view.getUint8(o + OFFSET_ID);
    // a record with counter or flow fields (samples, hand-offs: few) takes the path of record objects
    if (this.#objectPath[id] === 1) {
      this.record(readRecord(view, o, ring));
      return;
    }
    if (this.#spans.involves(id)) {
      if (!this.#spans.pushAt(view, o, ring, this.#matched)) this.#instantOf(readRecord(view, o, ring));
      return;
    }
    this.#instant(
      id,
      view.getUint8(o + OFFSET_CPU),
      view.getUint32(o + OFFSET_TIMESTAMP + 4, true),
      view.getUint32(o + OFFSET_TIMESTAMP, true),
      view.getUint32(o + OFFSET_DATA0, true),
      view.getUint32(o + OFFSET_DATA0 + 4, true),
      view.getUint32(o + OFFSET_DATA1, true),
      view.getUint32(o + OFFSET_DATA1 + 4, true),
      view.getUint32(o + OFFSET_ARG_MISFITS, true),
    );
  }

  /** A ring's name: its thread's, from now on (a thread already shown is named again). */
  ringName(ring: number, name: string): void {
    this.#names[ring] = name || undefined;
    if (this.#named[ring]) this.#meta({ name: 'thread_name', ph: 'M', pid: 1, tid: ring, args: { name: name || `cpu ${ring}` } });
  }

  /** Closes the JSON; begins that never ended are written as instants. */
  end(): void {
    this.#spans.drainOpen((_, begin) => this.#instantOf(begin));
    this.#out.write('\n]}\n');
  }

  #span(r: DecodedRecord): void {
    if (!this.#spans.push(r, this.#matched)) this.#instantOf(r);
  }

  /**
   * A span's complete event ("X"), from its begin to its end on one thread; a process-scoped
   * span, whose begin and end may be on two threads, is an async pair ("b" on the begin's
   * thread, "e" on the end's) that viewers draw on a track of its own.
   */
  readonly #matched = ({ index, begin, end }: MatchedSpan): void => {
    const async = this.#asyncHeads[index];
    if (async) {
      const id = ++this.#asyncId;
      this.#asyncEvent(async[0], id, begin);
      this.#asyncEvent(async[1], id, end);
      return;
    }
    const w = this.#next(end.cpu);
    w.bytes(this.#spanHeads[index]!);
    this.#ts(begin.tsHi, begin.tsLo);
    w.bytes(P_DUR);
    if (this.#nsClock && end.tsHi < EXACT_NS / TWO_32) this.#nsAsUs(end.tsHi * TWO_32 + end.tsLo - (begin.tsHi * TWO_32 + begin.tsLo));
    else {
      const ts = this.#us(begin.tsHi, begin.tsLo);
      w.ascii(String(Math.max(0, Math.round((this.#us(end.tsHi, end.tsLo) - ts) * 1000) / 1000)));
    }
    w.bytes(P_TID);
    w.uint(end.cpu);
    w.bytes(P_BEGIN);
    this.#args(begin.id, begin.d0lo, begin.d0hi, begin.d1lo, begin.d1hi, begin.args);
    w.bytes(P_END);
    this.#args(end.id, end.d0lo, end.d0hi, end.d1lo, end.d1hi, end.args);
    w.bytes(CLOSE);
    w.bytes(CLOSE);
  };

  /** A counter event ("C") for each counter field of a record: the viewer's counter track of `<event>.<field>`. */
  #counterEvents(
    counters: readonly { readonly head: Uint8Array; readonly key: Uint8Array; readonly spec: FieldSpec }[],
    r: DecodedRecord,
  ): void {
    for (const c of counters) {
      const { value, issue } = c.spec.word === 0 ? readField(c.spec, r.d0lo, r.d0hi) : readField(c.spec, r.d1lo, r.d1hi);
      // a value that does not fit its field is no point of the counter
      if (issue !== undefined) continue;
      const w = this.#next(r.cpu);
      w.bytes(c.head);
      this.#ts(r.tsHi, r.tsLo);
      w.bytes(c.key);
      w.ascii(String(value));
      w.bytes(CLOSE);
      w.bytes(CLOSE);
    }
  }

  #asyncEvent(head: Uint8Array, id: number, r: DecodedRecord): void {
    const w = this.#next(r.cpu);
    w.bytes(head);
    w.uint(id);
    w.bytes(P_TS);
    this.#ts(r.tsHi, r.tsLo);
    w.bytes(P_TID);
    w.uint(r.cpu);
    w.bytes(P_ARGS);
    this.#args(r.id, r.d0lo, r.d0hi, r.d1lo, r.d1hi, r.args);
    w.bytes(CLOSE);
  }

  #instantOf(r: DecodedRecord): void {
    this.#instant(r.id, r.cpu, r.tsHi, r.tsLo, r.d0lo, r.d0hi, r.d1lo, r.d1hi, r.args);
  }

  /**
   * A flow event ("s" for a chain's first record, "t" for the next) per flow of `r`, at its time
   * and on its thread, bound to the slice around it: viewers draw an arrow from each record of a
   * chain to the next. Written as the record comes (spans are written at their end), so that
   * a chain's "s" is its earliest event.
   */
  #flowEvents(r: DecodedRecord): void {
    this.#flows.each(r, (flow, hi, lo) => {
      const id = `${this.#flows.names[flow]}:${u64Text(hi, lo)}`;
      let phase = 't';
      if (!this.#chains.has(id)) {
        if (this.#chains.size >= MAX_CHAINS) this.#chains.clear();
        this.#chains.add(id);
        phase = 's';
      }
      const w = this.#next(r.cpu);
      w.bytes(this.#flowHeads[flow]!);
      w.ascii(`${phase}","id":${JSON.stringify(id)},"bp":"e"`);
      w.bytes(P_TS);
      this.#ts(r.tsHi, r.tsLo);
      w.bytes(P_TID);
      w.uint(r.cpu);
      w.bytes(CLOSE);
    });
  }

  #instant(
    id: number,
    cpu: number,
    tsHi: number,
    tsLo: number,
    d0lo: number,
    d0hi: number,
    d1lo: number,
    d1hi: number,
    args: number,
  ): void {
    const w = this.#next(cpu);
    w.bytes((id >= 0 ? this.#instantHeads[id] : undefined) ?? P_UNKNOWN_HEAD);
    this.#ts(tsHi, tsLo);
    w.bytes(P_TID);
    w.uint(cpu);
    w.bytes(P_ARGS);
    this.#args(id, d0lo, d0hi, d1lo, d1hi, args);
    w.bytes(CLOSE);
  }

  /**
   * Room for a record's event, after naming the ring's thread the first time it has one. The
   * separator before it is the first bytes of its head: the process's name always comes first.
   */
  #next(cpu: number): ByteWriter {
    if (this.#named[cpu] === 0) {
      this.#named[cpu] = 1;
      this.#meta({ name: 'thread_name', ph: 'M', pid: 1, tid: cpu, args: { name: this.#names[cpu] ?? `cpu ${cpu}` } });
    }
    this.#w.reserve(4096);
    return this.#w;
  }

  #meta(event: object): void {
    this.#w.reserve(4096);
    if (this.#first) this.#first = false;
    else this.#w.bytes(NEXT);
    // names are any text (a thread named in UTF-8)
    this.#w.text(JSON.stringify(event));
  }

  /** A record's args: its fields as jsonl writes them, and its issues; an unknown id's words. */
  #args(id: number, d0lo: number, d0hi: number, d1lo: number, d1hi: number, args: number): void {
    const w = this.#w;
    const event = this.#decoder.event(id);
    if (!event) {
      w.ascii(`{"id":${id},"data0":"0x${u64Big(d0hi, d0lo).toString(16)}","data1":"0x${u64Big(d1hi, d1lo).toString(16)}"}`);
      return;
    }
    w.bytes(OPEN);
    this.#writers.writeChromeFields(id, d0lo, d0hi, d1lo, d1hi, args, w, this.#issues);
    // issues come from fields: there is one before them
    if (this.#issues.count) {
      w.bytes(P_ISSUES);
      this.#issues.writeText(w);
    }
    w.bytes(CLOSE);
  }

  /**
   * A timestamp in microseconds, kept to the nanosecond. A count of whole nanoseconds is written
   * from integers (the digits, a point, up to three decimals): what `String()` of the same
   * double prints, without the double; other clocks go through one.
   */
  #ts(hi: number, lo: number): void {
    if (this.#nsClock && hi < EXACT_NS / TWO_32) this.#nsAsUs(hi * TWO_32 + lo);
    else this.#w.ascii(String(this.#us(hi, lo)));
  }

  /** Nanoseconds (below 2^43) as microseconds: the digits, and a point and up to three decimals when needed. */
  #nsAsUs(ns: number): void {
    const w = this.#w;
    const us = Math.floor(ns / 1000);
    let frac = ns - us * 1000;
    w.uint(us);
    if (frac === 0) return;
    w.bytes(POINT);
    // up to three digits, without the zeros at the end
    let digits = 3;
    while (frac % 10 === 0) {
      frac /= 10;
      digits--;
    }
    w.uintPadded(frac, digits, 48);
  }

  /** Microseconds of a timestamp given as u32 halves, kept to the nanosecond (through a double). */
  #us(hi: number, lo: number): number {
    return Math.round(Number(u64Big(hi, lo)) * this.#usPerCount * 1000) / 1000;
  }
}

/** `,\n{"name":"<event>","cat":"event","ph":"i","s":"t","ts":` */
function instantHead(name: string): Uint8Array {
  return fragment(`,\n{"name":${JSON.stringify(name)},"cat":"event","ph":"i","s":"t","ts":`);
}
