/**
 * The rule: a schema that `validate` accepts generates code that compiles in every target,
 * strictly. Every keyword and reserved name of TypeScript, JavaScript's globals, Rust, C11,
 * C++17 and <stdint.h> (test/corpus/words.ts) is put in every position a name can take; each
 * schema the validator accepts is generated and compiled by tsc, rustc under clippy, and cc and
 * c++ with -Werror. Docs carrying control and bidi characters go through every target too.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSchemaText } from '../generator/schema/load-schema.js';
import { namesOf } from '../generator/schema/model/names.js';
import { corpus } from './corpus/words.js';
import { ROOT, runCli } from './helpers/run-cli.js';

// its own cargo build cache (a second cargo on one target folder would wait for its lock) is kept: it is what makes reruns fast
afterAll(() => rmSync(DIR, { recursive: true, force: true }));

const DIR = join(ROOT, 'test/tmp/corpus');
const WORDS = corpus();

type Schema = Record<string, unknown>;
const base = (name: string, extra: Schema): Schema => ({
  tracegen: 1,
  name,
  doc: 'Corpus.',
  clock: { unit: 'ns' },
  layout: { ring_size: 64, rings: 2 },
  ...extra,
});
const event = (id: number, name: string, fields: Schema[] = [], more: Schema = {}): Schema => ({
  id,
  name,
  doc: 'An event.',
  fields,
  ...more,
});
const u8 = (name: string, k: number, type = 'u8'): Schema => ({
  name,
  word: k < 8 ? 'data0' : 'data1',
  bits: [(k % 8) * 8, (k % 8) * 8 + 7],
  type,
});

/** How each position takes a batch of words: one schema (or, for the schema's own name, one per word). */
const POSITIONS: Record<string, (words: string[], tag: string) => Schema> = {
  'event name': (ws, tag) => base(tag, { events: ws.map((w, i) => event(i, w, [u8('value', 0)])) }),
  variant: (ws, tag) => base(tag, { events: ws.map((w, i) => event(i, `ev${i}`, [], { variant: namesOf(w).pascal })) }),
  'field name': (ws, tag) =>
    base(tag, {
      events: chunks(ws, 16).map((c, i) =>
        event(
          i,
          `ev${i}`,
          c.map((w, k) => u8(w, k)),
        ),
      ),
    }),
  'enum name': (ws, tag) =>
    base(tag, {
      enums: Object.fromEntries(ws.map((w) => [w, { doc: 'An enum.', values: { 0: 'a', 1: 'b' } }])),
      events: chunks(ws, 16).map((c, i) =>
        event(
          i,
          `ev${i}`,
          c.map((w, k) => u8(`f${k}`, k, w)),
        ),
      ),
    }),
  'enum value': (ws, tag) =>
    base(tag, {
      enums: { kind: { doc: 'An enum.', values: Object.fromEntries(ws.map((w, i) => [i, w])) } },
      events: [event(0, 'ev', [{ name: 'k', word: 'data0', bits: [0, 15], type: 'kind' }])],
    }),
  'flags name': (ws, tag) =>
    base(tag, {
      flags: Object.fromEntries(ws.map((w) => [w, { doc: 'Flags.', bits: { 0: 'a', 7: 'b' } }])),
      events: chunks(ws, 16).map((c, i) =>
        event(
          i,
          `ev${i}`,
          c.map((w, k) => u8(`f${k}`, k, w)),
        ),
      ),
    }),
  'flag name': (ws, tag) =>
    base(tag, {
      flags: Object.fromEntries(
        chunks(ws, 64).map((c, i) => [`set${i}`, { doc: 'Flags.', bits: Object.fromEntries(c.map((w, b) => [b, w])) }]),
      ),
      events: [
        event(
          0,
          'ev',
          chunks(ws, 64)
            .map((_, i) => ({ name: `s${i}`, word: i % 2 ? 'data1' : 'data0', type: `set${i}` }))
            .slice(0, 2),
        ),
      ],
    }),
  'span name': (ws, tag) =>
    base(tag, {
      events: [event(0, 'ev_a', [u8('v', 0)]), event(1, 'ev_b', [u8('v', 0)])],
      spans: ws.map((w) => ({ name: w, begin: 'ev_a', end: 'ev_b', match: 'v' })),
    }),
};

function chunks<T>(xs: T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

const valid = (s: Schema) => loadSchemaText(JSON.stringify(s), 'corpus.yaml').model !== undefined;

/** The words a position accepts one at a time, then batched so that every batch validates. */
function accepted(make: (ws: string[], tag: string) => Schema, tag: string): string[][] {
  const ok = WORDS.filter((w) => valid(make([w], tag)));
  const batches: string[][] = [];
  const split = (ws: string[]) => {
    if (ws.length === 0) return;
    if (valid(make(ws, tag))) batches.push(ws);
    else if (ws.length > 1) {
      split(ws.slice(0, ws.length >> 1));
      split(ws.slice(ws.length >> 1));
    }
  };
  for (const c of chunks(ok, 128)) split(c);
  return batches;
}

const schemas: { tag: string; schema: Schema; targets?: string[] }[] = [];
const rejected = new Map<string, number>();

beforeAll(async () => {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  for (const [position, make] of Object.entries(POSITIONS)) {
    const tag = `c_${position.replace(/ /g, '_')}`;
    const batches = accepted(make, tag);
    rejected.set(position, WORDS.length - batches.flat().length);
    batches.forEach((ws, i) => {
      schemas.push({ tag: `${tag}_${i}`, schema: make(ws, `${tag}_${i}`) });
    });
  }
  // the schema's own name is the C header's prefix (TypeScript and Rust keep it only in strings
  // and comments): one header per accepted name, with events that spell <stdint.h> macros
  const withEvents = (w: string) => base(w, { events: ['max', 'min', 'c', 'width'].map((e, i) => event(i, e, [u8('value', 0)])) });
  for (const w of WORDS) if (valid(withEvents(w))) schemas.push({ tag: w, schema: withEvents(w), targets: ['c'] });
  // docs with control and bidi characters, everywhere a doc goes
  const nasty = 'a\u202eb\u2066c\u200fd\u0007e\u001bf */ g\u2028h';
  schemas.push({
    tag: 'c_docs',
    schema: {
      ...base('c_docs', { doc: nasty }),
      clock: { unit: 'ns', doc: nasty },
      enums: { kind: { doc: nasty, values: { 0: 'a' } } },
      flags: { perms: { doc: nasty, bits: { 0: 'r' } } },
      events: [
        event(
          0,
          'ev',
          [
            { name: 'k', word: 'data0', bits: [0, 0], type: 'kind', doc: nasty, unit: nasty },
            { name: 'p', word: 'data1', type: 'perms', doc: nasty },
          ],
          { doc: nasty },
        ),
      ],
      spans: [{ name: 's', begin: 'ev', end: 'ev', doc: nasty }],
    },
  });
  for (const { tag, schema, targets = ['ts', 'rust', 'c'] } of schemas) {
    const file = join(DIR, `${tag}.yaml`);
    writeFileSync(file, JSON.stringify(schema, null, 1));
    const r = await runCli(['generate', file, ...targets.flatMap((t) => ['--target', t]), '--out', join(DIR, 'out', tag)]);
    if (r.code !== 0) throw new Error(`generate ${tag}: ${r.stderr}`);
  }
}, 300_000);

function run(cmd: string, args: string[], cwd: string) {
  const r = spawnSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    env: { ...process.env, CARGO_TARGET_DIR: join(ROOT, 'test/tmp/corpus-cargo-target'), CARGO_TERM_COLOR: 'never' },
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('every name validate accepts compiles in every target', () => {
  it('the corpus reaches every position, and the validator both accepts and refuses some of it', () => {
    expect(WORDS.length).toBeGreaterThan(350);
    expect(schemas.length).toBeGreaterThan(300); // most names are fine as a schema's name: each is compiled
    for (const position of Object.keys(POSITIONS)) {
      const refused = rejected.get(position)!;
      expect([position, refused < WORDS.length]).toEqual([position, true]);
    }
    // names the validator must refuse: each once broke a target
    const refuses = (s: Schema) => !valid(s);
    expect(refuses(base('uint64', { events: [event(0, 'max')] }))).toBe(true);
    expect(refuses(POSITIONS['flags name']!(['type'], 'x'))).toBe(true);
    expect(refuses(POSITIONS['enum value']!(['self'], 'x'))).toBe(true);
    expect(refuses(POSITIONS['enum name']!(['readonly'], 'x'))).toBe(true);
    expect(refuses(POSITIONS['enum name']!(['event_type'], 'x'))).toBe(true);
    expect(refuses(POSITIONS['event name']!(['trace'], 'x'))).toBe(true);
    expect(refuses(POSITIONS['field name']!(['uint64_t'], 'x'))).toBe(true);
  });

  it('TypeScript: tsc --strict', () => {
    writeFileSync(
      join(DIR, 'tsconfig.json'),
      JSON.stringify({
        extends: '../../../tsconfig.json',
        compilerOptions: { noEmit: true, rootDir: '../../..' },
        include: ['out/**/*.ts'],
      }),
    );
    const r = run(join(ROOT, 'node_modules/.bin/tsc'), ['-p', join(DIR, 'tsconfig.json')], ROOT);
    expect(r.out).toBe('');
    expect(r.code).toBe(0);
  }, 120_000);

  it('Rust: one crate of every output, clean under clippy -D warnings', () => {
    const crate = join(DIR, 'crate');
    mkdirSync(join(crate, 'src'), { recursive: true });
    writeFileSync(
      join(crate, 'Cargo.toml'),
      '[package]\nname = "tracegen_corpus"\nversion = "0.0.0"\nedition = "2021"\n\n[lib]\npath = "src/lib.rs"\n',
    );
    const mods = schemas
      .filter((s) => !s.targets)
      .map(
        ({ tag }, i) =>
          `pub mod m${i} {\n    fn trace_event(_t: TraceEventType, _a: u64, _b: u64) {}\n    include!("../../out/${tag}/trace_events.rs");\n}\n`,
      );
    writeFileSync(join(crate, 'src/lib.rs'), `#![no_std]\n#![forbid(unsafe_code)]\n${mods.join('')}`);
    const r = run('cargo', ['clippy', '--offline', '--quiet', '--', '-D', 'warnings'], crate);
    expect(r.out).toBe('');
    expect(r.code).toBe(0);
  }, 300_000);

  it('C11 and C++17: every header in one translation unit, -Wall -Wextra -Werror -pedantic', () => {
    const includes = schemas.map(({ tag, schema }) => {
      const upper = String(schema['name']).toUpperCase();
      return `#define ${upper}_TRACE_EMIT(t, a, b) ((void)(t), (void)(a), (void)(b))\n#include "out/${tag}/trace_events.h"\n`;
    });
    const main = `${includes.join('')}int main(void) { return 0; }\n`;
    writeFileSync(join(DIR, 'all.c'), main);
    writeFileSync(join(DIR, 'all.cpp'), main);
    const flags = ['-Wall', '-Wextra', '-Werror', '-pedantic', '-fsyntax-only'];
    const c = run('cc', ['-std=c11', ...flags, 'all.c'], DIR);
    expect(c.out).toBe('');
    const cpp = run('g++', ['-std=c++17', ...flags, 'all.cpp'], DIR);
    expect(cpp.out).toBe('');
  }, 120_000);
});
