import { rangeBits, unsignedField } from '@tracegen/runtime';
import type { DecodedRecord } from './record.js';
import type { SchemaDecoder } from './schema-decoder.js';
import type { EventModel, FieldModel, SpanModel } from '../../schema/model/model.js';

/** A begin and the end it was paired with. */
export class MatchedSpan {
  readonly span: SpanModel;
  /** The span's index in the schema's `spans`. */
  readonly index: number;
  readonly begin: DecodedRecord;
  readonly end: DecodedRecord;
  readonly #field: FieldModel | undefined;
  readonly #decoder: SchemaDecoder;

  constructor(role: Role, begin: DecodedRecord, end: DecodedRecord, decoder: SchemaDecoder) {
    this.span = role.span;
    this.index = role.index;
    this.begin = begin;
    this.end = end;
    this.#field = role.field;
    this.#decoder = decoder;
  }

  /** The value both carry, as text (undefined for a span without `match`); a misfit is its raw bits in hex. Made when asked. */
  get match(): string | undefined {
    if (!this.#field) return undefined;
    const f = this.#decoder.field(this.end, this.#field);
    return f.issue ? f.text : String(f.value);
  }
}

/** A span an event takes part in, and the field of that event its match value is read from. */
interface Role {
  readonly span: SpanModel;
  readonly index: number;
  readonly field: FieldModel | undefined;
  /**
   * The open-begins key of a record of this role: its span, CPU and the raw bits of its match
   * field (equal bits, equal values: a misfit's bits differ from every value's). A number while
   * that is exact, else text.
   */
  readonly key: (r: DecodedRecord) => number | string;
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

  put(r: DecodedRecord): number {
    let slot = this.#free.pop();
    if (slot === undefined) {
      slot = this.#next++;
      if (slot % PAGE_SLOTS === 0) this.#pages.push(new Uint32Array(PAGE_SLOTS * WORDS));
    }
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
    const name = this.#names.get(slot);
    const r: DecodedRecord = {
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
      ...(name === undefined ? {} : { name }),
    };
    if (name !== undefined) this.#names.delete(slot);
    this.#free.push(slot);
    return r;
  }
}

/**
 * Pairs the schema's span begins and ends, the one rule every consumer (stats, the report,
 * Chrome JSON, query's spans) shares: a begin and an end pair on the same CPU and, for a span
 * with `match`, with the same value of that field (a value that does not fit its field pairs
 * by its raw bits, so two different misfits never pair); of several open begins that qualify,
 * the most recent (spans nest). An end with no open begin is unmatched; so is a begin still
 * open at the end.
 *
 * Memory is bounded: at most `maxOpen` begins wait at once; past that the oldest is given up
 * (counted in `evicted`, and unmatched). An end whose timestamp is earlier than its begin's (a
 * clock that went backwards) takes the begin but is no span (counted in `backwards`), never a
 * span of 0 ns. Begins given up either way go to `dropped`, for consumers that show every record.
 */
export class SpanMatcher {
  readonly #decoder: SchemaDecoder;
  /** Per event id, the spans it begins and ends (undefined for most ids). */
  readonly #byBegin: (Role[] | undefined)[] = new Array(256);
  readonly #byEnd: (Role[] | undefined)[] = new Array(256);
  /**
   * Per span, CPU and match value, the open begins. A key leaves the map when its stack empties,
   * so the map's first key holds the oldest open begin at its bottom (its stack has not been
   * empty since that begin came, and every key before it came earlier still).
   */
  readonly #open = new Map<number | string, Stack>();
  readonly #store = new BeginStore();
  #openCount = 0;
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
    this.#decoder = decoder;
    const spans = decoder.model.spans.length;
    const role = (span: SpanModel, index: number, event: EventModel): Role => {
      const field = span.match === undefined ? undefined : event.fields.find((f) => f.names.snake === span.match);
      return { span, index, field, key: keyOf(field, index, spans) };
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
        const slot = this.#pop(role.key(r));
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
        matched(new MatchedSpan(role, begin, r, this.#decoder));
        consumed = true;
      }
    const begins = this.#byBegin[r.id];
    if (begins !== undefined)
      for (const role of begins) {
        const k = role.key(r);
        const slot = this.#store.put(r);
        const stack = this.#open.get(k);
        if (stack) stack.items.push(slot);
        else this.#open.set(k, { items: [slot], head: 0, index: role.index });
        if (++this.#openCount > this.#maxOpen) this.#evictOldest();
        consumed = true;
      }
    return consumed;
  }

  /** The slot of the most recent open begin of a key, if any; an emptied key leaves the map. */
  #pop(k: number | string): number | undefined {
    const stack = this.#open.get(k);
    if (!stack) return undefined;
    const begin = stack.items.pop()!;
    if (stack.items.length === stack.head) this.#open.delete(k);
    this.#openCount--;
    return begin;
  }

  /** Gives up the oldest open begin: the bottom of the first key's stack. */
  #evictOldest(): void {
    const [k, stack] = this.#open.entries().next().value as [number | string, Stack];
    const begin = this.#store.take(stack.items[stack.head++]!);
    if (stack.items.length === stack.head) this.#open.delete(k);
    else if (stack.head > 1024 && stack.head * 2 > stack.items.length) {
      stack.items.splice(0, stack.head);
      stack.head = 0;
    }
    this.#openCount--;
    this.evicted[stack.index]!++;
    this.dropped?.(begin);
  }

  /**
   * Ends the pairing: per span index, how many begins are still open; `visit` receives each
   * (made an object again only for a visitor: a million open begins need not become a million
   * objects to be counted).
   */
  drainOpen(visit?: (index: number, begin: DecodedRecord) => void): number[] {
    const counts = this.unmatchedEnds.map(() => 0);
    for (const stack of this.#open.values()) {
      const index = stack.index;
      counts[index]! += stack.items.length - stack.head;
      if (visit) for (let i = stack.head; i < stack.items.length; i++) visit(index, this.#store.take(stack.items[i]!));
    }
    this.#open.clear();
    this.#openCount = 0;
    return counts;
  }
}

/**
 * The key function of a role: span index, CPU and the match field's raw bits, packed into one
 * exact number (`index + spans * (cpu + 256 * bits)`) while that stays below 2^53, else text.
 */
function keyOf(field: FieldModel | undefined, index: number, spans: number): (r: DecodedRecord) => number | string {
  if (!field) return (r) => index + spans * r.cpu;
  const { word, lo: start, range } = field;
  // below this, the packed number is exact
  const exactBelow = Math.floor(2 ** 53 / (spans * 256));
  return (r) => {
    const lo = word === 0 ? r.d0lo : r.d1lo;
    const hi = word === 0 ? r.d0hi : r.d1hi;
    // the runtime's reading of the range (a width of the range itself always fits)
    const bits = range <= 53 ? unsignedField(lo, hi, start, range, range) : rangeBits(lo, hi, start, range);
    return bits < exactBelow ? index + spans * (r.cpu + 256 * Number(bits)) : `${index}:${r.cpu}:${bits}`;
  };
}
