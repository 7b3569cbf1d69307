import { argumentMisfitBit, argumentMisfitText, type FieldSpec, readField, TWO_32 } from '@tracegen/runtime';
import type { Sink } from '../output/sink.js';
import type { DecodedRecord } from '../read/record.js';
import { fieldSpec, type SchemaDecoder } from '../read/schema-decoder.js';
import { Flows } from '../read/flows.js';
import { type MatchedSpan, SpanMatcher } from '../read/span-matcher.js';
import type { View, ViewStart } from '../read/view.js';
import type { EventModel } from '../../schema/model/model.js';
import * as F from './perfetto-fields.js';
import { ProtoWriter } from './proto-writer.js';

/** Room reserved for one packet: far more than the largest event (fields, names, issues) takes. */
const PACKET_ROOM = 16 << 10;
/** The trace's one packet sequence: interned names and the clock are scoped to it. */
const SEQUENCE = 1;
/** Track uuids: the process, then a thread track per ring; counters, lanes and async tracks above. */
const PROCESS_TRACK = 1;
const THREAD_TRACK = 2;
const COUNTER_TRACK = 0x1_0000;
const LANE_TRACK = 0x100_0000;
const ASYNC_TRACK = 0x1000_0000;
/** Per thread lane, how many slices are remembered for the nesting test (the oldest are forgotten). */
const LANE_MEMORY = 4096;

/** How timestamps are written: as nanoseconds, or as counts of a clock of the trace's own defined on the sequence. */
export interface PerfettoClock {
  /** True: packets name `SEQUENCE_CLOCK`, whose count is `multiplier` ns. */
  readonly own: boolean;
  readonly multiplier: number;
  /** Else, ns per count when counts are converted (0: counts are ns). */
  readonly nsPerCount: number;
}

/**
 * The clock of a trace at `frequency` Hz (0: unknown). A ns clock is Perfetto's own; a clock whose
 * count is a whole number of ns (a 1 MHz tick) is defined on the sequence and its counts written
 * as they are; an unknown frequency too, a count shown as a ns (as Chrome JSON does); any other
 * (cycles at 2.4 GHz) is converted to ns.
 */
export function perfettoClock(frequency: number): PerfettoClock {
  if (frequency === 1e9) return { own: false, multiplier: 1, nsPerCount: 0 };
  if (frequency <= 0) return { own: true, multiplier: 1, nsPerCount: 0 };
  const m = 1e9 / frequency;
  if (Number.isInteger(m)) return { own: true, multiplier: m, nsPerCount: 0 };
  return { own: false, multiplier: 1, nsPerCount: m };
}

/** One event's fields, ready to write as debug annotations. */
interface AnnotatedField {
  readonly spec: FieldSpec;
  readonly nameIid: number;
  readonly signed: boolean;
  readonly width: number;
  readonly hex: boolean;
}

/** Slices of one thread lane that a later slice might overlap: a stack of disjoint or nested (begin, end) pairs. */
class Lane {
  readonly begins: number[] = [];
  readonly ends: number[] = [];

  /** Takes the slice [b, e] (its end no earlier than any taken before) if it nests with the ones here. */
  take(b: number, e: number): boolean {
    const { begins, ends } = this;
    let n = begins.length;
    // slices that began inside [b, e] lie inside it (they ended no later): it covers them
    let k = n;
    while (k > 0 && begins[k - 1]! >= b) k--;
    // the one before began earlier: it must have ended by b
    if (k > 0 && ends[k - 1]! > b) return false;
    begins.length = k;
    ends.length = k;
    begins.push(b);
    ends.push(e);
    n = begins.length;
    if (n > LANE_MEMORY) {
      begins.splice(0, n - LANE_MEMORY / 2);
      ends.splice(0, n - LANE_MEMORY / 2);
    }
    return true;
  }
}

/**
 * `export --format perfetto`: the native protobuf trace ui.perfetto.dev and trace_processor open
 * (docs/export.md has what maps to what). One process track (the schema's name), a thread track
 * per ring (named as its thread named it, else `cpu N`), and on them: a span of scope `thread` as a slice (begin, end); one of scope `process`
 * as a slice on an async track of its name (a lane per span in flight at once); every other
 * record as an instant whose debug annotations are its fields (numbers as numbers, hex fields as
 * pointers, enum names interned, issues as text); a counter field's values on a counter track of
 * `<event>.<field>`; a flow's chains as flows (arrows) between the slices and instants of its
 * records; a ring's losses as an instant `records lost` on its track. Event names,
 * annotation names and enum names are interned once, at the start. Timestamps keep the clock's
 * counts (`perfettoClock`). Written as the records come, through one buffer: memory is bounded
 * by the span matcher's open begins.
 *
 * Slices nest on every track, as Perfetto requires: thread spans that overlap without nesting
 * (two matched spans of one thread, A begun before B and ended inside it) go to a lane of their
 * own, a child track of the thread's.
 */
export class PerfettoView implements View {
  readonly #pw: ProtoWriter;
  #decoder!: SchemaDecoder;
  #clock: PerfettoClock = perfettoClock(1e9);
  #spans!: SpanMatcher;
  #flows!: Flows;
  /** A slice's flow ids, as halves, to write each once. */
  readonly #flowIds: number[] = [];
  /** Per event id: its name's iid (0: not interned) and its fields. */
  readonly #eventIid = new Uint32Array(256);
  readonly #fields: (AnnotatedField[] | undefined)[] = new Array(256);
  /** Per event id, its counter fields and their tracks. */
  readonly #counters: ({ readonly spec: FieldSpec; readonly track: number }[] | undefined)[] = new Array(256);
  #spanIids: number[] = [];
  #unknownIid = 0;
  #lostIid = 0;
  #issuesIid = 0;
  #data0Iid = 0;
  #data1Iid = 0;
  #lostNameIid = 0;
  #lostTotalIid = 0;
  readonly #enumIids = new Map<string, number>();
  /** Per ring: its track written, its name; losses waiting for its next record; its last timestamp. */
  readonly #tracks = new Uint8Array(256);
  readonly #names: (string | undefined)[] = [];
  readonly #pendingLost = new Float64Array(256);
  readonly #lostSoFar = new Float64Array(256);
  readonly #lastHi = new Uint32Array(256);
  readonly #lastLo = new Uint32Array(256);
  /** Per ring, its lanes for thread spans (lane 0 is the thread's track). */
  readonly #lanes: Lane[][] = [];
  /** Per process span, the end of the last slice on each of its async lanes. */
  readonly #asyncLanes: number[][] = [];
  #processName = '';
  /** Records taken. */
  count = 0;

  constructor(out: Sink) {
    this.#pw = new ProtoWriter(out.bytes);
  }

  start({ decoder, frequency }: ViewStart): void {
    this.#decoder = decoder;
    this.#clock = perfettoClock(frequency);
    this.#spans = new SpanMatcher(decoder);
    this.#spans.dropped = (begin) => this.#instant(begin);
    this.#flows = new Flows(decoder.model);
    this.#processName = decoder.model.name;
    this.#intern(decoder);
    this.#writeClock();
    this.#trackDescriptor(PROCESS_TRACK, 0, (pw) => {
      const p = pw.begin(F.TRACK_DESCRIPTOR.process);
      pw.varint(F.PROCESS.pid, 1);
      pw.string(F.PROCESS.processName, this.#processName);
      pw.end(p);
    });
    for (const e of decoder.model.events) {
      const counters = e.fields.filter((f) => f.counter);
      if (!counters.length) continue;
      this.#counters[e.id] = counters.map((f, i) => {
        const track = COUNTER_TRACK + e.id * 256 + i;
        this.#trackDescriptor(track, PROCESS_TRACK, (pw) => {
          pw.string(F.TRACK_DESCRIPTOR.name, `${e.names.snake}.${f.names.snake}`);
          const c = pw.begin(F.TRACK_DESCRIPTOR.counter);
          if (f.unit) pw.string(F.COUNTER.unitName, f.unit);
          pw.end(c);
        });
        return { spec: fieldSpec(f), track };
      });
    }
  }

  record(r: DecodedRecord): void {
    this.count++;
    this.#thread(r.cpu);
    if (this.#pendingLost[r.ring]! > 0) {
      this.#thread(r.ring);
      this.#writeLost(r.ring, r.tsHi, r.tsLo);
    }
    this.#lastHi[r.ring] = r.tsHi;
    this.#lastLo[r.ring] = r.tsLo;
    const counters = r.id >= 0 ? this.#counters[r.id] : undefined;
    if (counters) this.#counterValues(counters, r);
    if (!this.#spans.involves(r.id) || !this.#spans.push(r, this.#matched)) this.#instant(r);
  }

  lost(ring: number, total: number): void {
    this.#pendingLost[ring]! += total - this.#lostSoFar[ring]!;
    this.#lostSoFar[ring] = total;
  }

  end(): void {
    this.#spans.drainOpen((_, begin) => this.#instant(begin));
    for (let ring = 0; ring < 256; ring++)
      if (this.#pendingLost[ring]! > 0) {
        this.#thread(ring);
        this.#writeLost(ring, this.#lastHi[ring]!, this.#lastLo[ring]!);
      }
  }

  /** Every name the events can carry, interned once on the sequence (which this packet starts). */
  #intern(decoder: SchemaDecoder): void {
    const events: string[] = [];
    const annotations: string[] = [];
    const strings: string[] = [];
    const nameIid = (list: string[], name: string, map?: Map<string, number>): number => {
      const known = map?.get(name);
      if (known !== undefined) return known;
      list.push(name);
      map?.set(name, list.length);
      return list.length;
    };
    const annotationIids = new Map<string, number>();
    for (const e of decoder.model.events) {
      this.#eventIid[e.id] = nameIid(events, e.names.snake);
      this.#fields[e.id] = this.#annotated(e, (name) => nameIid(annotations, name, annotationIids));
      for (const f of e.fields)
        if (f.type.kind === 'enum') for (const v of f.type.ref.values) nameIid(strings, v.names.snake, this.#enumIids);
    }
    this.#spanIids = decoder.model.spans.map((s) => nameIid(events, s.names.snake));
    this.#unknownIid = nameIid(events, 'unknown');
    this.#lostIid = nameIid(events, 'records lost');
    this.#issuesIid = nameIid(annotations, 'issues', annotationIids);
    this.#data0Iid = nameIid(annotations, 'data0', annotationIids);
    this.#data1Iid = nameIid(annotations, 'data1', annotationIids);
    this.#lostNameIid = nameIid(annotations, 'lost', annotationIids);
    this.#lostTotalIid = nameIid(annotations, 'lost_so_far', annotationIids);

    const pw = this.#pw;
    const all = [...events, ...annotations, ...strings];
    pw.w.reserve(PACKET_ROOM + all.reduce((n, s) => n + 3 * s.length + 16, 0));
    const packet = pw.begin(F.TRACE.packet);
    pw.varint(F.PACKET.trustedPacketSequenceId, SEQUENCE);
    pw.varint(F.PACKET.sequenceFlags, F.SEQ_INCREMENTAL_STATE_CLEARED);
    if (this.#clock.own) {
      const d = pw.begin(F.PACKET.traceDefaults);
      pw.varint(F.PACKET_DEFAULTS.timestampClockId, F.SEQUENCE_CLOCK);
      pw.end(d);
    }
    const data = pw.begin(F.PACKET.internedData);
    const entries = (field: number, names: string[]) => {
      for (const [i, name] of names.entries()) {
        const at = pw.begin(field);
        pw.varint(F.INTERNED_ENTRY.iid, i + 1);
        pw.string(F.INTERNED_ENTRY.name, name);
        pw.end(at);
      }
    };
    entries(F.INTERNED.eventNames, events);
    entries(F.INTERNED.debugAnnotationNames, annotations);
    entries(F.INTERNED.debugAnnotationStringValues, strings);
    pw.end(data);
    pw.end(packet);
  }

  #annotated(e: EventModel, iid: (name: string) => number): AnnotatedField[] {
    return e.fields.map((f) => ({
      spec: fieldSpec(f),
      nameIid: iid(f.names.snake),
      signed: f.type.kind === 'int',
      width: f.type.width,
      hex: f.format === 'hex',
    }));
  }

  /** A clock of the trace's own, when it has one: its counts as ns of Perfetto's boot clock, and the wall clock at 0. */
  #writeClock(): void {
    if (!this.#clock.own) return;
    const pw = this.#pw;
    pw.w.reserve(PACKET_ROOM);
    const packet = pw.begin(F.TRACE.packet);
    pw.varint(F.PACKET.trustedPacketSequenceId, SEQUENCE);
    const snapshot = pw.begin(F.PACKET.clockSnapshot);
    const own = pw.begin(F.CLOCK_SNAPSHOT.clocks);
    pw.varint(F.CLOCK.clockId, F.SEQUENCE_CLOCK);
    pw.varint(F.CLOCK.timestamp, 0);
    pw.varint(F.CLOCK.unitMultiplierNs, this.#clock.multiplier);
    pw.end(own);
    const boot = pw.begin(F.CLOCK_SNAPSHOT.clocks);
    pw.varint(F.CLOCK.clockId, F.BUILTIN_CLOCK_BOOTTIME);
    pw.varint(F.CLOCK.timestamp, 0);
    pw.end(boot);
    pw.end(snapshot);
    pw.end(packet);
  }

  /** A track descriptor packet: uuid, parent, and what `body` adds. */
  #trackDescriptor(uuid: number, parent: number, body: (pw: ProtoWriter) => void): void {
    const pw = this.#pw;
    pw.w.reserve(PACKET_ROOM);
    const packet = pw.begin(F.TRACE.packet);
    pw.varint(F.PACKET.trustedPacketSequenceId, SEQUENCE);
    const d = pw.begin(F.PACKET.trackDescriptor);
    pw.varint(F.TRACK_DESCRIPTOR.uuid, uuid);
    if (parent) pw.varint(F.TRACK_DESCRIPTOR.parentUuid, parent);
    body(pw);
    pw.end(d);
    pw.end(packet);
  }

  /** A ring's name: its thread track's from now on (described again when it already was). */
  ringName(ring: number, name: string): void {
    this.#names[ring] = name || undefined;
    if (this.#tracks[ring]) this.#describeThread(ring);
  }

  /** The ring's thread track, described before its first event. */
  #thread(ring: number): void {
    if (this.#tracks[ring]) return;
    this.#tracks[ring] = 1;
    this.#describeThread(ring);
  }

  #describeThread(ring: number): void {
    this.#trackDescriptor(THREAD_TRACK + ring, PROCESS_TRACK, (pw) => {
      const t = pw.begin(F.TRACK_DESCRIPTOR.thread);
      pw.varint(F.THREAD.pid, 1);
      // tid 0 is the idle task to Perfetto: a ring's thread is its index + 1
      pw.varint(F.THREAD.tid, ring + 1);
      pw.string(F.THREAD.threadName, this.#names[ring] ?? `cpu ${ring}`);
      pw.end(t);
    });
  }

  /** Opens a track event packet at a record's time; returns where the packet and the event begin. */
  #event(tsHi: number, tsLo: number, type: number, track: number): [number, number] {
    const pw = this.#pw;
    pw.w.reserve(PACKET_ROOM);
    const packet = pw.begin(F.TRACE.packet);
    this.#timestamp(tsHi, tsLo);
    pw.varint(F.PACKET.trustedPacketSequenceId, SEQUENCE);
    pw.varint(F.PACKET.sequenceFlags, F.SEQ_NEEDS_INCREMENTAL_STATE);
    const event = pw.begin(F.PACKET.trackEvent);
    pw.varint(F.TRACK_EVENT.type, type);
    pw.varint(F.TRACK_EVENT.trackUuid, track);
    return [packet, event];
  }

  #close([packet, event]: [number, number]): void {
    this.#pw.end(event);
    this.#pw.end(packet);
  }

  #timestamp(hi: number, lo: number): void {
    const { nsPerCount } = this.#clock;
    if (nsPerCount === 0) this.#pw.varint64(F.PACKET.timestamp, hi, lo);
    else this.#pw.varint(F.PACKET.timestamp, Math.round((hi * TWO_32 + lo) * nsPerCount));
  }

  #instant(r: DecodedRecord): void {
    const at = this.#event(r.tsHi, r.tsLo, F.TYPE_INSTANT, THREAD_TRACK + r.cpu);
    this.#name(r);
    this.#annotations(r);
    if (this.#flows.has(r.id)) {
      this.#flowIds.length = 0;
      this.#collectFlows(r);
      this.#writeFlows();
    }
    this.#close(at);
  }

  #name(r: DecodedRecord): void {
    const iid = r.id >= 0 ? this.#eventIid[r.id]! : 0;
    if (iid) this.#pw.varint(F.TRACK_EVENT.nameIid, iid);
    else if (r.name !== undefined) this.#pw.string(F.TRACK_EVENT.name, r.name);
    else this.#pw.varint(F.TRACK_EVENT.nameIid, this.#unknownIid);
  }

  /** A record's fields as debug annotations, and its issues as one; an unknown id's words. */
  #annotations(r: DecodedRecord): void {
    const pw = this.#pw;
    const fields = r.id >= 0 ? this.#fields[r.id] : undefined;
    if (!fields) {
      this.#annotation(this.#data0Iid, F.ANNOTATION.pointerValue, r.d0hi, r.d0lo);
      this.#annotation(this.#data1Iid, F.ANNOTATION.pointerValue, r.d1hi, r.d1lo);
      return;
    }
    let issues: string | undefined;
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i]!;
      const strings = this.#decoder.strings;
      const reading = f.spec.word === 0 ? readField(f.spec, r.d0lo, r.d0hi, strings) : readField(f.spec, r.d1lo, r.d1hi, strings);
      const a = pw.begin(F.TRACK_EVENT.debugAnnotations);
      pw.varint(F.ANNOTATION.nameIid, f.nameIid);
      const v = reading.value;
      // a value that does not fit is its raw bits, as jsonl gives it (hex text past 2^53), and an issue
      if (reading.issue !== undefined) issues = (issues ? `${issues}; ` : '') + `${f.spec.name}: ${reading.issue}`;
      if (typeof v === 'number' && Number.isNaN(v)) pw.string(F.ANNOTATION.stringValue, reading.text);
      else if (typeof v === 'boolean') pw.varint(F.ANNOTATION.boolValue, v ? 1 : 0);
      else if (typeof v === 'string') {
        const iid = f.spec.kind === 'enum' ? this.#enumIids.get(v) : undefined;
        if (iid !== undefined) pw.varint(F.ANNOTATION.stringValueIid, iid);
        else pw.string(F.ANNOTATION.stringValue, v);
      } else if (f.signed) pw.int64(F.ANNOTATION.intValue, v);
      else {
        const field = f.hex ? F.ANNOTATION.pointerValue : F.ANNOTATION.uintValue;
        if (typeof v === 'bigint') pw.varint64(field, Number(v >> 32n), Number(v & 0xffffffffn));
        else pw.varint(field, v);
      }
      pw.end(a);
      if (r.args !== 0 && (r.args & argumentMisfitBit(i)) !== 0)
        issues = (issues ? `${issues}; ` : '') + `${f.spec.name}: ${argumentMisfitText(f.signed, f.width)}`;
    }
    if (issues !== undefined) {
      const a = pw.begin(F.TRACK_EVENT.debugAnnotations);
      pw.varint(F.ANNOTATION.nameIid, this.#issuesIid);
      pw.string(F.ANNOTATION.stringValue, issues);
      pw.end(a);
    }
  }

  #annotation(nameIid: number, field: number, hi: number, lo: number): void {
    const pw = this.#pw;
    const a = pw.begin(F.TRACK_EVENT.debugAnnotations);
    pw.varint(F.ANNOTATION.nameIid, nameIid);
    pw.varint64(field, hi, lo);
    pw.end(a);
  }

  /** A counter event on each counter field's track (a value that does not fit its field is no point). */
  #counterValues(counters: readonly { readonly spec: FieldSpec; readonly track: number }[], r: DecodedRecord): void {
    for (const c of counters) {
      const { value, issue } = c.spec.word === 0 ? readField(c.spec, r.d0lo, r.d0hi) : readField(c.spec, r.d1lo, r.d1hi);
      if (issue !== undefined || (typeof value !== 'number' && typeof value !== 'bigint')) continue;
      const at = this.#event(r.tsHi, r.tsLo, F.TYPE_COUNTER, c.track);
      this.#pw.int64(F.TRACK_EVENT.counterValue, value);
      this.#close(at);
    }
  }

  /** A matched span: a slice on its thread (or a lane beside it), or on an async track of its name. */
  readonly #matched = ({ index, span, begin, end }: MatchedSpan): void => {
    const b = begin.tsHi * TWO_32 + begin.tsLo;
    const e = end.tsHi * TWO_32 + end.tsLo;
    let track: number;
    if (span.scope === 'process') track = this.#asyncTrack(index, b, e);
    else track = this.#laneTrack(end.cpu, b, e);
    const name = this.#spanIids[index]!;
    const open = this.#event(begin.tsHi, begin.tsLo, F.TYPE_SLICE_BEGIN, track);
    this.#pw.varint(F.TRACK_EVENT.nameIid, name);
    this.#annotations(begin);
    // the flows of both records bind to the slice, where its arrows start and end
    this.#flowIds.length = 0;
    this.#collectFlows(begin);
    this.#collectFlows(end);
    this.#writeFlows();
    this.#close(open);
    // the end's fields join the slice's arguments
    const close = this.#event(end.tsHi, end.tsLo, F.TYPE_SLICE_END, track);
    this.#annotations(end);
    this.#close(close);
  };

  /**
   * A record's flow ids, each once: Perfetto's ids are global, so the flow's index goes in the
   * top byte (ids of 2^56 and more share theirs with another flow).
   */
  #collectFlows(r: DecodedRecord): void {
    this.#flows.each(r, (flow, hi, lo) => {
      const top = (((flow + 1) << 24) | (hi & 0xffffff)) >>> 0;
      const ids = this.#flowIds;
      for (let i = 0; i < ids.length; i += 2) if (ids[i] === top && ids[i + 1] === lo) return;
      ids.push(top, lo);
    });
  }

  #writeFlows(): void {
    const ids = this.#flowIds;
    for (let i = 0; i < ids.length; i += 2) this.#pw.fixed64(F.TRACK_EVENT.flowIds, ids[i]!, ids[i + 1]!);
  }

  /** The track of a thread span [b, e] on `ring`: its thread's, else the first lane where it nests. */
  #laneTrack(ring: number, b: number, e: number): number {
    const lanes = (this.#lanes[ring] ??= []);
    for (let k = 0; ; k++) {
      let lane = lanes[k];
      if (!lane) {
        lane = lanes[k] = new Lane();
        if (k > 0)
          this.#trackDescriptor(LANE_TRACK + ring * 4096 + k, THREAD_TRACK + ring, (pw) =>
            pw.string(F.TRACK_DESCRIPTOR.name, `${this.#names[ring] ?? `cpu ${ring}`} (overlapping spans ${k})`),
          );
      }
      if (lane.take(b, e)) return k === 0 ? THREAD_TRACK + ring : LANE_TRACK + ring * 4096 + k;
    }
  }

  /** The async track of a process span [b, e]: the first of its lanes free since b. */
  #asyncTrack(index: number, b: number, e: number): number {
    const lanes = (this.#asyncLanes[index] ??= []);
    let k = lanes.findIndex((last) => last <= b);
    if (k < 0) {
      k = lanes.length;
      lanes.push(e);
      const name = this.#decoder.model.spans[index]!.names.snake;
      this.#trackDescriptor(ASYNC_TRACK + index * 65536 + k, PROCESS_TRACK, (pw) => pw.string(F.TRACK_DESCRIPTOR.name, name));
    } else lanes[k] = e;
    return ASYNC_TRACK + index * 65536 + k;
  }

  /** What a ring lost before a record: an instant on its track, with the count and the total so far. */
  #writeLost(ring: number, tsHi: number, tsLo: number): void {
    const at = this.#event(tsHi, tsLo, F.TYPE_INSTANT, THREAD_TRACK + ring);
    const pw = this.#pw;
    pw.varint(F.TRACK_EVENT.nameIid, this.#lostIid);
    this.#annotation(this.#lostNameIid, F.ANNOTATION.uintValue, 0, this.#pendingLost[ring]!);
    this.#annotation(this.#lostTotalIid, F.ANNOTATION.uintValue, 0, this.#lostSoFar[ring]!);
    this.#close(at);
    this.#pendingLost[ring] = 0;
  }
}
