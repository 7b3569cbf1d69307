/**
 * `export --format perfetto`: decoded against Perfetto's message definitions (helpers/perfetto.ts),
 * every record is there with the values decode gives, spans are slices that nest on their tracks
 * (thread spans on their thread, process spans on async tracks), counters are counter tracks,
 * and the file is a fraction of the Chrome JSON of the same records.
 */
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSchemaFile } from '../generator/schema/load-schema.js';
import { decodeJsonlHere, makePoolCapture, makeSpanCapture } from './helpers/decoded.js';
import { type PerfettoTrace, readPerfetto, slicesOf } from './helpers/perfetto.js';
import { ringImage } from './helpers/ring-image.js';
import { runCli } from './helpers/run-cli.js';

const TMP = 'test/tmp/export-perfetto';
const KERNEL = 'test/fixtures/veridian-seed/rings.bin';
const SCHEMA = 'schema/veridian.yaml';
const POOL = join(TMP, 'pool.trace');
const SPANS = join(TMP, 'spans.trace');

beforeAll(() => {
  rmSync(TMP, { recursive: true, force: true });
  mkdirSync(TMP, { recursive: true });
  makePoolCapture(POOL);
  makeSpanCapture(SPANS, 20_000);
});
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

async function exportPerfetto(input: string, extra: readonly string[] = []): Promise<PerfettoTrace> {
  const out = join(TMP, `${input.replace(/\W/g, '_')}.pftrace`);
  const r = await runCli(['export', input, '--format', 'perfetto', '-o', out, ...extra]);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stderr).toMatch(/^wrote .* events, Perfetto\)\n$/);
  return readPerfetto(out);
}

/** Chrome JSON's events for the same input: the reference for spans. */
async function chrome(input: string, extra: readonly string[] = []): Promise<Record<string, unknown>[]> {
  const r = await runCli(['decode', input, '--format', 'chrome', ...extra]);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { traceEvents: Record<string, unknown>[] }).traceEvents;
}

/** What jsonl's args become as Perfetto annotations: numbers as bigints (hex fields as pointers), names and flags as text. */
function asAnnotations(args: Record<string, unknown>, hex: ReadonlySet<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(args)) {
    if (k.endsWith('_unit')) continue;
    // raw bits past 2^53 that fit no field: jsonl's null, Perfetto's hex text
    if (v === null) out[k] = expect.stringMatching(/^0x[0-9a-f]+$/);
    else if (typeof v === 'number' || (typeof v === 'string' && /^-?\d+$/.test(v)))
      out[k] = hex.has(k) ? `0x${BigInt(v).toString(16)}` : BigInt(v);
    else if (typeof v === 'string' && /^0x[0-9a-f]+$/.test(v)) out[k] = hex.has(k) ? v : BigInt(v);
    else out[k] = v;
  }
  return out;
}

describe('export --format perfetto', () => {
  it('the kernel fixture: every record at its ns, on its cpu track, with the fields decode gives; slices nest', async () => {
    const trace = await exportPerfetto(KERNEL, ['--schema', SCHEMA]);
    const records = await decodeJsonlHere(KERNEL, ['--schema', SCHEMA]);
    const threads = [...trace.tracks.values()].filter((t) => t.kind === 'thread');
    expect(threads.map((t) => t.name).sort()).toEqual([...new Set(records.map((r) => `cpu ${r.cpu}`))].sort());
    expect([...trace.tracks.values()].find((t) => t.kind === 'process')?.name).toBe('veridian');
    const slices = slicesOf(trace);
    const instants = trace.events.filter((e) => e.type === 'instant' && e.name !== 'records lost');
    // each record is an instant or one end of a slice
    expect(instants.length + 2 * slices.length).toBe(records.length);
    // what the rings lost is stated on their tracks, as decode counts it
    const lost = trace.events.filter((e) => e.name === 'records lost');
    const stats = await runCli(['stats', KERNEL, '--schema', SCHEMA, '--format', 'json']);
    const rings = (JSON.parse(stats.stdout) as { lost: { ring: number; overwritten: number; dropped: number }[] }).lost;
    expect(rings.length).toBeGreaterThan(0);
    expect(lost.map((e) => [trace.tracks.get(e.track)!.name, e.args['lost']]).sort()).toEqual(
      rings.map((r) => [`cpu ${r.ring}`, BigInt(r.overwritten + r.dropped)]).sort(),
    );
    // the spans are Chrome's complete events, begin and end alike
    const x = (await chrome(KERNEL, ['--schema', SCHEMA])).filter((e) => e['ph'] === 'X');
    const key = (name: string, begin: bigint, end: bigint) => `${name} ${begin} ${end}`;
    expect(slices.map((s) => key(s.name, s.begin, s.end)).sort()).toEqual(
      x
        .map((e) => {
          const b = BigInt(Math.round((e['ts'] as number) * 1000));
          return key(e['name'] as string, b, b + BigInt(Math.round((e['dur'] as number) * 1000)));
        })
        .sort(),
    );
    // instants: the records that are no span's, in time order per track, with their values
    const model = loadSchemaFile(SCHEMA).model!;
    const hex = new Map(
      model.events.map((e) => [e.names.snake, new Set(e.fields.filter((f) => f.format === 'hex').map((f) => f.names.snake))]),
    );
    const tid = (track: number) => trace.tracks.get(track)!.tid! - 1;
    const pending = new Map<string, unknown[]>();
    for (const r of records) {
      const k = `${r.cpu} ${r.ts} ${r.event}`;
      const args = asAnnotations(r.args, hex.get(r.event) ?? new Set());
      // issues: one text, as decode words them
      if (r.issues) args['issues'] = r.issues.map((i) => `${i.field}: ${i.message}`).join('; ');
      pending.set(k, [...(pending.get(k) ?? []), args]);
    }
    expect(instants.filter((e) => e.args['issues'] !== undefined).length).toBeGreaterThan(0);
    for (const e of instants) {
      const list = pending.get(`${tid(e.track)} ${e.ts} ${e.name}`);
      expect(list, `${e.name} at ${e.ts}`).toBeDefined();
      expect(list).toContainEqual(e.args);
    }
  });

  it('a runtime capture on the sequence clock: every record, every slice nests; its counts are shown as ns of a clock of its own', async () => {
    const trace = await exportPerfetto(SPANS);
    const slices = slicesOf(trace);
    const records = await decodeJsonlHere(SPANS);
    expect(trace.events.filter((e) => e.type === 'instant').length + 2 * slices.length).toBe(records.length);
    expect(slices.length).toBe(records.filter((r) => r.event === 'syscall_exit').length);
    expect(trace.clockMultiplier).toBe(1n);
    expect(slices[0]!.begin).toBe(BigInt(records.find((r) => r.event === 'syscall_entry')!.ts));
  });

  it('thread spans that overlap without nesting: the one that ends later on a lane of its own, beside its thread', async () => {
    const text = `tracegen: 1
name: lanes
clock: { unit: ns, frequency: 1000000000 }
layout: { ring_size: 16, rings: 1 }
events:
  - { id: 0, name: req_begin, doc: begins, fields: [{ name: req, word: data0, type: u32 }] }
  - { id: 1, name: req_end, doc: ends, fields: [{ name: req, word: data0, type: u32 }] }
spans:
  - { name: req, begin: req_begin, end: req_end, match: req }
`;
    // 1 [100, 300] and 2 [200, 400] overlap: 2, ended later, moves beside; 3 [350, 380] and 4 [500, 600] nest with 1
    const { input, schemaPath } = ringImage(TMP, 'lanes', text, [
      [0, 100, 0, 1],
      [0, 200, 0, 2],
      [0, 300, 1, 1],
      [0, 350, 0, 3],
      [0, 380, 1, 3],
      [0, 400, 1, 2],
      [0, 500, 0, 4],
      [0, 600, 1, 4],
    ]);
    const trace = await exportPerfetto(input, ['--schema', schemaPath]);
    const thread = [...trace.tracks.values()].find((t) => t.kind === 'thread')!;
    const lane = [...trace.tracks.values()].find((t) => t.kind === 'track')!;
    expect([lane.name, lane.parent]).toEqual(['cpu 0 (overlapping spans 1)', thread.uuid]);
    const at = (s: { track: number }) => (s.track === thread.uuid ? 'thread' : 'lane');
    expect(
      slicesOf(trace)
        .map((s) => [s.args['req'], s.begin, s.end, at(s)])
        .sort((a, b) => Number(a[1]) - Number(b[1])),
    ).toEqual([
      [1n, 100n, 300n, 'thread'],
      [2n, 200n, 400n, 'lane'],
      [3n, 350n, 380n, 'thread'],
      [4n, 500n, 600n, 'thread'],
    ]);
  });

  it('process spans: one slice each on an async track of its name, from the begin on one thread to the end on another', async () => {
    const text = `tracegen: 1
name: pool
clock: { unit: ns, frequency: 1000000000 }
layout: { ring_size: 16, rings: 4 }
events:
  - { id: 0, name: job_queued, doc: queued, fields: [{ name: job, word: data0, type: u32 }] }
  - { id: 1, name: job_done, doc: done, fields: [{ name: job, word: data0, type: u32 }] }
  - { id: 2, name: queue_depth, doc: sampled, fields: [{ name: depth, word: data0, type: u16, counter: true, unit: jobs }] }
spans:
  - { name: job, begin: job_queued, end: job_done, match: job, scope: process }
`;
    const { input, schemaPath } = ringImage(TMP, 'pool', text, [
      [0, 1000, 0, 7],
      [0, 1050, 2, 1],
      [0, 1100, 0, 8],
      [0, 1150, 2, 2],
      [0, 1200, 0, 9],
      [2, 1500, 1, 8],
      [1, 3000, 1, 7],
      [1, 3100, 2, 0],
    ]);
    const trace = await exportPerfetto(input, ['--schema', schemaPath]);
    const slices = slicesOf(trace);
    const asyncTracks = [...trace.tracks.values()].filter((t) => t.kind === 'track' && t.name === 'job');
    // 7 and 8 overlap: two lanes, each a child of the process
    expect(asyncTracks.length).toBe(2);
    for (const t of asyncTracks) expect(trace.tracks.get(t.parent)?.kind).toBe('process');
    expect(slices.map((s) => [s.name, s.begin, s.end, s.args['job']]).sort()).toEqual([
      ['job', 1000n, 3000n, 7n],
      ['job', 1100n, 1500n, 8n],
    ]);
    // job 9 never ended: an instant on its thread
    expect(trace.events.filter((e) => e.type === 'instant' && e.name === 'job_queued').map((e) => e.args['job'])).toEqual([9n]);
    const counter = [...trace.tracks.values()].find((t) => t.kind === 'counter')!;
    expect([counter.name, counter.unit]).toEqual(['queue_depth.depth', 'jobs']);
    expect(trace.events.filter((e) => e.type === 'counter').map((e) => [e.track, e.ts, e.counter])).toEqual([
      [counter.uuid, 1050n, 1n],
      [counter.uuid, 1150n, 2n],
      [counter.uuid, 3100n, 0n],
    ]);
  });

  it('is at most 40% of the Chrome JSON of the same records', async () => {
    for (const input of [POOL, SPANS]) {
      const out = join(TMP, 'size.pftrace');
      const json = join(TMP, 'size.json');
      expect((await runCli(['export', input, '--format', 'perfetto', '-o', out])).code).toBe(0);
      expect((await runCli(['decode', input, '--format', 'chrome', '-o', json])).code).toBe(0);
      expect(statSync(out).size / statSync(json).size).toBeLessThanOrEqual(0.4);
    }
  });

  it('-o a folder is a usage error; -o in a folder that does not exist fails with one line and leaves nothing', async () => {
    const folder = await runCli(['export', POOL, '--format', 'perfetto', '-o', TMP]);
    expect([folder.code, folder.stderr]).toEqual([
      2,
      `tracegen: -o ${TMP} is a folder; give a file name\nRun 'tracegen export --help' for usage.\n`,
    ]);
    const missing = await runCli(['export', POOL, '--format', 'perfetto', '-o', join(TMP, 'no/such/t.pftrace')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^tracegen: cannot write .*no\/such\/t\.pftrace: its folder does not exist\n$/);
  });
});
