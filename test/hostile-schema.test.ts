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
    expect(mod.formatRecord(record)).toBe('evil mode=off value=42ns */ `${x}`');
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
