/** The report's bounded timeline: past its limit, the first record of each CPU and event per slice of the range. */
import { describe, expect, it } from 'vitest';
import { SchemaDecoder } from '../generator/trace/read/schema-decoder.js';
import { loadSchemaFile } from '../generator/schema/load-schema.js';
import { REPORT_BUCKETS, ReportColumns } from '../generator/trace/report/report-data.js';

const decoder = new SchemaDecoder(loadSchemaFile('schema/veridian.yaml').model!);
const rec = (ts: number, cpu: number, id: number) => ({
  tsHi: Math.floor(ts / 2 ** 32),
  tsLo: ts >>> 0,
  id,
  cpu,
  ring: cpu,
  d0lo: ts >>> 0,
  d0hi: 0,
  d1lo: 0,
  d1hi: 0,
  args: 0,
});

describe('ReportColumns', () => {
  it('keeps everything up to its limit', () => {
    const c = new ReportColumns({ limit: 100 });
    c.start({ decoder, frequency: 0, clock: { unit: 'ns', wallClockZeroMs: 0 }, inputName: 'test' });
    for (let i = 0; i < 100; i++) c.record(rec(i, 0, 2));
    expect([c.count, c.kept, c.bucketed]).toEqual([100, 100, undefined]);
  });

  it('past it: the first record of each CPU and event per slice, slices doubling as the range grows', () => {
    const c = new ReportColumns({ limit: 10 });
    c.start({ decoder, frequency: 0, clock: { unit: 'ns', wallClockZeroMs: 0 }, inputName: 'test' });
    // two CPUs, two events, one record per count unit for 4 x REPORT_BUCKETS units
    const span = 4 * REPORT_BUCKETS;
    for (let t = 0; t < span; t++) c.record(rec(t, t % 2, 2 + ((t >> 1) % 2)));
    expect(c.count).toBe(span);
    const b = c.bucketed!;
    expect(b.buckets).toBe(REPORT_BUCKETS);
    // each (cpu, event) pair has a record in every slice the range covers: 4 rows x slices in use
    const slices = Math.ceil(span / b.width);
    expect(c.kept).toBe(4 * slices);
    expect(c.kept).toBeLessThanOrEqual(4 * REPORT_BUCKETS);
  });
});
