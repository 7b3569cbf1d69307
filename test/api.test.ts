import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, runBin } from './helpers/run-cli.js';

// A package of its own that depends on tracegen (linked, as `npm install ../tracegen` would),
// so that `import ... from 'tracegen'` resolves through the package's exports
const APP = mkdtempSync(join(tmpdir(), 'tracegen-api-'));
mkdirSync(join(APP, 'node_modules'));
symlinkSync(ROOT, join(APP, 'node_modules/tracegen'), 'dir');
writeFileSync(join(APP, 'package.json'), JSON.stringify({ name: 'api-user', type: 'module', private: true }));
afterAll(() => rmSync(APP, { recursive: true, force: true }));

const SCHEMA = join(ROOT, 'schema/veridian.yaml');
const RINGS = join(ROOT, 'test/fixtures/veridian-seed/rings.bin');

function runScript(source: string): unknown {
  writeFileSync(join(APP, 'use.mjs'), source);
  const r = spawnSync(process.execPath, ['use.mjs'], { cwd: APP, encoding: 'utf8' });
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout, (_k, v) => (typeof v === 'string' && /^-?\d+n$/.test(v) ? BigInt(v.slice(0, -1)) : v));
}
const PRINT = `const show = (v) => console.log(JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x + 'n' : x)));\n`;

describe("the API: import { loadSchema, validate, generate, decode, exportTrace, query } from 'tracegen'", () => {
  it('validate gives the diagnostics `validate --format json` prints', () => {
    const bad = join(APP, 'bad.yaml');
    writeFileSync(bad, 'tracegen: 1\nname: bad\nclock: {unit: ns}\nlayout: {ring_size: 3, rings: 1}\nevents: []\n');
    const out = runScript(
      `import { validate, loadSchema } from 'tracegen';\n${PRINT}` +
        `show([validate(${JSON.stringify(bad)}), validate(loadSchema(${JSON.stringify(SCHEMA)})).ok, loadSchema({ text: 'tracegen: 2', file: 'x.yaml' }).diagnostics.map((d) => d.code)]);`,
    ) as [{ ok: boolean; diagnostics: unknown[] }, boolean, string[]];
    const cli = JSON.parse(runBin(['validate', '--format', 'json', bad]).stdout) as unknown[];
    expect(out[0].ok).toBe(false);
    expect(out[0].diagnostics).toEqual(cli);
    expect(out[0].diagnostics).toContainEqual(expect.objectContaining({ code: 'ring-size-not-power-of-two', line: 4, column: 21 }));
    expect(out[1]).toBe(true);
    expect(out[2]).toContain('unsupported-version');
  });

  it('generate writes what the CLI writes, and check compares', () => {
    const out = runScript(
      `import { generate } from 'tracegen';\n${PRINT}` +
        `const a = await generate(${JSON.stringify(SCHEMA)}, { out: 'gen', targets: ['ts', 'c'] });\n` +
        `const b = await generate(${JSON.stringify(SCHEMA)}, { out: 'gen', targets: ['ts', 'c'], check: true });\n` +
        `show([a.ok, a.files.map((f) => [f.path, f.change]), b.ok, b.files.map((f) => f.change)]);`,
    );
    expect(out).toEqual([
      true,
      [
        ['gen/index.ts', 'created'],
        ['gen/trace_events.h', 'created'],
      ],
      true,
      ['unchanged', 'unchanged'],
    ]);
    const cliOut = join(APP, 'cli-gen');
    expect(runBin(['generate', SCHEMA, '--out', cliOut, '--target', 'ts', '--target', 'c'], undefined, APP).code).toBe(0);
    // the same bytes but for the header's command, which names the out folder
    const strip = (t: string) => t.split('\n').slice(2).join('\n');
    expect(strip(readFileSync(join(APP, 'gen/index.ts'), 'utf8'))).toBe(strip(readFileSync(join(cliOut, 'index.ts'), 'utf8')));
  });

  it('decode gives the values decode --format jsonl prints', () => {
    const out = runScript(
      `import { decode } from 'tracegen';\n${PRINT}` +
        `const r = decode(${JSON.stringify(RINGS)}, { schema: ${JSON.stringify(SCHEMA)}, cpu: [1], event: ['page_fault', 'syscall_exit'] });\n` +
        `show([r.records.length, r.records.slice(0, 3), r.lost, r.error ?? null]);`,
    ) as [number, { ts: bigint; cpu: number; event: string; fields: Record<string, unknown> }[], unknown[], null];
    const lines = runBin([
      'decode',
      RINGS,
      '--schema',
      SCHEMA,
      '--format',
      'jsonl',
      '--cpu',
      '1',
      '--event',
      'page_fault',
      '--event',
      'syscall_exit',
    ])
      .stdout.trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { ts: string; cpu: number; event: string; args: Record<string, unknown> });
    expect(out[0]).toBe(lines.length);
    expect(out[0]).toBeGreaterThan(3);
    for (const [i, r] of out[1].entries()) {
      const l = lines[i]!;
      expect([String(r.ts), r.cpu, r.event]).toEqual([String(l.ts), l.cpu, l.event]);
      // jsonl writes a bigint that is a safe integer as a number, the API keeps the field's type
      const text = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, String(v)]));
      expect(text(r.fields)).toEqual(text(l.args));
    }
    expect(out[2]).toEqual([{ ring: 1, overwritten: 1500, dropped: 0 }]);
    expect(out[3]).toBe(null);
  });

  it('exportTrace writes what export writes; query gives the rows query --format json prints', () => {
    const out = runScript(
      `import { exportTrace, query } from 'tracegen';\n${PRINT}` +
        `const a = await exportTrace(${JSON.stringify(RINGS)}, { schema: ${JSON.stringify(SCHEMA)}, format: 'parquet', output: 'k.parquet' });\n` +
        `const b = await exportTrace(${JSON.stringify(RINGS)}, { schema: ${JSON.stringify(SCHEMA)}, format: 'ctf', output: 'k.ctf', cpu: [0] });\n` +
        `const q = await query(['k.parquet'], 'SELECT event, count(*) AS n, sum(data0) AS s FROM events GROUP BY event ORDER BY event');\n` +
        `const sp = await query(['k.parquet'], 'SELECT name, count(*) AS n FROM spans GROUP BY name');\n` +
        `let bad; try { await query(['k.parquet'], 'SELECT nosuch FROM events'); } catch (e) { bad = [e.name, e.message]; }\n` +
        `show([a.events, a.lost, b.events, q.columns, q.rows, sp.rows, bad]);`,
    ) as [number, unknown[], number, string[], { event: string; n: bigint; s: bigint }[], unknown[], string[]];
    expect(out[0]).toBe(4833);
    expect(out[1]).toEqual([{ ring: 1, overwritten: 1500, dropped: 0 }]);
    const cpu0 = runBin(['decode', RINGS, '--schema', SCHEMA, '--format', 'jsonl', '--cpu', '0']).stdout.trim().split('\n');
    expect(out[2]).toBe(cpu0.length);
    expect(out[3]).toEqual(['event', 'n', 's']);
    const cli = JSON.parse(
      runBin([
        'query',
        join(APP, 'k.parquet'),
        'SELECT event, count(*) AS n, sum(data0) AS s FROM events GROUP BY event ORDER BY event',
        '--format',
        'json',
      ]).stdout,
    ) as { event: string; n: number; s: string }[];
    expect(out[4].map((r) => [r.event, String(r.n), String(r.s)])).toEqual(cli.map((r) => [r.event, String(r.n), String(r.s)]));
    expect(typeof out[4][0]!.s).toBe('bigint');
    const stats = JSON.parse(runBin(['stats', RINGS, '--schema', SCHEMA, '--format', 'json']).stdout) as { spans: { count: number }[] };
    expect(out[5]).toEqual([{ name: 'syscall', n: BigInt(stats.spans[0]!.count) }]);
    expect(out[6]).toEqual(['DecodeError', 'Binder Error: Referenced column "nosuch" not found in FROM clause!']);
  });

  it('is typed: a TypeScript program using it type-checks, and a wrong use does not', () => {
    writeFileSync(
      join(APP, 'use.ts'),
      `import { decode, generate, validate, type Diagnostic, type TraceEvent } from 'tracegen';\n` +
        `const d: readonly Diagnostic[] = validate('x.yaml').diagnostics;\n` +
        `const e: readonly TraceEvent[] = decode('x.trace').records;\n` +
        `void generate('x.yaml', { targets: ['ts'] });\n` +
        `export const n = d.length + e.length;\n`,
    );
    writeFileSync(
      join(APP, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { module: 'nodenext', target: 'es2022', strict: true, noEmit: true, types: [] },
        files: ['use.ts'],
      }),
    );
    const tsc = join(ROOT, 'node_modules/.bin/tsc');
    expect(spawnSync(tsc, ['-p', '.'], { cwd: APP, encoding: 'utf8' }).stdout).toBe('');
    writeFileSync(join(APP, 'use.ts'), `import { generate } from 'tracegen';\nvoid generate('x.yaml', { targets: ['java'] });\n`);
    expect(spawnSync(tsc, ['-p', '.'], { cwd: APP, encoding: 'utf8' }).stdout).toMatch(/use\.ts\(2,37\): error TS2322/);
  });
});

describe('decode(): the reader notes as data', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tracegen-notes-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a code to switch on, the figures, and the message decode prints', async () => {
    const { decode } = await import('../generator/index.js');
    const v = await import('../generated/veridian/index.js');
    v.enable();
    v.traceSchedSwitchIn(1, 2);
    const trace = join(dir, 'snap.trace');
    writeFileSync(trace, v.snapshot());
    v.disable();
    const mismatch = decode(trace, { schema: join(ROOT, 'test/golden/packed/schema.yaml') });
    expect(mismatch.records.at(-1)).toMatchObject({ event: 'sched_switch_in', fields: { pid: 1, tid: 2 } });
    expect(mismatch.notes.map((n) => n.code)).toEqual(['schema-mismatch', 'wire-changes']);
    const [first, wire] = mismatch.notes;
    expect(first).toMatchObject({ traceSchema: 'veridian', traceHash: v.SCHEMA_HASH, forced: false });
    expect(first!.message).toMatch(/^note: .*snap\.trace was written with schema 'veridian' \([0-9a-f]{12}\), not .*packed\/schema\.yaml/);
    expect(wire!.code === 'wire-changes' && wire!.findings.length).toBeGreaterThan(0);
    expect(wire!.message.split('\n')[0]).toMatch(/would read this trace differently:$/);

    const img = Buffer.from(readFileSync(RINGS));
    img[8] = 200; // ring 0, slot 0: an id the schema lacks
    const unknown = join(dir, 'unknown.bin');
    writeFileSync(unknown, img);
    expect(decode(unknown, { schema: SCHEMA }).notes).toEqual([
      { code: 'unknown-ids', count: 1, message: '1 event with ids the schema does not define (decoded as unknown)' },
    ]);
  });
});
