import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { appendRecord, imageBytes, Tracer } from '@tracegen/runtime';
import { runCli } from './helpers/run-cli.js';

const TMP = 'test/tmp/stats';
mkdirSync(TMP, { recursive: true });
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

// a schema with two spans: one matched by a field (syscalls, which nest), one by nearest end
const SCHEMA = join(TMP, 'spans.yaml');
writeFileSync(
  SCHEMA,
  `tracegen: 1
name: spans
clock: { unit: cycles, frequency: 1000000000 }
layout: { ring_size: 256, rings: 4 }
events:
  - { id: 0, name: enter, doc: d, fields: [{ name: nr, word: data0, type: u32, doc: d }] }
  - { id: 1, name: leave, doc: d, fields: [{ name: nr, word: data0, type: u32, doc: d }] }
  - { id: 2, name: lock, doc: d, fields: [] }
  - { id: 3, name: unlock, doc: d, fields: [] }
  - { id: 4, name: tick, doc: d, fields: [] }
spans:
  - { name: call, begin: enter, end: leave, match: nr, doc: d }
  - { name: held, begin: lock, end: unlock, doc: d }
`,
);
const LAYOUT = { ringSize: 256, rings: 4 };

interface Rec {
  ts: number;
  cpu: number;
  id: number;
  nr: number;
}

/** The pairing rule, written out plainly: each end takes the latest earlier open begin on its CPU with its value. */
function expected(records: Rec[]) {
  const sorted = [...records].sort((a, b) => a.ts - b.ts || a.cpu - b.cpu);
  const spans = [
    { begin: 0, end: 1, byValue: true },
    { begin: 2, end: 3, byValue: false },
  ];
  return spans.map((sp) => {
    const open: Rec[] = [];
    const durations: number[] = [];
    let unmatchedEnds = 0;
    for (const r of sorted) {
      if (r.id === sp.end) {
        let k = open.length - 1;
        while (k >= 0 && !(open[k]!.cpu === r.cpu && (!sp.byValue || open[k]!.nr === r.nr))) k--;
        if (k < 0) unmatchedEnds++;
        else durations.push(r.ts - open.splice(k, 1)[0]!.ts);
      }
      if (r.id === sp.begin) open.push(r);
    }
    durations.sort((a, b) => a - b);
    const rank = (p: number) => durations[Math.max(1, Math.ceil((p / 100) * durations.length)) - 1] ?? null;
    return {
      count: durations.length,
      unmatchedBegins: open.length,
      unmatchedEnds,
      min: durations[0] ?? null,
      p50: rank(50),
      p90: rank(90),
      p99: rank(99),
      max: durations.at(-1) ?? null,
    };
  });
}

/** The records as a kernel ring image: each CPU's ring in time order (a ring holds at most 256). */
function image(records: Rec[]): string {
  const bytes = new Uint8Array(imageBytes(LAYOUT));
  for (const r of [...records].sort((a, b) => a.ts - b.ts))
    appendRecord(bytes, LAYOUT, r.cpu, { timestamp: BigInt(r.ts), id: r.id, cpu: r.cpu, data0: BigInt(r.nr), data1: 0n });
  const path = join(TMP, `img-${Math.random().toString(36).slice(2)}.bin`);
  writeFileSync(path, bytes);
  return path;
}

async function stats(path: string) {
  const r = await runCli(['stats', path, '--schema', SCHEMA, '--format', 'json']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as {
    events: { name: string; id: number; count: number; perCpu: Record<string, number> }[];
    spans: Record<string, number | null>[];
    unit: string;
    total: number;
  };
}

describe('tracegen stats', () => {
  it('nested spans, interleaved CPUs, unmatched begins and ends: the figures of a plain recount', async () => {
    // cpu 0: enter 1 { enter 2 { lock { leave 2 } unlock } leave 1 }; cpu 1 interleaved, with a
    // leave that never began and an enter that never leaves; a lock never unlocked on cpu 2
    const records: Rec[] = [
      { ts: 100, cpu: 0, id: 0, nr: 1 },
      { ts: 105, cpu: 1, id: 0, nr: 1 },
      { ts: 110, cpu: 0, id: 0, nr: 2 },
      { ts: 115, cpu: 1, id: 1, nr: 7 },
      { ts: 120, cpu: 0, id: 2, nr: 0 },
      { ts: 125, cpu: 1, id: 1, nr: 1 },
      { ts: 130, cpu: 0, id: 1, nr: 2 },
      { ts: 140, cpu: 0, id: 3, nr: 0 },
      { ts: 150, cpu: 0, id: 1, nr: 1 },
      { ts: 160, cpu: 2, id: 2, nr: 0 },
      { ts: 170, cpu: 1, id: 0, nr: 9 },
      { ts: 180, cpu: 0, id: 4, nr: 0 },
    ];
    const s = await stats(image(records));
    const [call, held] = expected(records);
    expect(call).toEqual({ count: 3, unmatchedBegins: 1, unmatchedEnds: 1, min: 20, p50: 20, p90: 50, p99: 50, max: 50 });
    expect(held).toEqual({ count: 1, unmatchedBegins: 1, unmatchedEnds: 0, min: 20, p50: 20, p90: 20, p99: 20, max: 20 });
    expect(s.unit).toBe('ns');
    for (const [i, name] of ['call', 'held'].entries())
      expect(s.spans[i]).toMatchObject({
        name,
        ...[call, held][i],
        unmatched: [call, held][i]!.unmatchedBegins + [call, held][i]!.unmatchedEnds,
      });
    expect(s.spans[0]!['mean']).toBeCloseTo((20 + 20 + 50) / 3, 3);
    expect(s.events.map((e) => [e.name, e.count, e.perCpu])).toEqual([
      ['enter', 4, { 0: 2, 1: 2 }],
      ['leave', 4, { 0: 2, 1: 2 }],
      ['lock', 2, { 0: 1, 2: 1 }],
      ['unlock', 1, { 0: 1 }],
      ['tick', 1, { 0: 1 }],
    ]);
  });

  it('any records: counts and span figures equal a plain recount (200 random traces)', async () => {
    const rec = fc.record({
      ts: fc.integer({ min: 1, max: 1_000_000 }),
      cpu: fc.integer({ min: 0, max: 3 }),
      id: fc.integer({ min: 0, max: 4 }),
      nr: fc.integer({ min: 0, max: 3 }),
    });
    // distinct timestamps: the order of equal ones across CPUs is the merge's to choose
    const traces = fc.sample(fc.uniqueArray(rec, { selector: (r) => r.ts, minLength: 1, maxLength: 200 }), { numRuns: 200, seed: 7 });
    for (const records of traces) {
      const s = await stats(image(records));
      const want = expected(records);
      for (const i of [0, 1]) expect(s.spans[i]).toMatchObject(want[i]!);
      for (const e of s.events) expect(e.count).toBe(records.filter((r) => r.id === e.id).length);
      expect(s.total).toBe(records.length);
    }
  });

  it('text: aligned tables, the unit, a histogram per span', async () => {
    const path = image([
      { ts: 100, cpu: 0, id: 0, nr: 1 },
      { ts: 1100, cpu: 0, id: 1, nr: 1 },
      { ts: 2000, cpu: 1, id: 2, nr: 0 },
      { ts: 2004, cpu: 1, id: 3, nr: 0 },
    ]);
    const r = await runCli(['stats', path, '--schema', SCHEMA]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^span +count +unmatched +min +p50 +p90 +p99 +max +mean$/m);
    expect(r.stdout).toMatch(/^call +1 +0 begin, 0 end +1\.00us +1\.00us +1\.00us +1\.00us +1\.00us +1\.00us$/m);
    expect(r.stdout).toMatch(/^held +1 +0 begin, 0 end +4\.00ns/m);
    expect(r.stdout).toContain('(durations in ns; percentiles by nearest rank, exact)');
    expect(r.stdout).toMatch(/^call: durations \(ns, log scale\)\n +\[512ns, +1.02us\) +█+ +1$/m);
  });

  it('a kernel image: what each ring lost, by its write index', async () => {
    const r = await runCli(['stats', 'test/fixtures/veridian-seed/rings.bin', '--schema', 'schema/veridian.yaml', '--format', 'json']);
    expect(r.code).toBe(0);
    const whole = JSON.parse(r.stdout) as { total: number; lost: unknown[] };
    expect(whole.total).toBe(4833);
    expect(whole.lost).toEqual([{ ring: 1, overwritten: 1500, dropped: 0 }]);
  });

  it('a cut-off capture: the figures of what came before, one line, exit 1', async () => {
    const tracer = new Tracer({ layout: LAYOUT, eventName: () => 'x', schemaText: readFileSync(SCHEMA, 'utf8'), schemaHash: 'h' });
    tracer.enable();
    const chunks: Uint8Array[] = [];
    for (let round = 0; round < 4; round++) {
      for (let i = 0; i < 50; i++) tracer.write(i % 2, 3, 0, 0, 0);
      chunks.push(tracer.drain());
    }
    const bytes = Buffer.concat(chunks);
    const path = join(TMP, 'cut.trace');
    writeFileSync(path, bytes.subarray(0, bytes.length - 100));
    const r = await runCli(['stats', path, '--format', 'json']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^tracegen: .*cut off/);
    const s = JSON.parse(r.stdout) as { total: number; spans: { count: number }[] };
    expect(s.total).toBe(150 + 46);
    expect(s.spans[0]!.count).toBe(98);
    tracer.detach();
  });
});

describe('open spans are bounded; ends before their begins are no spans', () => {
  it('past the bound the oldest open begin is given up, counted unmatched, and handed to the consumer', async () => {
    const { SpanMatcher } = await import('../generator/trace/read/span-matcher.js');
    const { SchemaDecoder } = await import('../generator/trace/read/schema-decoder.js');
    const { loadSchemaFile } = await import('../generator/schema/load-schema.js');
    const matcher = new SpanMatcher(new SchemaDecoder(loadSchemaFile(SCHEMA).model!), 3);
    const dropped: number[] = [];
    matcher.dropped = (b) => dropped.push(b.tsLo);
    const rec = (ts: number, id: number, nr: number) => ({
      tsHi: 0,
      tsLo: ts,
      id,
      cpu: 0,
      ring: 0,
      d0lo: nr,
      d0hi: 0,
      d1lo: 0,
      d1hi: 0,
      args: 0,
    });
    const spans: [number, number][] = [];
    const push = (ts: number, id: number, nr: number) => matcher.push(rec(ts, id, nr), (m) => spans.push([m.begin.tsLo, m.end.tsLo]));
    // nr 1 opens twice, then 2, 3 and 4: the two oldest (10 and 20, both nr 1) are given up
    for (const [ts, nr] of [
      [10, 1],
      [20, 1],
      [30, 2],
      [40, 3],
      [50, 4],
    ] as const)
      push(ts, 0, nr);
    expect(dropped).toEqual([10, 20]);
    expect(matcher.evicted).toEqual([2, 0]);
    push(60, 1, 1); // its begins were given up: unmatched
    push(70, 1, 3);
    expect(spans).toEqual([[40, 70]]);
    expect(matcher.unmatchedEnds).toEqual([1, 0]);
    expect(matcher.drainOpen()).toEqual([2, 0]);
  });

  it('an end earlier than its begin (a ring whose clock went backwards) is noted, not a span of 0', async () => {
    const { CHUNK_HEADER_BYTES, encodeHeader, writeChunkHeader } = await import('@tracegen/runtime');
    const { loadSchemaFile } = await import('../generator/schema/load-schema.js');
    const model = loadSchemaFile(SCHEMA).model!;
    const header = encodeHeader({
      layout: LAYOUT,
      clock: 'cycles',
      frequency: 1e9,
      wallClockZeroMs: 0,
      schemaHash: model.hash,
      schemaText: model.text,
    });
    // ring 0: enter 1 at 200, leave 1 at 150 (backwards), enter 2 at 300, leave 2 at 340
    const recs = [
      [200, 0, 1],
      [150, 1, 1],
      [300, 0, 2],
      [340, 1, 2],
    ];
    const chunk = new Uint8Array(CHUNK_HEADER_BYTES + recs.length * 32);
    writeChunkHeader(chunk, 0, { ring: 0, count: recs.length, firstIndex: 0, overwritten: 0, dropped: 0 });
    const view = new DataView(chunk.buffer);
    recs.forEach(([ts, id, nr], i) => {
      view.setBigUint64(CHUNK_HEADER_BYTES + i * 32, BigInt(ts!), true);
      view.setUint8(CHUNK_HEADER_BYTES + i * 32 + 8, id!);
      view.setUint32(CHUNK_HEADER_BYTES + i * 32 + 16, nr!, true);
    });
    const path = join(TMP, 'backwards.trace');
    writeFileSync(path, Buffer.concat([header, chunk]));
    const json = await runCli(['stats', path, '--format', 'json']);
    const call = (JSON.parse(json.stdout) as { spans: Record<string, unknown>[] }).spans[0]!;
    expect(call).toMatchObject({ name: 'call', count: 1, min: 40, max: 40, backwards: 1, unmatched: 0 });
    const text = await runCli(['stats', path]);
    expect(text.stdout).toContain('note: span call: 1 ends came before their begins (the clock went backwards): not counted as spans');
  });
});
