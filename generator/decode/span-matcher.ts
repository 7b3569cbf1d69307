import type { DecodedRecord } from './record.js';
import type { SchemaDecoder } from './schema-decoder.js';
import type { SpanModel } from '../model/model.js';

/** A begin and the end it was paired with. */
export interface MatchedSpan {
  readonly span: SpanModel;
  /** The span's index in the schema's `spans`. */
  readonly index: number;
  readonly begin: DecodedRecord;
  readonly end: DecodedRecord;
}

/**
 * Pairs the schema's span begins and ends, the one rule every consumer (stats, the report,
 * Chrome JSON) shares: a begin and an end pair on the same CPU and, for a span with `match`,
 * with the same value of that field; of several open begins that qualify, the most recent
 * (spans nest). An end with no open begin is unmatched; so is a begin still open at the end.
 */
export class SpanMatcher {
  readonly #decoder: SchemaDecoder;
  readonly #byBegin = new Map<number, { span: SpanModel; index: number }[]>();
  readonly #byEnd = new Map<number, { span: SpanModel; index: number }[]>();
  /** Per span, CPU and match value, a stack of open begins. */
  readonly #open = new Map<string, DecodedRecord[]>();
  /** Per span index, ends that found no begin. */
  readonly unmatchedEnds: number[];

  constructor(decoder: SchemaDecoder) {
    this.#decoder = decoder;
    decoder.model.spans.forEach((span, index) => {
      this.#byBegin.set(span.begin.id, [...(this.#byBegin.get(span.begin.id) ?? []), { span, index }]);
      this.#byEnd.set(span.end.id, [...(this.#byEnd.get(span.end.id) ?? []), { span, index }]);
    });
    this.unmatchedEnds = decoder.model.spans.map(() => 0);
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
    for (const { span, index } of this.#byEnd.get(r.id) ?? []) {
      const begin = this.#open.get(this.#key(span, r))?.pop();
      if (!begin) {
        this.unmatchedEnds[index]!++;
        continue;
      }
      matched({ span, index, begin, end: r });
      consumed = true;
    }
    for (const { span } of this.#byBegin.get(r.id) ?? []) {
      const key = this.#key(span, r);
      const stack = this.#open.get(key);
      if (stack) stack.push(r);
      else this.#open.set(key, [r]);
      consumed = true;
    }
    return consumed;
  }

  /** The begins still open, per span index; clears them. */
  drainOpen(): { index: number; begin: DecodedRecord }[] {
    const out: { index: number; begin: DecodedRecord }[] = [];
    for (const [key, stack] of this.#open) {
      const index = Number(key.slice(0, key.indexOf('\u0000')));
      for (const begin of stack) out.push({ index, begin });
    }
    this.#open.clear();
    return out;
  }

  /**
   * The value a span's begin and end must share, as text: a value that does not fit its field
   * is its raw bits (in hex), so two different misfits never pair.
   */
  matchValue(span: SpanModel, r: DecodedRecord): string | undefined {
    if (span.match === undefined) return undefined;
    const f = this.#decoder.fields(r).find((x) => x.name === span.match);
    if (!f) return undefined;
    return f.issue ? f.text : String(f.value);
  }

  #key(span: SpanModel, r: DecodedRecord): string {
    const index = this.#decoder.model.spans.indexOf(span);
    return `${index}\u0000${r.cpu}\u0000${this.matchValue(span, r) ?? ''}`;
  }
}
