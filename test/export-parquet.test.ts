import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendRecord, imageBytes } from '@tracegen/runtime';
import { loadSchemaFile } from '../generator/schema/load-schema.js';
import { decodeJsonl, decodeJsonlHere } from './helpers/decoded.js';
import { runCli } from './helpers/run-cli.js';

const TMP = 'test/tmp/export-parquet';
const KERNEL = 'test/fixtures/veridian-seed/rings.bin';
const SCHEMA = 'schema/veridian.yaml';
const PACKED = 'test/golden/packed/schema.yaml';

beforeAll(() => {
  rmSync(TMP, { recursive: true, force: true });
  mkdirSync(TMP, { recursive: true });
});
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

/** One DuckDB of the tests' own, apart from tracegen's, opened at the first query. */
let reader: Promise<DuckDBInstance> | undefined;
afterAll(async () => (await reader)?.closeSync());

async function sql(text: string): Promise<Record<string, unknown>[]> {
  reader ??= DuckDBInstance.create(':memory:');
  const c = await (await reader).connect();
  try {
    return (await c.runAndReadAll(text)).getRowObjectsJS() as Record<string, unknown>[];
  } finally {
    c.closeSync();
  }
}

describe('export --format parquet', () => {
  it('DuckDB reads counts and sums per event equal to what decode prints', async () => {
    const out = join(TMP, 'kernel.parquet');
    const r = await runCli(['export', KERNEL, '--schema', SCHEMA, '--format', 'parquet', '-o', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('wrote test/tmp/export-parquet/kernel.parquet (4833 events, Parquet)');
    const decoded = decodeJsonl(KERNEL, ['--schema', SCHEMA]);
    const want = new Map<string, { n: number; ts: bigint; d0: bigint; d1: bigint; cpu: number }>();
    for (const d of decoded) {
      const w = want.get(d.event) ?? { n: 0, ts: 0n, d0: 0n, d1: 0n, cpu: 0 };
      want.set(d.event, {
        n: w.n + 1,
        ts: w.ts + BigInt(d.ts),
        d0: w.d0 + BigInt(d.data0),
        d1: w.d1 + BigInt(d.data1),
        cpu: w.cpu + d.cpu,
      });
    }
    const rows = await sql(
      `SELECT event, count(*) AS n, sum(ts) AS ts, sum(data0) AS d0, sum(data1) AS d1, sum(cpu) AS cpu FROM '${out}' GROUP BY event`,
    );
    expect(rows.length).toBe(want.size);
    for (const row of rows) {
      const w = want.get(row['event'] as string)!;
      expect([
        Number(row['n']),
        BigInt(row['ts'] as bigint),
        BigInt(row['d0'] as bigint),
        BigInt(row['d1'] as bigint),
        Number(row['cpu']),
      ]).toEqual([w.n, w.ts, w.d0, w.d1, w.cpu]);
    }
    // typed columns: the sum of every field decode could read, per event
    const fieldSums = await sql(
      `SELECT event, sum(tid) AS tid, sum(alloc_cpu) AS alloc_cpu, count(error_code) AS flags FROM '${out}' GROUP BY event`,
    );
    for (const row of fieldSums) {
      const own = decoded.filter((d) => d.event === row['event']);
      const sum = (f: string) =>
        own
          .filter((d) => typeof d.args[f] === 'number' && !d.issues?.some((i) => i.field === f))
          .reduce((a, d) => a + (d.args[f] as number), 0);
      if (row['event'] === 'sched_switch_in') expect(Number(row['tid'])).toBe(sum('tid'));
      if (row['event'] === 'frame_alloc') expect(Number(row['alloc_cpu'])).toBe(sum('alloc_cpu'));
      // flags of 5 bits in a 64-bit word: NULL where the word holds more (decode's misfits)
      if (row['event'] === 'page_fault')
        expect(Number(row['flags'])).toBe(own.filter((d) => !d.issues?.some((i) => i.field === 'error_code')).length);
    }
  });

  it('has the documented columns and types, a dictionary-encoded event column, row groups and the schema in its metadata', async () => {
    const out = join(TMP, 'kernel.parquet');
    if (!existsSync(out)) await runCli(['export', KERNEL, '--schema', SCHEMA, '--format', 'parquet', '-o', out]);
    const cols = await sql(`DESCRIBE SELECT * FROM '${out}'`);
    expect(cols.map((c) => `${c['column_name']} ${c['column_type']}`)).toEqual([
      'ts UBIGINT',
      'cpu UTINYINT',
      'id UTINYINT',
      'event VARCHAR',
      'data0 UBIGINT',
      'data1 UBIGINT',
      'syscall_nr UINTEGER',
      'arg1 UBIGINT',
      'ret BIGINT',
      'pid UINTEGER',
      'tid UINTEGER',
      'target UBIGINT',
      'cap UBIGINT',
      'endpoint UBIGINT',
      'frame UBIGINT',
      'alloc_cpu UINTEGER',
      'addr UBIGINT',
      'error_code VARCHAR',
      'error_code_raw UTINYINT',
    ]);
    const enc = await sql(`SELECT DISTINCT encodings FROM parquet_metadata('${out}') WHERE path_in_schema = 'event'`);
    expect(String(enc[0]!['encodings'])).toMatch(/DICTIONARY/);
    const kv = await sql(`SELECT decode(key) AS k, decode(value) AS v FROM parquet_kv_metadata('${out}')`);
    expect(kv.find((r) => r['k'] === 'tracegen.schema')?.['v']).toContain('name: veridian');
    expect(kv.find((r) => r['k'] === 'tracegen.frequency')?.['v']).toBe('0');
  });

  it('gives every field of random records the value decode gives, or NULL where it does not fit', async () => {
    const model = loadSchemaFile(PACKED).model!;
    const layout = model.layout;
    const word = fc.oneof(
      fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
      fc.constantFrom(0n, 1n, 2n ** 63n, 2n ** 64n - 1n),
      fc.bigInt({ min: 0n, max: 255n }),
    );
    const record = fc.record({ id: fc.constantFrom(0, 1, 2, 3, 4, 255, 9), cpu: fc.integer({ min: 0, max: 3 }), data0: word, data1: word });
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(record, { minLength: 1, maxLength: 40 }), async (records) => {
        const image = new Uint8Array(imageBytes(layout));
        records.forEach((r, i) => {
          appendRecord(image, layout, r.cpu, { timestamp: BigInt(1000 + i), ...r });
        });
        const input = join(TMP, `random-${run}.bin`);
        const out = join(TMP, `random-${run++}.parquet`);
        writeFileSync(input, image);
        const r = await runCli(['export', input, '--schema', PACKED, '--format', 'parquet', '-o', out]);
        expect(r.code, r.stderr).toBe(0);
        const rows = await sql(`SELECT * FROM '${out}' ORDER BY ts`);
        const decoded = await decodeJsonlHere(input, ['--schema', PACKED]);
        expect(rows.length).toBe(decoded.length);
        rows.forEach((row, i) => {
          const d = decoded[i]!;
          expect([String(row['ts']), row['event'], String(row['data0']), String(row['data1'])]).toEqual([d.ts, d.event, d.data0, d.data1]);
          const event = model.events.find((e) => e.names.snake === d.event);
          for (const f of event?.fields ?? []) {
            const name = f.names.snake;
            const issue = d.issues?.find((x) => x.field === name)?.message;
            const labelled = f.type.kind === 'enum' || f.type.kind === 'flags';
            const got = row[name];
            if (issue?.startsWith('does not fit')) expect(got, `${d.event}.${name}`).toBeNull();
            else if (issue) {
              // an enum value without a name: no name, the number kept
              expect(got).toBeNull();
              expect(Number(row[`${name}_raw`])).toBe(d.args[name]);
            } else {
              const want = d.args[name];
              expect(typeof got === 'bigint' ? got.toString() : got, `${d.event}.${name}`).toEqual(
                typeof want === 'number' && typeof got === 'bigint' ? String(want) : want,
              );
              if (labelled) expect(row[`${name}_raw`]).not.toBeNull();
            }
          }
        });
        rmSync(input);
        rmSync(out);
      }),
      { numRuns: 25 },
    );
  });

  it('leaves no file behind when the output cannot be written, and replaces a previous file whole', async () => {
    const bad = await runCli(['export', KERNEL, '--schema', SCHEMA, '--format', 'parquet', '-o', join(TMP, 'missing/x.parquet')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^tracegen: cannot write test\/tmp\/export-parquet\/missing\/x\.parquet: .* does not exist\n$/);
    const out = join(TMP, 'twice.parquet');
    writeFileSync(out, 'not parquet');
    expect((await runCli(['export', KERNEL, '--schema', SCHEMA, '--format', 'parquet', '-o', out])).code).toBe(0);
    expect(Number((await sql(`SELECT count(*) AS n FROM '${out}'`))[0]!['n'])).toBe(4833);
    expect(readdirSync(TMP).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    // the input itself is never the output
    const input = join(TMP, 'input.bin');
    writeFileSync(input, readFileSync(KERNEL));
    const self = await runCli(['export', input, '--schema', SCHEMA, '--format', 'parquet', '-o', input]);
    expect([self.code, self.stderr.split('\n')[0]]).toEqual([2, `tracegen: -o ${input} is the input itself; write the export elsewhere`]);
    expect(readFileSync(input).equals(readFileSync(KERNEL))).toBe(true);
  });
});
