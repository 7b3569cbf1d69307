import type { SpanModel } from '../model/model.js';
import { u64Big, type DecodedRecord } from './record.js';
import { issuesOf, type SchemaDecoder } from './schema-decoder.js';

/**
 * `--format chrome`: Chrome trace event JSON, which ui.perfetto.dev and chrome://tracing open.
 * Each CPU (ring) is a thread of one process. The schema's spans become complete events ("X",
 * with a duration) from a begin to the matching end on the same CPU; every other event, and a
 * begin that never ends, is an instant ("i"). Timestamps are microseconds: counts divided by
 * the clock frequency, or counts taken as nanoseconds when the frequency is unknown.
 */
export class ChromeWriter {
  readonly #decoder: SchemaDecoder;
  readonly #write: (text: string) => void;
  readonly #usPerCount: number;
  readonly #byBegin = new Map<number, SpanModel[]>();
  readonly #byEnd = new Map<number, SpanModel[]>();
  /** Open spans: per CPU and span, a stack of begins by match value. */
  readonly #open = new Map<string, DecodedRecord[]>();
  readonly #threads = new Set<number>();
  #first = true;

  constructor(decoder: SchemaDecoder, frequency: number, write: (text: string) => void) {
    this.#decoder = decoder;
    this.#write = write;
    this.#usPerCount = frequency > 0 ? 1e6 / frequency : 1e-3;
    for (const span of decoder.model.spans) {
      this.#byBegin.set(span.begin.id, [...(this.#byBegin.get(span.begin.id) ?? []), span]);
      this.#byEnd.set(span.end.id, [...(this.#byEnd.get(span.end.id) ?? []), span]);
    }
    write('{"displayTimeUnit":"ns","traceEvents":[\n');
    this.#event({ name: 'process_name', ph: 'M', pid: 1, tid: 0, args: { name: decoder.model.name } });
  }

  record(r: DecodedRecord): void {
    if (!this.#threads.has(r.cpu)) {
      this.#threads.add(r.cpu);
      this.#event({ name: 'thread_name', ph: 'M', pid: 1, tid: r.cpu, args: { name: `cpu ${r.cpu}` } });
    }
    let consumed = false;
    for (const span of this.#byEnd.get(r.id) ?? []) {
      const stack = this.#open.get(this.#key(span, r));
      const begin = stack?.pop();
      if (!begin) continue;
      const ts = this.#us(begin);
      this.#event({
        name: span.names.snake,
        cat: 'span',
        ph: 'X',
        ts,
        dur: Math.max(0, Math.round((this.#us(r) - ts) * 1000) / 1000),
        pid: 1,
        tid: r.cpu,
        args: { begin: this.#args(begin), end: this.#args(r) },
      });
      consumed = true;
    }
    for (const span of this.#byBegin.get(r.id) ?? []) {
      const key = this.#key(span, r);
      const stack = this.#open.get(key) ?? [];
      stack.push(r);
      this.#open.set(key, stack);
      consumed = true;
    }
    if (!consumed) this.#instant(r);
  }

  /** Closes the JSON; begins that never ended are written as instants. */
  end(): void {
    for (const stack of this.#open.values()) for (const r of stack) this.#instant(r);
    this.#open.clear();
    this.#write('\n]}\n');
  }

  #instant(r: DecodedRecord): void {
    this.#event({ name: this.#decoder.nameOf(r), cat: 'event', ph: 'i', s: 't', ts: this.#us(r), pid: 1, tid: r.cpu, args: this.#args(r) });
  }

  #key(span: SpanModel, r: DecodedRecord): string {
    const match = span.match === undefined ? '' : String(this.#decoder.fields(r).find((f) => f.name === span.match)?.value ?? '');
    return `${span.names.snake}\u0000${r.cpu}\u0000${match}`;
  }

  /** Microseconds, kept to the nanosecond. */
  #us(r: DecodedRecord): number {
    return Math.round(Number(u64Big(r.tsHi, r.tsLo)) * this.#usPerCount * 1000) / 1000;
  }

  #args(r: DecodedRecord): Record<string, number | boolean | string> {
    const args: Record<string, number | boolean | string> = {};
    for (const f of this.#decoder.fields(r)) {
      const v = f.value;
      const plain = (typeof v === 'number' || typeof v === 'bigint') && f.text === String(v) && Number.isSafeInteger(Number(v));
      args[f.name] = typeof v === 'boolean' ? v : plain ? Number(v) : f.text;
    }
    const issues = issuesOf(this.#decoder.fields(r));
    if (issues.length) args['issues'] = issues.map((i) => `${i.field}: ${i.message}`).join('; ');
    if (!this.#decoder.event(r.id)) {
      args['id'] = r.id;
      args['data0'] = `0x${u64Big(r.d0hi, r.d0lo).toString(16)}`;
      args['data1'] = `0x${u64Big(r.d1hi, r.d1lo).toString(16)}`;
    }
    return args;
  }

  #event(e: object): void {
    this.#write((this.#first ? '' : ',\n') + JSON.stringify(e));
    this.#first = false;
  }
}
