import type { DecodedRecord } from './record.js';
import type { SchemaDecoder } from './schema-decoder.js';

/** What the input says of its clock beyond the frequency. */
export interface ClockOrigin {
  /** What it counts: a trace file's clock (`ns`, `sequence`, ...), else the schema's unit. */
  readonly unit: string;
  /** Wall-clock time of timestamp 0 in ms since the Unix epoch, when the input says (a runtime trace file); else 0. */
  readonly wallClockZeroMs: number;
}

/** What a view knows before the first record: the schema, the clock and the input's name. */
export interface ViewStart {
  readonly decoder: SchemaDecoder;
  /** Counts per second: `--frequency`, the trace file's, or the schema's; 0 when not known. */
  readonly frequency: number;
  readonly clock: ClockOrigin;
  readonly inputName: string;
}

/** Where one run of a capture several runs were appended to begins. */
export interface RunBoundary {
  /** 1 = the first. */
  readonly run: number;
  /** The run's id from its header, 0 when it has none. */
  readonly runId: number;
  /** Wall-clock time of its timestamp 0 in ms since the Unix epoch; 0 when not known. */
  readonly wallClockZeroMs: number;
  readonly inputName: string;
}

/** What the reader knows once the records are through (for views that print a whole input). */
export interface ReadEnd {
  /** Records the rings ever held (their write indexes), where the input tells; else the records read. */
  readonly total: number;
  /** How many of each ring's last records were kept (`--last`, a serial dump's count, or a ring's size). */
  readonly lastCount: number | undefined;
}

/**
 * A consumer of the reader's records: every output of a trace (the table, jsonl, dump, Chrome
 * JSON, stats, the report, CTF, Parquet, query, the API) is one. The reader calls `start` once
 * the schema is known, then `record` (or `recordAt`) for each record that passes the filters, in
 * the order asked, and `end` once; `end` is called on damaged input too, after the records before
 * the damage, so that what a view wrote is whole.
 */
export interface View {
  start(start: ViewStart): void;
  record(r: DecodedRecord): void;
  /**
   * The record at byte `o` of `view`, read from a trace file's chunk: a view that writes bytes
   * takes it without a record object (the hot path of a large capture). Without it, `record`.
   */
  recordAt?(view: DataView, o: number, ring: number): void;
  /**
   * A ring's name, as its thread gave it (a trace file's names; '' when it was cleared), before
   * the records read after it. Views show it as the ring's thread or track.
   */
  ringName?(ring: number, name: string): void;
  /** A ring's losses so far (overwritten plus dropped), before the records read after them. */
  lost?(ring: number, total: number): void;
  /**
   * Another run of the input begins: the records before it are all through. A view without it
   * takes one run at a time: the reader stops with an option error naming `--run`.
   */
  run?(boundary: RunBoundary): void;
  end(end: ReadEnd): void;
  /**
   * The records of the whole input at once, ring by ring: by default each ring's last records,
   * as many as the kernel's `dump_trace` prints (`dump`). Otherwise every record, as asked.
   */
  readonly wholeRings?: boolean;
}

/**
 * One view that hands everything to each of `views` in turn (the report: its stats and its
 * timeline from one read).
 */
export function allOf(...views: View[]): View {
  return {
    start: (s) => {
      for (const v of views) v.start(s);
    },
    record: (r) => {
      for (const v of views) v.record(r);
    },
    lost: (ring, total) => {
      for (const v of views) v.lost?.(ring, total);
    },
    ringName: (ring, name) => {
      for (const v of views) v.ringName?.(ring, name);
    },
    end: (e) => {
      for (const v of views) v.end(e);
    },
  };
}
