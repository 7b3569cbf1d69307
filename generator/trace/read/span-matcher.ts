import type { DecodedRecord } from './record.js';
import type { SchemaDecoder } from './schema-decoder.js';
import type { EventModel, FieldModel, SpanModel } from '../../schema/model/model.js';

/** A begin and the end it was paired with. */
export interface MatchedSpan {
  readonly span: SpanModel;
  /** The span's index in the schema's `spans`. */
  readonly index: number;
  readonly begin: DecodedRecord;
  readonly end: DecodedRecord;
  /** The value both carry, as text (undefined for a span without `match`). */
  readonly match: string | undefined;
}

/** A span an event takes part in, and the field of that event its match value is read from. */
interface Role {
  readonly span: SpanModel;
  readonly index: number;
  readonly field: FieldModel | undefined;
}

/** How many begins may wait for their ends at once, by default (docs/cli.md, stats). */
export const MAX_OPEN_SPANS = 1_000_000;

/** Open begins of one span, CPU and match value (slots of `BeginStore`): a stack whose bottom can be evicted in O(1). */
interface Stack {
  readonly items: number[];
  head: number;
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
  readonly #byBegin = new Map<number, Role[]>();
  readonly #byEnd = new Map<number, Role[]>();
  /**
   * Per span, CPU and match value, the open begins. A key leaves the map when its stack empties,
   * so the map's first key holds the oldest open begin at its bottom (its stack has not been
   * empty since that begin came, and every key before it came earlier still).
   */
  readonly #open = new Map<string, Stack>();
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
    const role = (span: SpanModel, index: number, event: EventModel): Role => ({
      span,
      index,
      field: span.match === undefined ? undefined : event.fields.find((f) => f.names.snake === span.match),
    });
    decoder.model.spans.forEach((span, index) => {
      this.#byBegin.set(span.begin.id, [...(this.#byBegin.get(span.begin.id) ?? []), role(span, index, span.begin)]);
      this.#byEnd.set(span.end.id, [...(this.#byEnd.get(span.end.id) ?? []), role(span, index, span.end)]);
    });
    this.unmatchedEnds = decoder.model.spans.map(() => 0);
    this.evicted = decoder.model.spans.map(() => 0);
    this.backwards = decoder.model.spans.map(() => 0);
  }

  /** True when the event id begins or ends some span (others need not be passed in). */
  involves(id: number): boolean {
    return this.#byBegin.has(id) || this.#byEnd.has(id);
  }

  /**
   * Takes the next record in time order; calls `matched` for each span it ends. Returns true
   * when the record is a begin or a matched end of some span.
   */
  push(r: DecodedRecord, matched: (m: MatchedSpan) => void): boolean {
    let consumed = false;
    for (const { span, index, field } of this.#byEnd.get(r.id) ?? []) {
      const match = this.#match(field, r);
      const slot = this.#pop(key(index, r.cpu, match));
      if (slot === undefined) {
        this.unmatchedEnds[index]!++;
        continue;
      }
      const begin = this.#store.take(slot);
      if (r.tsHi < begin.tsHi || (r.tsHi === begin.tsHi && r.tsLo < begin.tsLo)) {
        this.backwards[index]!++;
        this.dropped?.(begin);
        continue;
      }
      matched({ span, index, begin, end: r, match });
      consumed = true;
    }
    for (const { index, field } of this.#byBegin.get(r.id) ?? []) {
      const k = key(index, r.cpu, this.#match(field, r));
      const slot = this.#store.put(r);
      const stack = this.#open.get(k);
      if (stack) stack.items.push(slot);
      else this.#open.set(k, { items: [slot], head: 0 });
      if (++this.#openCount > this.#maxOpen) this.#evictOldest();
      consumed = true;
    }
    return consumed;
  }

  /** The slot of the most recent open begin of a key, if any; an emptied key leaves the map. */
  #pop(k: string): number | undefined {
    const stack = this.#open.get(k);
    if (!stack) return undefined;
    const begin = stack.items.pop()!;
    if (stack.items.length === stack.head) this.#open.delete(k);
    this.#openCount--;
    return begin;
  }

  /** Gives up the oldest open begin: the bottom of the first key's stack. */
  #evictOldest(): void {
    const [k, stack] = this.#open.entries().next().value as [string, Stack];
    const begin = this.#store.take(stack.items[stack.head++]!);
    if (stack.items.length === stack.head) this.#open.delete(k);
    else if (stack.head > 1024 && stack.head * 2 > stack.items.length) {
      stack.items.splice(0, stack.head);
      stack.head = 0;
    }
    this.#openCount--;
    this.evicted[Number(k.slice(0, k.indexOf('\u0000')))]!++;
    this.dropped?.(begin);
  }

  /**
   * Ends the pairing: per span index, how many begins are still open; `visit` receives each
   * (made an object again only for a visitor: a million open begins need not become a million
   * objects to be counted).
   */
  drainOpen(visit?: (index: number, begin: DecodedRecord) => void): number[] {
    const counts = this.unmatchedEnds.map(() => 0);
    for (const [k, stack] of this.#open) {
      const index = Number(k.slice(0, k.indexOf('\u0000')));
      counts[index]! += stack.items.length - stack.head;
      if (visit) for (let i = stack.head; i < stack.items.length; i++) visit(index, this.#store.take(stack.items[i]!));
    }
    this.#open.clear();
    this.#openCount = 0;
    return counts;
  }

  /** The match value of a record, as text: a misfit is its raw bits in hex. */
  #match(field: FieldModel | undefined, r: DecodedRecord): string | undefined {
    if (!field) return undefined;
    const f = this.#decoder.field(r, field);
    return f.issue ? f.text : String(f.value);
  }
}

function key(index: number, cpu: number, match: string | undefined): string {
  return `${index}\u0000${cpu}\u0000${match ?? ''}`;
}
