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

describe("the API: import { loadSchema, validate, generate, decode } from 'tracegen'", () => {
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
