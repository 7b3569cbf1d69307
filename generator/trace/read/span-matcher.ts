import {
  OFFSET_ARG_MISFITS,
  OFFSET_CPU,
  OFFSET_DATA0,
  OFFSET_DATA1,
  OFFSET_ID,
  OFFSET_TIMESTAMP,
  rangeBits,
  unsignedField,
} from '@tracegen/runtime';
import { readRecord, type DecodedRecord } from './record.js';
import type { SchemaDecoder } from './schema-decoder.js';
import type { EventModel, FieldModel, SpanModel } from '../../schema/model/model.js';

/**
 * A begin and the end it was paired with. The matcher hands the same object to every call of its
 * `matched` callback, filled anew: it is valid during the call (take what is kept from it).
 */
export class MatchedSpan {
  span!: SpanModel;
  /** The span's index in the schema's `spans`. */
  index = 0;
  begin!: DecodedRecord;
  end!: DecodedRecord;
  #field: FieldModel | undefined;
  readonly #decoder: SchemaDecoder;

  constructor(decoder: SchemaDecoder) {
    this.#decoder = decoder;
  }

  /** Fills it with the span of `role` from `begin` to `end`. */
  fill(role: Role, begin: DecodedRecord, end: DecodedRecord): this {
    this.span = role.span;
    this.index = role.index;
    this.begin = begin;
    this.end = end;
    this.#field = role.field;
    return this;
  }

  /** The value both carry, as text (undefined for a span without `match`); a misfit is its raw bits in hex. Made when asked. */
  get match(): string | undefined {
    if (!this.#field) return undefined;
    const f = this.#decoder.field(this.end, this.#field);
    return f.issue ? f.text : String(f.value);
  }
}

/** A span an event takes part in, and the field of that event its match value is read from. */
export interface Role {
  readonly span: SpanModel;
  readonly index: number;
  readonly field: FieldModel | undefined;
  /**
   * The open-begins key of a record of this role: its span, CPU and the raw bits of its match
   * field (equal bits, equal values: a misfit's bits differ from every value's). A number while
   * that is exact, else text.
   */
  readonly key: (lo: number, hi: number, cpu: number) => number | string;
  /** The data word the match field is in (0 without one). */
  readonly word: 0 | 1;
}

/** The open-begins key of a record in a role. */
function keyOfRecord(role: Role, r: DecodedRecord): number | string {
  return role.word === 0 ? role.key(r.d0lo, r.d0hi, r.cpu) : role.key(r.d1lo, r.d1hi, r.cpu);
}

/** How many begins may wait for their ends at once, by default (docs/cli.md, stats). */
export const MAX_OPEN_SPANS = 1_000_000;

/** Open begins of one span, CPU and match value (slots of `BeginStore`): a stack whose bottom can be evicted in O(1). */
interface Stack {
  readonly items: number[];
  head: number;
  /** The span's index in the schema's `spans`. */
  readonly index: number;
}

/** Queued begins past this many beyond twice the open ones are swept out (see `SpanMatcher`). */
const SWEEP_SLACK = 1 << 16;

const WORDS = 10;
const PAGE_SLOTS = 1 << 16;

/**
 * The open begins' records, 40 bytes each in pages of Uint32Array (an object of ten numbers
 * costs V8 about 130): what bounds the memory of a trace full of begins that never end. Pages
 * are added, never copied, so growing leaves no garbage. A record becomes an object again only
 * when it leaves (paired, given up, or left open at the end).
 */
class BeginStore {
  readonly #pages: Uint32Array[] = [];
  readonly #free: number[] = [];
  #next = 0;
  /** Serial records carry their printed name: kept aside, by slot. */
  readonly #names = new Map<number, string>();

  /** Per slot, the serial number of the begin it holds (0 when free): tells a queued slot that was reused. */
  readonly serials: number[] = [];
  /** Per slot, the stack it is open on. */
  readonly stacks: (Stack | undefined)[] = [];

  /** A free slot, holding `serial`, open on `stack`. */
  #slot(serial: number, stack: Stack): number {
    let slot = this.#free.pop();
    if (slot === undefined) {
      slot = this.#next++;
      if (slot % PAGE_SLOTS === 0) this.#pages.push(new Uint32Array(PAGE_SLOTS * WORDS));
    }
    this.serials[slot] = serial;
    this.stacks[slot] = stack;
    return slot;
  }

  /** Stores the record at byte `o` of `view` (read from a trace file: no name, no object). */
  putAt(view: DataView, o: number, ring: number, serial: number, stack: Stack): number {
    const slot = this.#slot(serial, stack);
    const w = this.#pages[slot >>> 16]!;
    const at = (slot & (PAGE_SLOTS - 1)) * WORDS;
    w[at] = view.getUint32(o + OFFSET_TIMESTAMP + 4, true);
    w[at + 1] = view.getUint32(o + OFFSET_TIMESTAMP, true);
    w[at + 2] = view.getUint8(o + OFFSET_ID);
    w[at + 3] = view.getUint8(o + OFFSET_CPU);
    w[at + 4] = ring;
    w[at + 5] = view.getUint32(o + OFFSET_DATA0, true);
    w[at + 6] = view.getUint32(o + OFFSET_DATA0 + 4, true);
    w[at + 7] = view.getUint32(o + OFFSET_DATA1, true);
    w[at + 8] = view.getUint32(o + OFFSET_DATA1 + 4, true);
    w[at + 9] = view.getUint32(o + OFFSET_ARG_MISFITS, true);
    return slot;
  }

  put(r: DecodedRecord, serial: number, stack: Stack): number {
    const slot = this.#slot(serial, stack);
    const w = this.#pages[slot >>> 16]!;
    const o = (slot & (PAGE_SLOTS - 1)) * WORDS;
    w[o] = r.tsHi;
    w[o + 1] = r.tsLo;
    w[o + 2] = r.id; // -1 (a serial name the schema lacks) is stored as 0xffffffff and read back with `| 0`
    w[o + 3] = r.cpu;
    w[o + 4] = r.ring;
    w[o + 5] = r.d0lo;
    w[o + 6] = r.d0hi;
    w[o + 7] = r.d1lo;
    w[o + 8] = r.d1hi;
    w[o + 9] = r.args;
    if (r.name !== undefined) this.#names.set(slot, r.name);
    return slot;
  }

  /** The record in `slot`, which is free again. */
  take(slot: number): DecodedRecord {
    const w = this.#pages[slot >>> 16]!;
    const o = (slot & (PAGE_SLOTS - 1)) * WORDS;
    const r: { -readonly [K in keyof DecodedRecord]: DecodedRecord[K] } = {
      tsHi: w[o]!,
      tsLo: w[o + 1]!,
      id: w[o + 2]! | 0,
      cpu: w[o + 3]!,
      ring: w[o + 4]!,
      d0lo: w[o + 5]!,
      d0hi: w[o + 6]!,
      d1lo: w[o + 7]!,
      d1hi: w[o + 8]!,
      args: w[o + 9]!,
    };
    if (this.#names.size) {
      const name = this.#names.get(slot);
      if (name !== undefined) {
        r.name = name;
        this.#names.delete(slot);
      }
    }
    this.serials[slot] = 0;
    this.stacks[slot] = undefined;
    this.#free.push(slot);
    return r;
  }
}

/**
 * Pairs the schema's span begins and ends, the one rule every consumer (stats, the report,
 * Chrome JSON, query's spans) shares: a begin and an end pair on the same CPU (a span of scope
 * `thread`) or on any (`process`: work handed across threads) and, for a span with `match`,
 * with the same value of that field (a value that does not fit its field pairs by its raw bits,
 * so two different misfits never pair); of several open begins that qualify, the most recent
 * (spans nest). An end with no open begin is unmatched; so is a begin still
 * open at the end.
 *
 * Memory is bounded: at most `maxOpen` begins wait at once; past that the oldest is given up
 * (counted in `evicted`, and unmatched). An end whose timestamp is earlier than its begin's (a
 * clock that went backwards) takes the begin but is no span (counted in `backwards`), never a
 * span of 0 ns. Begins given up either way go to `dropped`, for consumers that show every record.
 */
export class SpanMatcher {
  /** Per event id, the spans it begins and ends (undefined for most ids). */
  readonly #byBegin: (Role[] | undefined)[] = new Array(256);
  readonly #byEnd: (Role[] | undefined)[] = new Array(256);
  /**
   * Per span, CPU and match value, the open begins. A stack that empties stays (the next begin
   * of its key reuses it, with no allocation); empties are swept out when they outnumber the
   * open begins by SWEEP_SLACK (match values that never come again).
   */
  readonly #open = new Map<number | string, Stack>();
  #empties = 0;
  readonly #store = new BeginStore();
  readonly #matched: MatchedSpan;
  #openCount = 0;
  /**
   * Once the first begin has been evicted: every begin in the order it came, as (slot, serial)
   * pairs; the oldest open one is the first pair whose slot still holds that serial. Pairs of
   * begins that left are skipped when evicting and swept out when they outnumber the open begins
   * by SWEEP_SLACK, so the queue stays bounded. Traces that never hold `maxOpen` begins at once
   * never make it (the serials alone order the open begins).
   */
  #queue: number[] | undefined;
  #queueHead = 0;
  #serial = 0;
  readonly #maxOpen: number;
  /** Per span index, ends that found no begin. */
  readonly unmatchedEnds: number[];
  /** Per span index, begins given up to keep at most `maxOpen` open. */
  readonly evicted: number[];
  /** Per span index, ends earlier than the begin they would have paired with. */
  readonly backwards: number[];
  /** Receives each begin given up (evicted, or taken by an end earlier than it). */
  dropped: ((begin: DecodedRecord) => void) | undefined;

  constructor(decoder: SchemaDecoder, maxOpen = MAX_OPEN_SPANS) {
    this.#maxOpen = maxOpen;
    this.#matched = new MatchedSpan(decoder);
    const spans = decoder.model.spans.length;
    const role = (span: SpanModel, index: number, event: EventModel): Role => {
      const field = span.match === undefined ? undefined : event.fields.find((f) => f.names.snake === span.match);
      return { span, index, field, key: keyOf(field, index, spans, span.scope === 'process'), word: field?.word ?? 0 };
    };
    decoder.model.spans.forEach((span, index) => {
      this.#byBegin[span.begin.id] = [...(this.#byBegin[span.begin.id] ?? []), role(span, index, span.begin)];
      this.#byEnd[span.end.id] = [...(this.#byEnd[span.end.id] ?? []), role(span, index, span.end)];
    });
    this.unmatchedEnds = decoder.model.spans.map(() => 0);
    this.evicted = decoder.model.spans.map(() => 0);
    this.backwards = decoder.model.spans.map(() => 0);
  }

  /** True when the event id begins or ends some span (others need not be passed in). */
  involves(id: number): boolean {
    return id >= 0 && (this.#byBegin[id] !== undefined || this.#byEnd[id] !== undefined);
  }

  /**
   * Takes the next record in time order; calls `matched` for each span it ends. Returns true
   * when the record is a begin or a matched end of some span.
   */
  push(r: DecodedRecord, matched: (m: MatchedSpan) => void): boolean {
    if (r.id < 0) return false;
    let consumed = false;
    const ends = this.#byEnd[r.id];
    if (ends !== undefined)
      for (const role of ends) {
        const slot = this.#pop(keyOfRecord(role, r));
        if (slot === undefined) {
          this.unmatchedEnds[role.index]!++;
          continue;
        }
        const begin = this.#store.take(slot);
        if (r.tsHi < begin.tsHi || (r.tsHi === begin.tsHi && r.tsLo < begin.tsLo)) {
          this.backwards[role.index]!++;
          this.dropped?.(begin);
          continue;
        }
        matched(this.#matched.fill(role, begin, r));
        consumed = true;
      }
    const begins = this.#byBegin[r.id];
    if (begins !== undefined)
      for (const role of begins) {
        const stack = this.#stackOf(role, keyOfRecord(role, r));
        this.#opened(stack, this.#store.put(r, this.#serial + 1, stack));
        consumed = true;
      }
    return consumed;
  }

  /**
   * `push` of the record at byte `o` of `view` (a trace file's chunk): a begin is stored straight
   * from the bytes, with no record object; any other record goes through `push`.
   */
  pushAt(view: DataView, o: number, ring: number, matched: (m: MatchedSpan) => void): boolean {
    const id = view.getUint8(o + OFFSET_ID);
    const begins = this.#byBegin[id];
    if (begins === undefined || this.#byEnd[id] !== undefined)
      return this.#byEnd[id] !== undefined && this.push(readRecord(view, o, ring), matched);
    const cpu = view.getUint8(o + OFFSET_CPU);
    for (const role of begins) {
      const at = o + (role.word === 0 ? OFFSET_DATA0 : OFFSET_DATA1);
      const stack = this.#stackOf(role, role.key(view.getUint32(at, true), view.getUint32(at + 4, true), cpu));
      this.#opened(stack, this.#store.putAt(view, o, ring, this.#serial + 1, stack));
    }
    return true;
  }

  /** The stack of open begins of a key, made when it has none. */
  #stackOf(role: Role, k: number | string): Stack {
    let stack = this.#open.get(k);
    if (!stack) this.#open.set(k, (stack = { items: [], head: 0, index: role.index }));
    else if (stack.items.length === stack.head) this.#empties--;
    return stack;
  }

  /** A begin stored in `slot` (with the next serial) is open on `stack`. */
  #opened(stack: Stack, slot: number): void {
    const serial = ++this.#serial;
    stack.items.push(slot);
    const queue = this.#queue;
    if (queue !== undefined) {
      queue.push(slot, serial);
      if (queue.length - this.#queueHead > 2 * (2 * this.#openCount + SWEEP_SLACK)) this.#sweepQueue(queue);
    }
    if (++this.#openCount > this.#maxOpen) this.#evictOldest();
  }

  /** The slot of the most recent open begin of a key, if any. */
  #pop(k: number | string): number | undefined {
    const stack = this.#open.get(k);
    if (!stack || stack.items.length === stack.head) return undefined;
    const begin = stack.items.pop()!;
    if (stack.items.length === stack.head) this.#emptied(stack);
    this.#openCount--;
    return begin;
  }

  /** A stack that just emptied: reset, and the empties swept when they pile up. */
  #emptied(stack: Stack): void {
    stack.items.length = 0;
    stack.head = 0;
    if (++this.#empties > this.#openCount + SWEEP_SLACK) {
      for (const [k, s] of this.#open) if (s.items.length === s.head) this.#open.delete(k);
      this.#empties = 0;
    }
  }

  /** Gives up the oldest open begin: the first queued begin still open, at the bottom of its stack. */
  #evictOldest(): void {
    const q = (this.#queue ??= this.#openInOrder());
    let slot = -1;
    while (this.#queueHead < q.length) {
      const s = q[this.#queueHead]!;
      const serial = q[this.#queueHead + 1]!;
      this.#queueHead += 2;
      if (this.#store.serials[s] === serial) {
        slot = s;
        break;
      }
    }
    const stack = this.#store.stacks[slot]!;
    const begin = this.#store.take(stack.items[stack.head++]!);
    if (stack.items.length === stack.head) this.#emptied(stack);
    else if (stack.head > 1024 && stack.head * 2 > stack.items.length) {
      stack.items.splice(0, stack.head);
      stack.head = 0;
    }
    this.#openCount--;
    this.evicted[stack.index]!++;
    this.dropped?.(begin);
  }

  /** The open begins as (slot, serial) pairs, oldest first: the queue, made at the first eviction. */
  #openInOrder(): number[] {
    const serials = this.#store.serials;
    const slots: number[] = [];
    for (const s of this.#open.values()) for (let i = s.head; i < s.items.length; i++) slots.push(s.items[i]!);
    slots.sort((a, b) => serials[a]! - serials[b]!);
    this.#queueHead = 0;
    return slots.flatMap((slot) => [slot, serials[slot]!]);
  }

  /** Drops the queued pairs of begins that left: the queue keeps only open ones, in order. */
  #sweepQueue(q: number[]): void {
    const kept: number[] = [];
    for (let i = this.#queueHead; i < q.length; i += 2) if (this.#store.serials[q[i]!] === q[i + 1]) kept.push(q[i]!, q[i + 1]!);
    this.#queue = kept;
    this.#queueHead = 0;
  }

  /**
   * Ends the pairing: per span index, how many begins are still open; `visit` receives each
   * (made an object again only for a visitor: a million open begins need not become a million
   * objects to be counted).
   */
  drainOpen(visit?: (index: number, begin: DecodedRecord) => void): number[] {
    const counts = this.unmatchedEnds.map(() => 0);
    const open = [...this.#open.values()].filter((s) => s.items.length > s.head);
    // stacks by their oldest open begin, each bottom to top
    const serials = this.#store.serials;
    open.sort((a, b) => serials[a.items[a.head]!]! - serials[b.items[b.head]!]!);
    for (const stack of open) {
      const index = stack.index;
      counts[index]! += stack.items.length - stack.head;
      if (visit) for (let i = stack.head; i < stack.items.length; i++) visit(index, this.#store.take(stack.items[i]!));
    }
    this.#open.clear();
    this.#empties = 0;
    this.#queue = undefined;
    this.#queueHead = 0;
    this.#openCount = 0;
    return counts;
  }
}

/**
 * The key function of a role: span index, CPU and the match field's raw bits, packed into one
 * exact number (`index + spans * (cpu + 256 * bits)`) while that stays below 2^53, else text.
 */
function keyOf(
  field: FieldModel | undefined,
  index: number,
  spans: number,
  anyRing: boolean,
): (lo: number, hi: number, cpu: number) => number | string {
  if (!field) return (_lo, _hi, cpu) => index + spans * cpu;
  const { lo: start, range } = field;
  // below this, the packed number is exact
  const exactBelow = Math.floor(2 ** 53 / (spans * 256));
  return (lo, hi, ringCpu) => {
    // a process-scoped span pairs across rings: the CPU is not part of its key
    const cpu = anyRing ? 0 : ringCpu;
    // the runtime's reading of the range (a width of the range itself always fits)
    const bits = range <= 53 ? unsignedField(lo, hi, start, range, range) : rangeBits(lo, hi, start, range);
    return bits < exactBelow ? index + spans * (cpu + 256 * Number(bits)) : `${index}:${cpu}:${bits}`;
  };
}
