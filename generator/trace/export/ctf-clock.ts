import { OutputLimitError } from '../read/errors.js';

/** Frequency written when the clock's is unknown: counts then read as nanoseconds. */
export const ASSUMED_FREQUENCY = 1_000_000_000;
/**
 * CTF readers (babeltrace2) hold a time as signed 64-bit nanoseconds from the clock's origin;
 * babeltrace2 2.0 refuses a stream holding INT64_MAX itself, so the last time is one before.
 */
const MAX_NS = 2n ** 63n - 2n;
/** The largest multiplier tried to make a fractional frequency whole. */
const MAX_SCALE = 1_000_000;

/**
 * The clock of a CTF export, in what CTF 1.8 can say exactly: a whole `freq`, and the trace's
 * timestamps multiplied by `scale` when its frequency is not whole (1.5 Hz: freq 3, timestamps
 * doubled), so that readers compute the times decode does. `offsetS` and `offsetCounts` place a
 * runtime trace's zero in wall-clock time. `maxTs` is the largest timestamp (before scaling)
 * whose time readers can still hold.
 */
export interface CtfClock {
  readonly known: boolean;
  readonly freq: number;
  readonly scale: number;
  readonly offsetS: number;
  readonly offsetCounts: number;
  readonly maxTs: bigint;
}

/**
 * Plans the clock for a trace's frequency (0: unknown) and wall-clock zero (ms since the epoch,
 * 0: none); what no CTF reader could read throws `OutputLimitError` (one line, exit 1), never
 * metadata that babeltrace2 refuses.
 *
 * @example
 * ctfClock(1.5, 0); // { freq: 3, scale: 2, ... }
 */
export function ctfClock(frequency: number, wallClockZeroMs: number): CtfClock {
  const known = frequency > 0;
  let scale = 1;
  if (known) {
    while (!Number.isInteger(frequency * scale) && scale <= MAX_SCALE) scale++;
    if (scale > MAX_SCALE || frequency * scale > Number.MAX_SAFE_INTEGER)
      throw new OutputLimitError(`a clock of ${frequency} Hz cannot be written exactly as a CTF clock (a whole number of Hz)`);
  }
  const freq = known ? frequency * scale : ASSUMED_FREQUENCY;
  const zero = known ? wallClockZeroMs : 0;
  // the origin itself, in nanoseconds, must be a time readers can hold
  if (!(zero >= 0 && zero * 1e6 < Number(MAX_NS)))
    throw new OutputLimitError(
      `the trace's wall clock (${zero} ms since 1970) is past what CTF readers can hold (2^63 ns); the trace header is damaged`,
    );
  const offsetS = Math.floor(zero / 1000);
  const offsetCounts = Math.round(((zero - offsetS * 1000) / 1000) * freq);
  const offsetNs = BigInt(offsetS) * 1_000_000_000n + (BigInt(offsetCounts) * 1_000_000_000n) / BigInt(freq);
  const maxCycles = ((MAX_NS - offsetNs) * BigInt(freq)) / 1_000_000_000n;
  return { known, freq, scale, offsetS, offsetCounts, maxTs: maxCycles / BigInt(scale) };
}
