import { SpanMatcher } from '../read/span-matcher.js';
import { u64Big, type DecodedRecord } from '../read/record.js';
import { issuesOf, type SchemaDecoder } from '../read/schema-decoder.js';

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * `--format chrome`: Chrome trace event JSON, which ui.perfetto.dev and chrome://tracing open.
 * Each CPU (ring) is a thread of one process. The schema's spans become complete events ("X",
 * with a duration) from a begin to the matching end on the same CPU; every other event, and a
 * begin that never ends, is an instant ("i"). Timestamps are microseconds: counts divided by
 * the clock frequency, or counts taken as nanoseconds when the frequency is unknown (as
 * `otherData` says).
 */
export class ChromeWriter {
  readonly #decoder: SchemaDecoder;
  readonly #write: (text: string) => void;
  readonly #usPerCount: number;
  readonly #spans: SpanMatcher;
  readonly #threads = new Set<number>();
  #first = true;

  constructor(decoder: SchemaDecoder, frequency: number, write: (text: string) => void) {
    this.#decoder = decoder;
    this.#write = write;
    this.#usPerCount = frequency > 0 ? 1e6 / frequency : 1e-3;
    this.#spans = new SpanMatcher(decoder);
    // begins the matcher gives up are still records: instants
    this.#spans.dropped = (begin) => this.#instant(begin);
    const clock = decoder.model.clock.unit;
    const other = {
      schema: decoder.model.name,
      clock,
      frequency_hz: frequency > 0 ? frequency : null,
      timestamps: frequency > 0 ? 'microseconds' : `${clock} shown as nanoseconds (the frequency is not known)`,
    };
    write(`{"displayTimeUnit":"ns","otherData":${JSON.stringify(other)},"traceEvents":[\n`);
    this.#event({ name: 'process_name', ph: 'M', pid: 1, tid: 0, args: { name: decoder.model.name } });
  }

  record(r: DecodedRecord): void {
    if (!this.#threads.has(r.cpu)) {
      this.#threads.add(r.cpu);
      this.#event({ name: 'thread_name', ph: 'M', pid: 1, tid: r.cpu, args: { name: `cpu ${r.cpu}` } });
    }
    const consumed = this.#spans.push(r, ({ span, begin, end }) => {
      const ts = this.#us(begin);
      this.#event({
        name: span.names.snake,
        cat: 'span',
        ph: 'X',
        ts,
        dur: Math.max(0, Math.round((this.#us(end) - ts) * 1000) / 1000),
        pid: 1,
        tid: end.cpu,
        args: { begin: this.#args(begin), end: this.#args(end) },
      });
    });
    if (!consumed) this.#instant(r);
  }

  /** Closes the JSON; begins that never ended are written as instants. */
  end(): void {
    this.#spans.drainOpen((_, begin) => this.#instant(begin));
    this.#write('\n]}\n');
  }

  #instant(r: DecodedRecord): void {
    this.#event({ name: this.#decoder.nameOf(r), cat: 'event', ph: 'i', s: 't', ts: this.#us(r), pid: 1, tid: r.cpu, args: this.#args(r) });
  }

  /** Microseconds, kept to the nanosecond. */
  #us(r: DecodedRecord): number {
    return Math.round(Number(u64Big(r.tsHi, r.tsLo)) * this.#usPerCount * 1000) / 1000;
  }

  /**
   * A record's fields as args: numbers as numbers while they are exact (the display format is
   * for text, not for a viewer that shows numbers), enums and flags by name, bigger values as
   * text; a field's unit beside it as `<field>_unit`.
   */
  #args(r: DecodedRecord): Record<string, number | boolean | string> {
    const args: Record<string, number | boolean | string> = {};
    const event = this.#decoder.event(r.id);
    const fields = this.#decoder.fields(r);
    fields.forEach((f, i) => {
      const v = f.value;
      const exact = typeof v === 'number' ? Number.isSafeInteger(v) : typeof v === 'bigint' && v >= -MAX_SAFE && v <= MAX_SAFE;
      const unit = event?.fields[i]?.unit;
      // past 2^53 the display text (hex where the schema says), without the unit that follows
      args[f.name] = typeof v === 'boolean' ? v : exact ? Number(v) : typeof v === 'string' || f.issue || !unit ? f.text : String(v);
      if (unit) args[`${f.name}_unit`] = unit;
    });
    const issues = issuesOf(fields);
    if (issues.length) args['issues'] = issues.map((i) => `${i.field}: ${i.message}`).join('; ');
    if (!event) {
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
