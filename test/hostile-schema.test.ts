import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from './helpers/run-cli.js';

afterAll(() => rmSync('test/tmp/hostile-ts', { recursive: true, force: true }));

const OUT = 'test/tmp/hostile-ts';
const SCHEMA = 'test/schemas/hostile.yaml';

/** Type-checks files with the project's strictest settings, as a user's build would. */
function typecheck(dir: string): { status: number | null; output: string } {
  writeFileSync(
    `${dir}/tsconfig.json`,
    JSON.stringify({ extends: '../../../tsconfig.json', compilerOptions: { noEmit: true, rootDir: '../../..' }, include: ['*.ts'] }),
  );
  const r = spawnSync(process.execPath, [`${ROOT}/node_modules/typescript/bin/tsc`, '-p', `${dir}/tsconfig.json`], { cwd: ROOT });
  return { status: r.status, output: r.stdout.toString() + r.stderr.toString() };
}

describe('a hostile schema cannot make generated TypeScript do something else', () => {
  it('generates code that compiles strictly and exports only what the schema declares', async () => {
    rmSync(OUT, { recursive: true, force: true });
    const gen = await runCli(['generate', SCHEMA, '--out', OUT]);
    expect(gen.code).toBe(0);
    const tc = typecheck(OUT);
    expect(tc.output).toBe('');
    expect(tc.status).toBe(0);

    const mod = (await import(/* @vite-ignore */ new URL(`../${OUT}/index.ts`, import.meta.url).href)) as Record<string, unknown> & {
      SCHEMA_TEXT: string;
      enable(): void;
      traceEvil(mode: number, value: number): void;
      snapshot(): Uint8Array;
      decodeTrace(b: Uint8Array): Iterable<unknown>;
      formatRecord(r: unknown): string;
    };
    expect(Object.keys(mod)).not.toContain('pwned');
    expect((globalThis as { pwned?: unknown }).pwned).toBeUndefined();
    // strings survive exactly: the embedded schema is the file, byte for byte
    expect(mod.SCHEMA_TEXT).toBe(readFileSync(SCHEMA, 'utf8'));
    mod.enable();
    mod.traceEvil(1, 42);
    const [record] = [...mod.decodeTrace(mod.snapshot())];
    expect(mod.formatRecord(record)).toBe('evil mode=off value=42 ns */ `${x}`');
  });

  it('every doc line stays inside its comment', () => {
    const text = readFileSync(`${OUT}/index.ts`, 'utf8');
    // outside string literals, no line holds code that came from a doc
    for (const line of text.split('\n')) {
      if (/^\s*(\*|\/\/|\/\*\*)/.test(line)) expect(line).not.toMatch(/\*\/./);
    }
    expect(text).not.toMatch(/^#define/m);
    expect(text).not.toContain('\u2028');
    expect(text).not.toContain('\u0000');
  });
});

describe('a schema may only state a clock that traces and their readers can hold', () => {
  it('clock.frequency from 1 to 10^15 Hz, the bounds a trace header is read with', async () => {
    const { loadSchema } = await import('../generator/index.js');
    const { MAX_FREQUENCY, MIN_FREQUENCY } = await import('@tracegen/runtime');
    const json = JSON.parse(readFileSync('schema/tracegen.schema.json', 'utf8')) as {
      properties: { clock: { properties: { frequency: { minimum: number; maximum: number } } } };
    };
    expect(json.properties.clock.properties.frequency).toMatchObject({ minimum: MIN_FREQUENCY, maximum: MAX_FREQUENCY });
    const codes = (frequency: string) =>
      loadSchema({
        text: `tracegen: 1\nname: t\nclock: { unit: cycles, frequency: ${frequency} }\nlayout: { ring_size: 16, rings: 1 }\nevents:\n  - { id: 0, name: a }\n`,
        file: 't.yaml',
      })
        .diagnostics.filter((d) => d.severity === 'error')
        .map((d) => `${d.code}@${d.line}:${d.column}`);
    for (const bad of ['0.4', '0', '1e20', '1e300']) expect([bad, codes(bad)]).toEqual([bad, ['out-of-range@3:35']]);
    for (const good of ['1', '1.5', '2400000000', '1e15']) expect([good, codes(good)]).toEqual([good, []]);
  });
});
