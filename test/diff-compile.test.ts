/**
 * The compile oracle of `tracegen diff`: its categories are tested, not believed. For every
 * change of the diff test table, both schemas are generated in TypeScript, Rust and C; a caller
 * of the OLD API (every helper called with arguments of its old parameter types, every enum
 * value, flag, event type and decoded field named) is compiled against the NEW code with tsc,
 * rustc and cc. A change without wire findings must compile everywhere when it is all
 * `compatible`, and fail somewhere when it is `source`. (Wire changes misread old traces, which
 * no compiler sees; they are left out.)
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyEdits, CASES, type Case } from './helpers/diff-cases.js';
import { ROOT, runCli } from './helpers/run-cli.js';

const TMP = join(ROOT, 'test/tmp/diff-compile');
type Target = 'ts' | 'rust' | 'c';
const TARGETS: Target[] = ['ts', 'rust', 'c'];

interface Verdict {
  readonly c: Case;
  readonly categories: Set<string>;
  /** Per target, the compiler's first error for the old caller against the new code ('' when it compiles). */
  readonly errors: Record<Target, string>;
}
const verdicts: Verdict[] = [];

afterAll(() => process.env.KEEP_TMP || rmSync(TMP, { recursive: true, force: true }));

// ---- callers of an API, written from the generated files themselves -------------------------

/** A TypeScript module that uses every part of the API `index.ts` declares, imported as `./gen/index.js`. */
function tsCaller(index: string): string {
  const lines = ["import * as api from './gen/index.js';", ''];
  const qualify = (type: string) => type.replace(/\b([A-Z]\w*)\b/g, 'api.$1');
  let n = 0;
  for (const m of index.matchAll(/^export function (trace\w+)\(([^)]*)\): void/gm)) {
    // one line, or (a long signature) one parameter a line
    const params = m[2]!.split(/,\s*/).flatMap((p) => (p.trim() ? [p.split(': ')[1]!] : []));
    lines.push(...params.map((t, i) => `declare const a${n}_${i}: ${qualify(t)};`));
    lines.push(`api.${m[1]}(${params.map((_, i) => `a${n}_${i}`).join(', ')});`);
    n++;
  }
  for (const m of index.matchAll(/^export const (\w+) = \{([^}]*)\} as const;$/gm)) {
    for (const [, key] of m[2]!.matchAll(/\b([A-Za-z_]\w*): /g)) lines.push(`void api.${m[1]}.${key};`);
    if (index.includes(`export type ${m[1]} =`)) lines.push(`export type T_${m[1]} = api.${m[1]};`);
  }
  for (const m of index.matchAll(/^export interface (\w+Record) extends TraceRecordBase \{\n([\s\S]*?)^\}/gm)) {
    lines.push(`declare const r_${m[1]}: api.${m[1]};`);
    for (const [, field, type] of m[2]!.matchAll(/^ {2}readonly (\w+): ([^;]+);$/gm))
      if (!type!.includes('$') && field !== 'event' && field !== 'id')
        lines.push(`export const f_${m[1]}_${field}: ${qualify(type!)} = r_${m[1]}.${field};`);
  }
  return `${lines.join('\n')}\n`;
}

/** A Rust module that uses every part of the API `trace_events.rs` declares, included as `trace`. */
function rustCaller(rs: string): string {
  const prim = /^(bool|[ui](8|16|32|64))$/;
  const qualify = (t: string) => (prim.test(t) ? t : `trace::${t}`);
  const body: string[] = [];
  const params: string[] = [];
  for (const m of rs.matchAll(/fn (trace_\w+)\(([^)]*)\)/g)) {
    const ps = m[2]!
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean)
      .map((p) => p.split(': '));
    params.push(...ps.map(([name, type]) => `${m[1]}_${name}: ${qualify(type!)}`));
    body.push(`    trace::${m[1]}(${ps.map(([name]) => `${m[1]}_${name}`).join(', ')});`);
  }
  for (const m of rs.matchAll(/enum (\w+) \{\n([\s\S]*?)^\}/gm))
    for (const [, variant] of m[2]!.matchAll(/^ {4}(\w+) = \d+,$/gm)) body.push(`    let _ = trace::${m[1]}::${variant};`);
  for (const m of rs.matchAll(/mod (\w+) \{\n([\s\S]*?)^\}/gm))
    for (const [, name] of m[2]!.matchAll(/pub const (\w+):/g)) body.push(`    let _ = trace::${m[1]}::${name};`);
  body.push('    let _ = trace::event_type_name(0);');
  return `#[allow(clippy::too_many_arguments, unused_variables)]\npub fn caller(${params.join(', ')}) {\n${body.join('\n')}\n}\n`;
}

/** A C file that uses every part of the API `trace_events.h` declares. */
function cCaller(h: string): string {
  const body: string[] = [];
  const params: string[] = [];
  for (const m of h.matchAll(/static inline void (\w+_trace_\w+)\(([^)]*)\)/g)) {
    const ps = m[2] === 'void' ? [] : m[2]!.split(', ');
    params.push(...ps.map((p, i) => `${p.slice(0, p.lastIndexOf(' '))} ${m[1]}_${i}`));
    body.push(`    ${m[1]}(${ps.map((_, i) => `${m[1]}_${i}`).join(', ')});`);
  }
  for (const [, name] of h.matchAll(/^ {4}([A-Z][A-Z0-9_]*) = -?\d+,$/gm)) body.push(`    (void)${name};`);
  for (const [, name] of h.matchAll(/^#define ([A-Z][A-Z0-9_]*) 0x[0-9a-fA-F]+ULL$/gm)) body.push(`    (void)${name};`);
  const nameFn = /(\w+_event_type_name)\(uint8_t t\)/.exec(h)![1];
  body.push(`    (void)${nameFn}(0);`);
  return `#include "gen/trace_events.h"\nvoid caller(${params.join(', ') || 'void'}) {\n${body.join('\n')}\n}\n`;
}

// ---- compilers ----------------------------------------------------------------------------------

function run(cmd: string, args: string[], cwd: string): Promise<{ code: number | null; out: string }> {
  return new Promise((done) => {
    const p = spawn(cmd, args, { cwd });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (out += d.toString()));
    p.on('close', (code) => done({ code, out }));
  });
}

/** Runs jobs two at a time (the machines have two cores). */
async function inPairs<T>(jobs: (() => Promise<T>)[]): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < jobs.length; i += 2) out.push(...(await Promise.all(jobs.slice(i, i + 2).map((j) => j()))));
  return out;
}

const firstError = (out: string) => out.split('\n').find((l) => /error/.test(l)) ?? out.split('\n')[0]!;

async function rustCompiles(dir: string): Promise<string> {
  writeFileSync(
    join(dir, 'lib.rs'),
    `#![no_std]\n#![allow(dead_code)]\nmod trace {\n    fn trace_event(_t: TraceEventType, _d0: u64, _d1: u64) {}\n    include!("gen/trace_events.rs");\n}\ninclude!("caller.rs");\n`,
  );
  const r = await run(
    'rustc',
    ['--edition', '2021', '--crate-type', 'lib', '--emit', 'metadata', '-o', join(dir, 'out.rmeta'), 'lib.rs'],
    dir,
  );
  return r.code === 0 ? '' : firstError(r.out);
}

async function cCompiles(dir: string): Promise<string> {
  const r = await run('cc', ['-std=c11', '-Wall', '-Wextra', '-Werror', '-fsyntax-only', 'caller.c'], dir);
  return r.code === 0 ? '' : firstError(r.out);
}

// ---- the oracle -----------------------------------------------------------------------------------

beforeAll(async () => {
  rmSync(TMP, { recursive: true, force: true });
  mkdirSync(TMP, { recursive: true });
  const generate = async (schema: string, out: string) => {
    const r = await runCli(['generate', schema, '--target', 'ts', '--target', 'rust', '--target', 'c', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
  };
  /** A folder with the new code in gen/ and callers of the old code beside it. */
  const setUp = async (name: string, oldSchema: string, newSchema: string) => {
    const dir = join(TMP, name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'old.yaml'), oldSchema);
    writeFileSync(join(dir, 'new.yaml'), newSchema);
    await generate(join(dir, 'old.yaml'), join(dir, 'old'));
    await generate(join(dir, 'new.yaml'), join(dir, 'gen'));
    const old = (f: string) => readFileSync(join(dir, 'old', f), 'utf8');
    writeFileSync(join(dir, 'caller.ts'), tsCaller(old('index.ts')));
    writeFileSync(join(dir, 'caller.rs'), rustCaller(old('trace_events.rs')));
    writeFileSync(join(dir, 'caller.c'), cCaller(old('trace_events.h')));
    return dir;
  };

  const cases: { c: Case | undefined; dir: string; categories: Set<string> }[] = [];
  // each base against itself first: the callers must compile against the code they were written from
  for (const [i, base] of [...new Set(CASES.map((c) => c.base))].entries())
    cases.push({ c: undefined, dir: await setUp(`self-${i}`, base, base), categories: new Set() });
  for (const [i, c] of CASES.entries()) {
    const categories = new Set(c.expect.map(([, category]) => category));
    if (categories.has('wire')) continue;
    cases.push({ c, dir: await setUp(`case-${i}`, c.base, applyEdits(c)), categories });
  }

  // TypeScript: one tsc over every folder; errors are told apart by file
  writeFileSync(
    join(TMP, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { strict: true, noEmit: true, module: 'nodenext', target: 'es2022', skipLibCheck: true, types: [] },
      include: ['*/caller.ts'],
    }),
  );
  const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', '.'], { cwd: TMP, encoding: 'utf8' });
  const tsErrors = new Map<string, string>();
  for (const line of tsc.stdout.split('\n')) {
    const m = /^([\w-]+)\/(\S+)\(\d+,\d+\): error/.exec(line);
    if (!m) continue;
    // errors in the generated code itself would make the oracle meaningless
    expect(m[2], line).toBe('caller.ts');
    if (!tsErrors.has(m[1]!)) tsErrors.set(m[1]!, line);
  }
  const rust = await inPairs(
    cases.map(
      ({ dir }) =>
        () =>
          rustCompiles(dir),
    ),
  );
  const c = await inPairs(
    cases.map(
      ({ dir }) =>
        () =>
          cCompiles(dir),
    ),
  );
  cases.forEach((k, i) => {
    const name = k.dir.split('/').at(-1)!;
    const errors = { ts: tsErrors.get(name) ?? '', rust: rust[i]!, c: c[i]! };
    if (!k.c) expect(errors, `the old callers compile against their own code (${name})`).toEqual({ ts: '', rust: '', c: '' });
    else verdicts.push({ c: k.c, categories: k.categories, errors });
  });
}, 240_000);

describe("diff's categories agree with the compilers", () => {
  it('covers every change of the diff table without wire findings', () => {
    expect(verdicts.length).toBe(CASES.filter((c) => !c.expect.some(([, category]) => category === 'wire')).length);
    expect(verdicts.length).toBeGreaterThanOrEqual(15);
  });

  it.each(CASES.filter((c) => !c.expect.some(([, category]) => category === 'wire')).map((c) => ({ name: c.what })))(
    '$name',
    ({ name }) => {
      const v = verdicts.find((x) => x.c.what === name)!;
      const broken = TARGETS.filter((t) => v.errors[t] !== '');
      if (v.categories.has('source')) expect(broken, `'source' must break a caller of the old API somewhere`).not.toEqual([]);
      else expect(Object.fromEntries(broken.map((t) => [t, v.errors[t]])), "'compatible' must compile everywhere").toEqual({});
    },
  );
});
