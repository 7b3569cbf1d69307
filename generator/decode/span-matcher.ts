import type { DecodedRecord } from './record.js';
import type { SchemaDecoder } from './schema-decoder.js';
import type { EventModel, FieldModel, SpanModel } from '../model/model.js';

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

/**
 * Pairs the schema's span begins and ends, the one rule every consumer (stats, the report,
 * Chrome JSON, query's spans) shares: a begin and an end pair on the same CPU and, for a span
 * with `match`, with the same value of that field (a value that does not fit its field pairs
 * by its raw bits, so two different misfits never pair); of several open begins that qualify,
 * the most recent (spans nest). An end with no open begin is unmatched; so is a begin still
 * open at the end.
 */
export class SpanMatcher {
  readonly #decoder: SchemaDecoder;
  readonly #byBegin = new Map<number, Role[]>();
  readonly #byEnd = new Map<number, Role[]>();
  /** Per span, CPU and match value, a stack of open begins. */
  readonly #open = new Map<string, DecodedRecord[]>();
  /** Per span index, ends that found no begin. */
  readonly unmatchedEnds: number[];

  constructor(decoder: SchemaDecoder) {
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
      const begin = this.#open.get(key(index, r.cpu, match))?.pop();
      if (!begin) {
        this.unmatchedEnds[index]!++;
        continue;
      }
      matched({ span, index, begin, end: r, match });
      consumed = true;
    }
    for (const { index, field } of this.#byBegin.get(r.id) ?? []) {
      const k = key(index, r.cpu, this.#match(field, r));
      const stack = this.#open.get(k);
      if (stack) stack.push(r);
      else this.#open.set(k, [r]);
      consumed = true;
    }
    return consumed;
  }

  /** The begins still open, per span index; clears them. */
  drainOpen(): { index: number; begin: DecodedRecord }[] {
    const out: { index: number; begin: DecodedRecord }[] = [];
    for (const [k, stack] of this.#open) {
      const index = Number(k.slice(0, k.indexOf('\u0000')));
      for (const begin of stack) out.push({ index, begin });
    }
    this.#open.clear();
    return out;
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
