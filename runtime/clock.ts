/**
 * Timestamps. Every thread stamps records on one timeline: nanoseconds since the creating
 * thread's `performance.timeOrigin`. A worker's own `performance.now()` counts from its own
 * origin, so each thread adds the difference between the two origins once, at attach time.
 *
 * `sequence` is the cheaper option: a counter shared by all threads, advanced atomically per
 * event. It orders events totally but does not measure time.
 */
export type ClockKind = 'ns' | 'sequence';

/** Clock kinds as the trace file numbers them (the schema's units follow). */
export const CLOCK_CODES = { ns: 0, sequence: 1, cycles: 2, ticks: 3 } as const;
export type ClockUnitName = keyof typeof CLOCK_CODES;

export function clockName(code: number): ClockUnitName | 'unknown' {
  for (const [name, c] of Object.entries(CLOCK_CODES)) if (c === code) return name as ClockUnitName;
  return 'unknown';
}
