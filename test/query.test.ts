import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendRecord, imageBytes } from '@tracegen/runtime';
import { decodeJsonl, makePoolCapture, makeSpanCapture } from './helpers/decoded.js';
import { BIN, ROOT, runBin, runCli } from './helpers/run-cli.js';

const TMP = 'test/tmp/query';
const KERNEL = 'test/fixtures/veridian-seed/rings.bin';
const KERNEL_42 = 'test/fixtures/veridian-seed-42/rings.bin';
const SCHEMA = 'schema/veridian.yaml';
const CAPTURE = join(TMP, 'pool.trace');

beforeAll(() => {
  rmSync(TMP, { recursive: true, force: true });
  mkdirSync(TMP, { recursive: true });
  makePoolCapture(CAPTURE);
});
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

function counts(input: string, extra: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const { event } of decodeJsonl(input, extra)) m.set(event, (m.get(event) ?? 0) + 1);
  return m;
}

async function query(args: string[]): Promise<{ code: number; rows: Record<string, unknown>[]; stderr: string; stdout: string }> {
  const r = await runCli(['query', ...args, '--format', 'json']);
  return {
    code: r.code,
    rows: r.code === 0 ? (JSON.parse(r.stdout) as Record<string, unknown>[]) : [],
    stderr: r.stderr,
    stdout: r.stdout,
  };
}

describe('tracegen query', () => {
  it('counts events of a ring image and a capture as decode does', async () => {
    for (const [input, extra] of [
      [KERNEL, ['--schema', SCHEMA]],
      [CAPTURE, []],
    ] as const) {
      const r = await query([input, ...extra, 'SELECT event, count(*) AS n FROM events GROUP BY event ORDER BY event']);
      expect(r.code, r.stderr).toBe(0);
      const want = counts(input, [...extra]);
      expect(Object.fromEntries(r.rows.map((x) => [x['event'], x['n']]))).toEqual(Object.fromEntries(want));
    }
  });

  it('pairs spans as stats does', async () => {
    const stats = JSON.parse(runBin(['stats', KERNEL, '--schema', SCHEMA, '--format', 'json']).stdout) as {
      spans: { name: string; count: number; min: number; p50: number; max: number }[];
    };
    const r = await query([
      KERNEL,
      '--schema',
      SCHEMA,
      'SELECT name, count(*) AS matched, min(duration) AS min, quantile_disc(duration, 0.5) AS p50, max(duration) AS max, count(DISTINCT "match") > 1 AS by_value FROM spans GROUP BY name',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const s = stats.spans[0]!;
    expect(r.rows).toEqual([{ name: 'syscall', matched: s.count, min: s.min, p50: s.p50, max: s.max, by_value: true }]);
    const one = await query([KERNEL, '--schema', SCHEMA, 'SELECT * FROM spans ORDER BY begin_ts LIMIT 1']);
    expect(Object.keys(one.rows[0]!)).toEqual(['name', 'cpu', 'begin_ts', 'end_ts', 'duration', 'duration_ns', 'match', 'source']);
    expect(one.rows[0]!['source']).toBe(KERNEL);
    const row = one.rows[0]!;
    expect(row['duration']).toBe((row['end_ts'] as number) - (row['begin_ts'] as number));
    expect(row['duration_ns']).toBeNull();
  });

  it('reads a glob of Parquet exports as one table, spans included', async () => {
    const dir = join(TMP, 'glob');
    mkdirSync(dir, { recursive: true });
    for (const [name, input] of [
      ['a', KERNEL],
      ['b', KERNEL_42],
    ])
      expect((await runCli(['export', input!, '--schema', SCHEMA, '--format', 'parquet', '-o', join(dir, `${name}.parquet`)])).code).toBe(
        0,
      );
    const r = await query([join(dir, '*.parquet'), 'SELECT count(*) AS n, count(DISTINCT event) AS events FROM events']);
    expect(r.code, r.stderr).toBe(0);
    const total = [...counts(KERNEL, ['--schema', SCHEMA]).values(), ...counts(KERNEL_42, ['--schema', SCHEMA]).values()].reduce(
      (a, b) => a + b,
      0,
    );
    expect(r.rows).toEqual([{ n: total, events: 10 }]);
    // the spans of each file, paired with the schema the file carries
    const spans = await query([join(dir, '*.parquet'), 'SELECT count(*) AS n FROM spans']);
    const each = await Promise.all(
      [KERNEL, KERNEL_42].map(
        async (k) => (await query([k, '--schema', SCHEMA, 'SELECT count(*) AS n FROM spans'])).rows[0]!['n'] as number,
      ),
    );
    expect(spans.rows).toEqual([{ n: each[0]! + each[1]! }]);
    // a trace and Parquet files in one query
    const mixed = await query([KERNEL, '--schema', SCHEMA, join(dir, 'a.parquet'), 'SELECT count(*) AS n FROM events']);
    expect(mixed.rows).toEqual([{ n: 2 * 4833 }]);
    // a Parquet file another tool wrote: its events count, its spans cannot be paired (and it says so)
    const foreign = join(TMP, 'foreign.parquet');
    const made = await query([
      KERNEL,
      '--schema',
      SCHEMA,
      `COPY (SELECT ts, cpu, id, data0, data1 FROM events) TO '${foreign}' (FORMAT parquet)`,
    ]);
    expect(made.code, made.stderr).toBe(0);
    const both = await query([
      foreign,
      join(dir, 'a.parquet'),
      'SELECT (SELECT count(*) FROM events) AS events, (SELECT count(*) FROM spans) AS spans',
    ]);
    expect(both.rows).toEqual([{ events: 2 * 4833, spans: each[0] }]);
    expect(both.stderr).toBe(`tracegen: ${foreign} carries no tracegen schema, so its spans are not in 'spans' (give --schema)\n`);
    const given = await query([foreign, '--schema', SCHEMA, 'SELECT count(*) AS n FROM spans']);
    expect([given.rows, given.stderr]).toEqual([[{ n: each[0] }], '']);
  });

  it('a name that exists is read as that file, whatever characters it holds; globs only where none does', async () => {
    const dir = join(TMP, 'literal');
    mkdirSync(dir, { recursive: true });
    const bracket = join(dir, 'a[1].parquet');
    const plain = join(dir, 'a1.parquet');
    expect((await runCli(['export', KERNEL, '--schema', SCHEMA, '--format', 'parquet', '-o', bracket])).code).toBe(0);
    expect((await runCli(['export', CAPTURE, '--format', 'parquet', '-o', plain])).code).toBe(0);
    const n = async (input: string) => (await query([input, 'SELECT count(*) AS n FROM events'])).rows[0]!['n'];
    const [kernel, capture] = [4833, await n(plain)];
    expect(capture).not.toBe(kernel);
    expect(await n(bracket)).toBe(kernel);
    // the spans of a file named with glob characters name that file as their source
    const src = await query([bracket, 'SELECT DISTINCT source FROM spans']);
    expect(src.rows).toEqual([{ source: bracket }]);
    // no file of that name: a glob (which here matches a1.parquet alone)
    expect(await n(join(dir, 'a[0-1].parquet'))).toBe(capture);
    // a trace file named with glob characters is a trace file
    const run = join(dir, 'run[1].trace');
    writeFileSync(run, readFileSync(CAPTURE));
    const t = await query([run, 'SELECT count(*) AS n FROM events']);
    expect(t.code, t.stderr).toBe(0);
    expect(t.rows[0]!['n']).toBe(decodeJsonl(CAPTURE, []).length);
  });

  it("a Parquet file's frequency metadata is range-checked as a trace header's", async () => {
    for (const bad of ['Infinity', '1e-300', 'NaN', '-5']) {
      const file = join(TMP, `freq-${bad}.parquet`);
      const made = await query([
        KERNEL,
        '--schema',
        SCHEMA,
        `COPY (SELECT ts, cpu, id, data0, data1 FROM events) TO '${file}' (FORMAT parquet, KV_METADATA {'tracegen.frequency': '${bad}'})`,
      ]);
      expect(made.code, made.stderr).toBe(0);
      const r = await query([file, '--schema', SCHEMA, 'SELECT count(*) AS n FROM spans']);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(
        `tracegen: ${file}: its tracegen.frequency metadata is '${bad}', not a clock frequency (0 for unknown, or 1 to 1000000000000000 Hz)\n`,
      );
    }
  });

  it('the same spans from stats, query over a capture and query over its Parquet export', async () => {
    // 2M records: drains and chunks, 17 Parquet row groups, 300k spans appended while the records
    // stream in, sorted on disk past DuckDB's memory limit (where a shared connection cut them short)
    const capture = join(TMP, 'spans.trace');
    makeSpanCapture(capture, 2_000_000);
    const parquet = join(TMP, 'spans.parquet');
    expect((await runCli(['export', capture, '--format', 'parquet', '-o', parquet])).code).toBe(0);
    const stats = JSON.parse(runBin(['stats', capture, '--format', 'json']).stdout) as {
      spans: { name: string; count: number; unmatched: number; min: number; p50: number; p90: number; p99: number; max: number }[];
    };
    const s = stats.spans[0]!;
    expect(s.count).toBeGreaterThan(300_000);
    const want = [{ name: 'syscall', n: s.count, min: s.min, p50: s.p50, p90: s.p90, p99: s.p99, max: s.max }];
    const sql =
      'SELECT name, count(*) AS n, min(duration) AS min, quantile_disc(duration, 0.5) AS p50, quantile_disc(duration, 0.9) AS p90, quantile_disc(duration, 0.99) AS p99, max(duration) AS max FROM spans GROUP BY name';
    for (const input of [capture, parquet]) {
      const r = await query([input, sql]);
      expect([input, r.rows]).toEqual([input, want]);
    }
  }, 60_000);

  it('reads a hive-partitioned folder of exports from several hosts with one query', async () => {
    const fleet = join(TMP, 'fleet');
    const parts = [
      ['host=alpha/day=2026-11-25', KERNEL],
      ['host=alpha/day=2026-11-26', KERNEL_42],
      ['host=beta/day=2026-11-26', KERNEL],
    ] as const;
    for (const [part, input] of parts) {
      mkdirSync(join(fleet, 'schema=veridian', part), { recursive: true });
      const r = await runCli([
        'export',
        input,
        '--schema',
        SCHEMA,
        '--format',
        'parquet',
        '-o',
        join(fleet, 'schema=veridian', part, 'part-0.parquet'),
      ]);
      expect(r.code, r.stderr).toBe(0);
    }
    const r = await query([fleet, "SELECT host, day, count(*) AS n FROM events WHERE schema = 'veridian' GROUP BY ALL ORDER BY host, day"]);
    expect(r.code, r.stderr).toBe(0);
    const n42 = [...counts(KERNEL_42, ['--schema', SCHEMA]).values()].reduce((a, b) => a + b, 0);
    expect(r.rows).toEqual([
      { host: 'alpha', day: '2026-11-25', n: 4833 },
      { host: 'alpha', day: '2026-11-26', n: n42 },
      { host: 'beta', day: '2026-11-26', n: 4833 },
    ]);
  });

  it("removes the scratch database an interrupted run left, never a running one's", async () => {
    const { tmpdir } = await import('node:os');
    const gone = spawnSync(process.execPath, ['-e', '0']).pid!;
    const stale = join(tmpdir(), 'tracegen-duckdb-stale-test');
    const live = join(tmpdir(), 'tracegen-duckdb-live-test');
    for (const [dir, pid] of [
      [stale, gone],
      [live, process.pid],
    ] as const) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'pid'), String(pid));
      writeFileSync(join(dir, 'events.duckdb'), 'x');
    }
    expect((await query([KERNEL, '--schema', SCHEMA, 'SELECT 1 AS one'])).rows).toEqual([{ one: 1 }]);
    const { existsSync } = await import('node:fs');
    expect([existsSync(stale), existsSync(live)]).toEqual([false, true]);
    rmSync(live, { recursive: true, force: true });
  });

  it('prints table, csv, json and jsonl; numbers past 2^53 as strings', async () => {
    const sql = 'SELECT 1 AS small, 18446744073709551615::UBIGINT AS big, NULL AS nothing, \'a,"b"\' AS text';
    const json = await runCli(['query', KERNEL, '--schema', SCHEMA, sql, '--format', 'json']);
    expect(json.stdout).toBe('[\n{"small":1,"big":"18446744073709551615","nothing":null,"text":"a,\\"b\\""}\n]\n');
    const jsonl = await runCli(['query', KERNEL, '--schema', SCHEMA, sql, '--format', 'jsonl']);
    expect(jsonl.stdout).toBe('{"small":1,"big":"18446744073709551615","nothing":null,"text":"a,\\"b\\""}\n');
    const csv = await runCli(['query', KERNEL, '--schema', SCHEMA, sql, '--format', 'csv']);
    expect(csv.stdout).toBe('small,big,nothing,text\n1,18446744073709551615,,"a,""b"""\n');
    const table = await runCli(['query', KERNEL, '--schema', SCHEMA, 'SELECT id, event FROM events ORDER BY ts LIMIT 2']);
    expect(table.stdout).toBe('id  event\n--  -------------\n 0  syscall_entry\n 7  frame_free\n(2 rows)\n');
    const empty = await runCli(['query', KERNEL, '--schema', SCHEMA, 'SELECT * FROM events WHERE false', '--format', 'json']);
    expect(empty.stdout).toBe('[]\n');
  });

  it('names columns by the documented rule when events disagree', async () => {
    const schema = join(TMP, 'clash.yaml');
    writeFileSync(
      schema,
      `tracegen: 1
name: clash
clock: { unit: cycles }
layout: { ring_size: 16, rings: 1 }
enums:
  mode: { doc: d, values: { 0: off, 1: on } }
events:
  - { id: 0, name: a, doc: d, fields: [{ name: x, word: data0, type: u8, doc: d }, { name: data0, word: data1, type: u16, doc: d }] }
  - { id: 1, name: b, doc: d, fields: [{ name: x, word: data0, type: mode, doc: d }] }
  - { id: 2, name: c, doc: d, fields: [{ name: y, word: data0, type: u8, doc: d }] }
  - { id: 3, name: e, doc: d, fields: [{ name: y, word: data1, type: u8, doc: d }] }
`,
    );
    const image = new Uint8Array(imageBytes({ ringSize: 16, rings: 1 }));
    appendRecord(image, { ringSize: 16, rings: 1 }, 0, { timestamp: 5n, id: 0, cpu: 0, data0: 7n, data1: 9n });
    appendRecord(image, { ringSize: 16, rings: 1 }, 0, { timestamp: 6n, id: 1, cpu: 0, data0: 1n, data1: 0n });
    writeFileSync(join(TMP, 'clash.bin'), image);
    const r = await query([
      join(TMP, 'clash.bin'),
      '--schema',
      schema,
      'SELECT * EXCLUDE (ts, cpu, id, data0, data1) FROM events ORDER BY ts',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.rows).toEqual([
      { event: 'a', a__x: 7, a__data0: 9, b__x: null, b__x_raw: null, y: null },
      { event: 'b', a__x: null, a__data0: null, b__x: 'on', b__x_raw: 1, y: null },
    ]);
  });

  it('refuses bad SQL in one line with DuckDB message, exit 1; usage errors exit 2', async () => {
    const r = await runCli(['query', KERNEL, '--schema', SCHEMA, 'SELECT nosuch FROM events']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^tracegen: Binder Error: Referenced column "nosuch" not found in FROM clause!\n$/);
    const syntax = await runCli(['query', KERNEL, '--schema', SCHEMA, 'SELEC 1']);
    expect(syntax.code).toBe(1);
    expect(syntax.stderr).toMatch(/^tracegen: Parser Error: syntax error at or near "SELEC"\n$/);
    const none = await runCli(['query', join(TMP, 'nothing-*.parquet'), 'SELECT 1 FROM events']);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/^tracegen: IO Error: No files found that match the pattern .*nothing-\*\.parquet/);
    expect((await runCli(['query', 'SELECT 1'])).code).toBe(2);
    expect((await runCli(['query', KERNEL, 'SELECT 1', '--format', 'xml'])).code).toBe(2);
    const damaged = join(TMP, 'cut.trace');
    const { readFileSync } = await import('node:fs');
    writeFileSync(damaged, readFileSync(CAPTURE).subarray(0, 5000));
    const cut = await runCli(['query', damaged, 'SELECT count(*) FROM events']);
    expect(cut.code).toBe(1);
    expect(cut.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('without DuckDB installed, says how to get it in one line; decode and the CTF export do not need it', () => {
    const without = ['--import', new URL('./helpers/without-duckdb.mjs', import.meta.url).href, BIN];
    const run = (args: string[]) => spawnSync(process.execPath, [...without, ...args], { cwd: ROOT, encoding: 'utf8' });
    const q = run(['query', KERNEL, '--schema', SCHEMA, 'SELECT 1']);
    expect([q.status, q.stderr]).toEqual([
      1,
      'tracegen: query needs DuckDB: npm install @duckdb/node-api (an optional dependency of tracegen)\n',
    ]);
    const p = run(['export', KERNEL, '--schema', SCHEMA, '--format', 'parquet', '-o', join(TMP, 'none.parquet')]);
    expect([p.status, p.stderr]).toEqual([
      1,
      'tracegen: export --format parquet needs DuckDB: npm install @duckdb/node-api (an optional dependency of tracegen)\n',
    ]);
    expect(run(['export', KERNEL, '--schema', SCHEMA, '--format', 'ctf', '-o', join(TMP, 'fine.ctf')]).status).toBe(0);
    expect(run(['decode', KERNEL, '--schema', SCHEMA, '--format', 'jsonl']).status).toBe(0);
  });
});
