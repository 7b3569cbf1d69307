import { TWO_32 } from '@tracegen/runtime';
import type { View, ViewStart } from '../read/view.js';
import { u64Big, type DecodedRecord } from '../read/record.js';
import type { SchemaDecoder } from '../read/schema-decoder.js';
import { SpanMatcher, type MatchedSpan } from '../read/span-matcher.js';
import { Durations } from './durations.js';
import { FlowChains } from './flow-chains.js';
import { Flows } from '../read/flows.js';
import type { EventModel, FieldModel } from '../../schema/model/model.js';

/** A counter field's figures while the records pass. */
interface CounterSum {
  readonly event: EventModel;
  readonly field: FieldModel;
  count: number;
  min: number;
  max: number;
  sum: number;
  last: number;
  lastTs: number;
}

/** The percentiles `stats` reports (nearest rank). */
export const PERCENTILES = [50, 90, 99] as const;

/** A record's timestamp as a number (exact below 2^53 counts). */
export const tsOf = (r: DecodedRecord): number => r.tsHi * TWO_32 + r.tsLo;

/** What `stats` and the report say about one event type. */
export interface EventStats {
  readonly name: string;
  /** Undefined for ids the schema does not define. */
  readonly id: number;
  readonly count: number;
  readonly perCpu: ReadonlyMap<number, number>;
}

/** Durations' figures, in `unit` (undefined when there are none). */
export interface DurationFigures {
  readonly min: number | undefined;
  readonly p50: number | undefined;
  readonly p90: number | undefined;
  readonly p99: number | undefined;
  readonly max: number | undefined;
  readonly mean: number | undefined;
}

/** The figures of `d`, each multiplied by `scale` (ns per count, or 1). */
function figuresOf(d: Durations, scale: number): DurationFigures {
  const [p50, p90, p99] = d.percentiles(PERCENTILES)?.map((v) => v * scale) ?? [];
  return {
    min: d.count ? d.min * scale : undefined,
    p50,
    p90,
    p99,
    max: d.count ? d.max * scale : undefined,
    mean: d.count ? (d.sum / d.count) * scale : undefined,
  };
}

/** What `stats` says about one span of the schema; durations in `unit`. */
export interface SpanStats extends DurationFigures {
  readonly name: string;
  readonly count: number;
  /** Begins that never ended, those given up past the bound of open begins (`evicted`) included. */
  readonly unmatchedBegins: number;
  readonly unmatchedEnds: number;
  /** Begins given up because more than MAX_OPEN_SPANS waited at once (span-matcher.ts). */
  readonly evicted: number;
  /** Ends earlier than their begins (a clock that went backwards): neither spans nor durations of 0. */
  readonly backwards: number;
  /** False once more durations came than are kept: percentiles are then within 0.4%. */
  readonly exact: boolean;
  /** Durations per power of two of `unit` (k holds [2^k, 2^(k+1))), for histograms. */
  readonly log2: ReadonlyMap<number, number>;
}

/** What `stats` says about one counter field (a quantity over time) of one event. */
export interface CounterStats {
  readonly event: string;
  readonly field: string;
  /** Values read (a value that does not fit its field is none). */
  readonly count: number;
  readonly min: number | undefined;
  readonly max: number | undefined;
  readonly mean: number | undefined;
  /** The value of the latest record. */
  readonly last: number | undefined;
  readonly unit: string | undefined;
}

/** What `stats` says about one flow (fields `flow: true` of one name); end-to-end times in `unit`. */
export interface FlowStats extends DurationFigures {
  readonly name: string;
  /** Ids seen, each a chain; of those, the ones of two records or more. */
  readonly chains: number;
  readonly linked: number;
  /** Records that took part. */
  readonly records: number;
  /** Chains taken as ended early: more than MAX_CHAINS were followed at once (flow-chains.ts). */
  readonly evicted: number;
}

export interface TraceStats {
  readonly schema: string;
  readonly clockUnit: string;
  /** Hz, or 0 when unknown. */
  readonly frequency: number;
  /** `ns` when the frequency is known (or the clock counts ns), else the clock's own unit. */
  readonly unit: string;
  readonly events: number;
  /** First and last timestamp in clock counts, undefined for an empty trace. */
  readonly first: bigint | undefined;
  readonly last: bigint | undefined;
  readonly byEvent: readonly EventStats[];
  readonly spans: readonly SpanStats[];
  readonly counters: readonly CounterStats[];
  readonly flows: readonly FlowStats[];
  /** The rings their threads named, by ring. */
  readonly threads: readonly { readonly ring: number; readonly name: string }[];
  readonly lost: readonly { readonly ring: number; readonly overwritten: number; readonly dropped: number }[];
}

/**
 * Counts events per type and CPU and pairs spans as records stream past (a `View`
 * of the reader): memory grows with the number of event types, CPUs and open spans,
 * and with each span's durations only up to a fixed bound (durations.ts).
 */
export class StatsCollector implements View {
  #decoder: SchemaDecoder | undefined;
  #frequency = 0;
  #matcher: SpanMatcher | undefined;
  #durations: Durations[] = [];
  #flows: FlowChains | undefined;
  /** Per event id and CPU (id * 256 + cpu), how many: two array accesses per record, no map. */
  readonly #counts = new Float64Array(256 * 256);
  #events = 0;
  #first = Number.POSITIVE_INFINITY;
  #last = Number.NEGATIVE_INFINITY;
  #firstRecord: DecodedRecord | undefined;
  #lastRecord: DecodedRecord | undefined;
  readonly #onSpan: ((m: MatchedSpan) => void) | undefined;

  /** `onSpan` also receives each matched span (the report draws them). */
  constructor(onSpan?: (m: MatchedSpan) => void) {
    this.#onSpan = onSpan;
  }

  start({ decoder, frequency }: ViewStart): void {
    this.#decoder = decoder;
    this.#frequency = frequency;
    this.#matcher = new SpanMatcher(decoder);
    this.#durations = decoder.model.spans.map(() => new Durations());
    const flows = new Flows(decoder.model);
    if (flows.names.length) this.#flows = new FlowChains(flows);
    for (const e of decoder.model.events) {
      const fields = e.fields.filter((f) => f.counter);
      if (fields.length)
        this.#counters[e.id] = fields.map((field) => ({ event: e, field, count: 0, min: 0, max: 0, sum: 0, last: 0, lastTs: -1 }));
    }
  }

  /** Per event id, its counter fields and what they held so far. */
  readonly #counters: (CounterSum[] | undefined)[] = new Array(256);

  end(): void {}

  readonly #names = new Map<number, string>();

  ringName(ring: number, name: string): void {
    if (name) this.#names.set(ring, name);
    else this.#names.delete(ring);
  }

  record(r: DecodedRecord): void {
    this.#events++;
    this.#counts[r.id * 256 + r.cpu]!++;
    // compared as numbers; the exact 64-bit values are taken from the records kept
    const ts = tsOf(r);
    if (ts < this.#first) {
      this.#first = ts;
      this.#firstRecord = r;
    }
    if (ts > this.#last) {
      this.#last = ts;
      this.#lastRecord = r;
    }
    const counters = r.id >= 0 ? this.#counters[r.id] : undefined;
    if (counters) for (const c of counters) this.#count(c, r, ts);
    this.#flows?.record(r, ts);
    const matcher = this.#matcher!;
    if (matcher.involves(r.id))
      matcher.push(r, (m) => {
        this.#durations[m.index]!.add(tsOf(m.end) - tsOf(m.begin));
        this.#onSpan?.(m);
      });
  }

  #count(c: CounterSum, r: DecodedRecord, ts: number): void {
    const f = this.#decoder!.field(r, c.field);
    if (f.issue !== undefined) return;
    const v = Number(f.value);
    if (c.count === 0 || v < c.min) c.min = v;
    if (c.count === 0 || v > c.max) c.max = v;
    c.count++;
    c.sum += v;
    // the latest by time (records come in time order, or ring by ring)
    if (ts >= c.lastTs) {
      c.last = v;
      c.lastTs = ts;
    }
  }

  /** The figures, once every record has passed; `lost` is the decode's per-ring loss. */
  result(lost: ReadonlyMap<number, { readonly overwritten: number; readonly dropped: number }>): TraceStats {
    const decoder = this.#decoder;
    const model = decoder?.model;
    const ns = this.#frequency > 0;
    const scale = ns ? 1e9 / this.#frequency : 1;
    const open = this.#matcher?.drainOpen() ?? [];
    const spans = (model?.spans ?? []).map((span, i): SpanStats => {
      const d = this.#durations[i]!;
      const log2 = new Map<number, number>();
      // the histogram in the unit shown: re-bucket by the scaled durations' powers of two
      for (const [k, n] of d.log2Counts()) {
        const scaled = k < 0 ? -1 : Math.floor(Math.log2(2 ** k * scale));
        log2.set(scaled, (log2.get(scaled) ?? 0) + n);
      }
      return {
        name: span.names.snake,
        count: d.count,
        unmatchedBegins: (open[i] ?? 0) + (this.#matcher?.evicted[i] ?? 0),
        unmatchedEnds: this.#matcher?.unmatchedEnds[i] ?? 0,
        evicted: this.#matcher?.evicted[i] ?? 0,
        backwards: this.#matcher?.backwards[i] ?? 0,
        ...figuresOf(d, scale),
        exact: d.exact,
        log2,
      };
    });
    const byEvent: EventStats[] = [];
    for (let id = 0; id < 256; id++) {
      const perCpu = new Map<number, number>();
      for (let cpu = 0; cpu < 256; cpu++) if (this.#counts[id * 256 + cpu]) perCpu.set(cpu, this.#counts[id * 256 + cpu]!);
      if (perCpu.size)
        byEvent.push({
          name: decoder?.event(id)?.names.snake ?? `unknown(${id})`,
          id,
          count: [...perCpu.values()].reduce((a, b) => a + b, 0),
          perCpu,
        });
    }
    const exact = (r: DecodedRecord | undefined) => (r === undefined ? undefined : u64Big(r.tsHi, r.tsLo));
    return {
      schema: model?.name ?? '',
      clockUnit: model?.clock.unit ?? '',
      frequency: this.#frequency,
      unit: ns || model?.clock.unit === 'ns' ? 'ns' : (model?.clock.unit ?? ''),
      events: this.#events,
      first: exact(this.#firstRecord),
      last: exact(this.#lastRecord),
      byEvent,
      spans,
      counters: this.#counters.flatMap((list) =>
        (list ?? []).map((c) => ({
          event: c.event.names.snake,
          field: c.field.names.snake,
          count: c.count,
          min: c.count ? c.min : undefined,
          max: c.count ? c.max : undefined,
          mean: c.count ? c.sum / c.count : undefined,
          last: c.count ? c.last : undefined,
          unit: c.field.unit,
        })),
      ),
      flows: (this.#flows?.result() ?? []).map((f) => ({
        name: f.name,
        chains: f.chains,
        linked: f.linked,
        records: f.records,
        evicted: f.evicted,
        ...figuresOf(f.durations, scale),
      })),
      threads: [...this.#names].sort(([a], [b]) => a - b).map(([ring, name]) => ({ ring, name })),
      lost: [...lost].sort(([a], [b]) => a - b).map(([ring, l]) => ({ ring, overwritten: l.overwritten, dropped: l.dropped })),
    };
  }
}
