/**
 * `tracegen diff`: each change to a schema, with the codes, categories and lines it must give;
 * trace files and git revisions as baselines; exit codes and formats.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as v from '../generated/veridian/index.js';
import { Tracer } from '@tracegen/runtime';
import { hasStackTrace, ROOT, runBin, runCli } from './helpers/run-cli.js';

mkdirSync('test/tmp', { recursive: true });
const TMP = mkdtempSync('test/tmp/diff-');
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

const VERIDIAN = readFileSync('schema/veridian.yaml', 'utf8');
const PACKED = readFileSync('test/golden/packed/schema.yaml', 'utf8');

interface Case {
  what: string;
  base: string;
  /** Text replacements that make the new schema from the base. */
  edits: [string, string][];
  /** Expected findings: code, category, and a snippet of the line it points at (in the new schema, or the base's for a removal). */
  expect: [code: string, category: string, line: string][];
}

const V = VERIDIAN;
const P = PACKED;
const CASES: Case[] = [
  // events and ids (the default schema)
  {
    what: 'two events swap ids',
    base: V,
    edits: [
      ['  - id: 2\n    name: sched_switch_out', '  - id: 3\n    name: sched_switch_out'],
      ['  - id: 3\n    name: sched_switch_in', '  - id: 2\n    name: sched_switch_in'],
    ],
    expect: [
      ['id-reused', 'wire', 'name: sched_switch_out'],
      ['id-reused', 'wire', 'name: sched_switch_in'],
    ],
  },
  {
    what: 'an id names another event with other fields',
    base: V,
    edits: [
      [
        'name: frame_free\n    doc: "Frame allocator: free"\n    fields:\n      - { name: frame, word: data0, type: u64, format: hex, doc: Physical frame number (not an address). }',
        'name: job_run\n    doc: A job.\n    fields:\n      - { name: job, word: data0, type: u32 }',
      ],
    ],
    expect: [['id-reused', 'wire', 'name: job_run']],
  },
  {
    what: 'an event removed without reserving its id',
    base: V,
    edits: [
      [
        '  - id: 9\n    name: ipc_slow_path\n    doc: IPC slow path fallback\n    fields:\n      - { name: target, word: data0, type: u64, doc: Target of the message. }\n      - { name: cap, word: data1, type: u64, format: hex, doc: Capability of the message. }\n',
        '',
      ],
    ],
    expect: [['event-removed', 'wire', '- id: 9']],
  },
  {
    what: 'an event retired: removed, its id reserved',
    base: V,
    edits: [
      [
        '  - id: 9\n    name: ipc_slow_path\n    doc: IPC slow path fallback\n    fields:\n      - { name: target, word: data0, type: u64, doc: Target of the message. }\n      - { name: cap, word: data1, type: u64, format: hex, doc: Capability of the message. }\n',
        '',
      ],
      ['events:\n', 'reserved: [9]\n\nevents:\n'],
    ],
    expect: [['event-retired', 'source', '- id: 9']],
  },
  {
    what: 'an event renamed, fields kept',
    base: V,
    edits: [['name: ipc_slow_path', 'name: ipc_slow']],
    expect: [
      ['event-renamed', 'source', 'name: ipc_slow'],
      ['variant-renamed', 'source', 'name: ipc_slow'],
    ],
  },
  {
    what: 'a variant renamed',
    base: V,
    edits: [['variant: IpcFastReceive', 'variant: IpcFastRecv']],
    expect: [['variant-renamed', 'source', 'variant: IpcFastRecv']],
  },
  {
    what: 'a new event',
    base: V,
    edits: [['\nspans:', '\n  - id: 10\n    name: timer_tick\n    doc: A tick.\n\nspans:']],
    expect: [['event-added', 'compatible', '- id: 10']],
  },
  {
    what: 'the schema renamed',
    base: V,
    edits: [['name: veridian', 'name: veridian2']],
    expect: [['schema-renamed', 'source', 'name: veridian2']],
  },
  {
    what: 'a doc changed',
    base: V,
    edits: [['doc: IPC fast path send', 'doc: IPC fast path, send side']],
    expect: [['doc-changed', 'compatible', 'doc: IPC fast path, send side']],
  },
  {
    what: 'the ring size changed',
    base: V,
    edits: [['ring_size: 4096', 'ring_size: 8192']],
    expect: [['layout-changed', 'wire', 'ring_size: 8192']],
  },
  { what: 'the ring count changed', base: V, edits: [['rings: 16', 'rings: 8']], expect: [['layout-changed', 'wire', 'ring_size: 4096']] },
  { what: 'the clock unit changed', base: V, edits: [['unit: cycles', 'unit: ticks']], expect: [['clock-changed', 'wire', 'unit: ticks']] },
  {
    what: 'a clock frequency given',
    base: V,
    edits: [['unit: cycles\n', 'unit: cycles\n  frequency: 2000000000\n']],
    expect: [['clock-frequency-added', 'compatible', 'frequency: 2000000000']],
  },
  // fields (the default schema)
  {
    what: 'two fields swap words',
    base: V,
    edits: [
      [
        '{ name: pid, word: data0, type: u32, doc: PID of the task switched out. }\n      - { name: tid, word: data1',
        '{ name: pid, word: data1, type: u32, doc: PID of the task switched out. }\n      - { name: tid, word: data0',
      ],
    ],
    expect: [
      ['field-moved', 'wire', 'name: pid, word: data1, type: u32, doc: PID of the task switched out'],
      ['field-moved', 'wire', 'name: tid, word: data0'],
    ],
  },
  {
    what: 'a whole-word field narrowed',
    base: V,
    edits: [
      ['{ name: tid, word: data1, type: u32, doc: Its TID. }', '{ name: tid, word: data1, bits: [0, 15], type: u16, doc: Its TID. }'],
    ],
    expect: [['field-narrowed', 'wire', 'bits: [0, 15], type: u16, doc: Its TID']],
  },
  {
    what: 'a field narrowed in type, same bits',
    base: V,
    edits: [
      [
        '{ name: alloc_cpu, word: data1, type: u32, doc: CPU id of the per-CPU allocator. }\n\n  - id: 7',
        '{ name: alloc_cpu, word: data1, type: u16, doc: CPU id of the per-CPU allocator. }\n\n  - id: 7',
      ],
    ],
    expect: [['field-narrowed', 'wire', 'type: u16, doc: CPU id']],
  },
  {
    what: 'a field given another signedness (in both events of a span)',
    base: V,
    edits: [
      [
        '{ name: syscall_nr, word: data0, type: u32, doc: System call number. }\n      - { name: arg1',
        '{ name: syscall_nr, word: data0, type: i32, doc: System call number. }\n      - { name: arg1',
      ],
      [
        '{ name: syscall_nr, word: data0, type: u32, doc: System call number. }',
        '{ name: syscall_nr, word: data0, type: i32, doc: System call number. }',
      ],
    ],
    expect: [
      ['field-signedness', 'wire', 'i32, doc: System call number. }\n      - { name: arg1'],
      ['field-signedness', 'wire', 'i32, doc: System call number. }\n      - name: ret'],
    ],
  },
  {
    what: 'a number field becomes a flags set',
    base: V,
    edits: [['{ name: error_code, word: data1, type: page_fault_error', '{ name: error_code, word: data1, type: u64']],
    expect: [['field-retyped', 'wire', 'name: error_code, word: data1, type: u64']],
  },
  {
    what: 'a field removed',
    base: V,
    edits: [['      - { name: cap, word: data1, type: u64, format: hex, doc: Capability of the message. }\n\n  - id: 5', '\n  - id: 5']],
    expect: [['field-removed', 'wire', '{ name: cap, word: data1, type: u64, format: hex, doc: Capability of the message. }']],
  },
  {
    what: 'a field renamed',
    base: V,
    edits: [['{ name: endpoint, word: data0', '{ name: endpoint_id, word: data0']],
    expect: [['field-renamed', 'source', 'name: endpoint_id']],
  },
  {
    what: 'a range narrowed to make room for a new field',
    base: V,
    edits: [
      [
        '{ name: pid, word: data0, type: u32, doc: PID of the task switched in. }',
        '{ name: pid, word: data0, bits: [0, 31], type: u32, doc: PID of the task switched in. }\n      - { name: prio, word: data0, bits: [32, 39], type: u8, doc: Priority. }',
      ],
    ],
    expect: [
      ['field-narrowed', 'wire', 'bits: [0, 31], type: u32, doc: PID of the task switched in'],
      ['field-reuses-bits', 'wire', 'name: prio'],
    ],
  },
  {
    what: 'a field added in unused bits',
    base: P,
    edits: [
      [
        '      - { name: vector, word: data0',
        '      - { name: extra, word: data0, bits: [20, 23], type: u4 }\n      - { name: vector, word: data0',
      ],
    ],
    expect: [['field-added', 'compatible', 'name: extra']],
  },
  {
    what: "a field added over a removed field's bits",
    base: V,
    edits: [
      [
        '{ name: tid, word: data1, type: u32, doc: Its TID. }\n\n  - id: 4',
        '{ name: prio, word: data1, bits: [0, 15], type: u16, doc: Priority. }\n\n  - id: 4',
      ],
    ],
    expect: [
      ['field-removed', 'wire', '{ name: tid, word: data1, type: u32, doc: Its TID. }\n\n  - id: 4'],
      ['field-reuses-bits', 'wire', 'name: prio'],
    ],
  },
  {
    what: 'a unit given to a field',
    base: V,
    edits: [
      [
        '{ name: frame, word: data0, type: u64, format: hex, doc: Physical frame number (not an address). }\n      - { name: alloc_cpu, word: data1, type: u32, doc: CPU id of the per-CPU allocator. }\n\n  - id: 8',
        '{ name: frame, word: data0, type: u64, format: hex, unit: pages, doc: Physical frame number (not an address). }\n      - { name: alloc_cpu, word: data1, type: u32, doc: CPU id of the per-CPU allocator. }\n\n  - id: 8',
      ],
    ],
    expect: [['field-unit-changed', 'wire', 'unit: pages']],
  },
  {
    what: 'a display format changed',
    base: V,
    edits: [['{ name: target, word: data0, type: u64, doc: "Target', '{ name: target, word: data0, type: u64, format: hex, doc: "Target']],
    expect: [['format-changed', 'compatible', 'format: hex, doc: "Target']],
  },
  // flags (the default schema)
  {
    what: 'a flag bit moved',
    base: V,
    edits: [['      4: instruction_fetch', '      5: instruction_fetch']],
    expect: [['flag-moved', 'wire', '5: instruction_fetch']],
  },
  { what: 'a flag removed', base: V, edits: [['      3: reserved_bit\n', '']], expect: [['flag-removed', 'wire', '3: reserved_bit']] },
  {
    what: 'a flag renamed',
    base: V,
    edits: [['      2: user', '      2: user_mode']],
    expect: [['flag-renamed', 'source', '2: user_mode']],
  },
  {
    what: 'a flag added',
    base: V,
    edits: [['      4: instruction_fetch', '      4: instruction_fetch\n      5: shadow_stack']],
    expect: [['flag-added', 'compatible', '5: shadow_stack']],
  },
  {
    what: 'a span added',
    base: V,
    edits: [['spans:\n', 'spans:\n  - { name: ipc, begin: ipc_fast_send, end: ipc_fast_recv }\n']],
    expect: [['span-changed', 'compatible', '- { name: ipc,']],
  },
  // enums, bit ranges, signed fields (a test schema)
  {
    what: 'an enum value renumbered',
    base: P,
    edits: [['values: { 0: timer, 1: net, 2: disk, 7: ipi }', 'values: { 0: timer, 1: net, 3: disk, 7: ipi }']],
    expect: [['enum-value-moved', 'wire', 'values: { 0: timer, 1: net, 3: disk']],
  },
  {
    what: 'an enum value removed',
    base: P,
    edits: [['values: { 0: timer, 1: net, 2: disk, 7: ipi }', 'values: { 0: timer, 1: net, 7: ipi }']],
    expect: [['enum-value-removed', 'wire', 'values: { 0: timer, 1: net, 2: disk, 7: ipi }']],
  },
  { what: 'an enum value renamed', base: P, edits: [['2: disk', '2: block']], expect: [['enum-value-renamed', 'source', '2: block']] },
  {
    what: 'an enum value added',
    base: P,
    edits: [['7: ipi }', '5: usb, 7: ipi }']],
    expect: [['enum-value-added', 'compatible', '5: usb']],
  },
  {
    what: 'a bit range moved',
    base: P,
    edits: [
      [
        '{ name: vector, word: data0, bits: [24, 31], type: u8, format: hex }',
        '{ name: vector, word: data0, bits: [20, 27], type: u8, format: hex }',
      ],
    ],
    expect: [['field-moved', 'wire', 'bits: [20, 27]']],
  },
  {
    what: 'a bit range narrowed',
    base: P,
    edits: [
      [
        '{ name: delta, word: data0, bits: [4, 19], type: i16, unit: ns }',
        '{ name: delta, word: data0, bits: [4, 11], type: i8, unit: ns }',
      ],
    ],
    expect: [['field-narrowed', 'wire', 'bits: [4, 11]']],
  },
  {
    what: "a bit range widened into a removed neighbour's bits",
    base: P,
    edits: [
      [
        '{ name: delta, word: data0, bits: [4, 19], type: i16, unit: ns }',
        '{ name: delta, word: data0, bits: [4, 27], type: i24, unit: ns }',
      ],
      ['      - { name: vector, word: data0, bits: [24, 31], type: u8, format: hex }\n', ''],
    ],
    expect: [
      ['field-widened-over', 'wire', 'bits: [4, 27]'],
      ['field-removed', 'wire', '{ name: vector, word: data0'],
    ],
  },
  {
    what: 'a bit range widened into unused bits',
    base: P,
    edits: [
      [
        '{ name: delta, word: data0, bits: [4, 19], type: i16, unit: ns }',
        '{ name: delta, word: data0, bits: [4, 23], type: i20, unit: ns }',
      ],
    ],
    expect: [['field-widened', 'compatible', 'bits: [4, 23]']],
  },
  {
    what: 'a signed bit field made unsigned',
    base: P,
    edits: [['{ name: small_neg, word: data1, bits: [0, 7], type: i8 }', '{ name: small_neg, word: data1, bits: [0, 7], type: u8 }']],
    expect: [['field-signedness', 'wire', 'type: u8 }']],
  },
  {
    what: 'a field given another enum',
    base: P,
    edits: [
      ['enums:\n', 'enums:\n  other_kind:\n    doc: Another.\n    values: { 0: a, 1: b }\n'],
      ['{ name: kind, word: data0, bits: [0, 2], type: irq_kind }', '{ name: kind, word: data0, bits: [0, 2], type: other_kind }'],
    ],
    expect: [
      ['field-retyped', 'wire', 'type: other_kind }'],
      ['type-added', 'compatible', 'other_kind:'],
    ],
  },
  {
    what: 'a reserved id reused',
    base: P,
    edits: [
      ['reserved: [5, 6]', 'reserved: [6]'],
      ['  - id: 255', '  - id: 5\n    name: reborn\n    doc: Takes a retired id.\n\n  - id: 255'],
    ],
    expect: [['reserved-id-reused', 'wire', '- id: 5']],
  },
  {
    what: 'an id released from reserved',
    base: P,
    edits: [['reserved: [5, 6]', 'reserved: [5]']],
    expect: [['reserved-id-reused', 'wire', 'reserved: [5]']],
  },
  {
    what: 'a flags set removed with its field',
    base: P,
    edits: [
      ['  wide_set:\n    doc: Flags beyond bit 53, so the field is a bigint.\n    bits: { 0: low, 60: high }\n', ''],
      ['      - { name: mask, word: data1, type: wide_set }\n', ''],
    ],
    expect: [
      ['field-removed', 'wire', '{ name: mask, word: data1, type: wide_set }'],
      ['type-removed', 'source', 'wide_set:'],
    ],
  },
];

/** The 1-based line of the first occurrence of `snippet` in `text`. */
function lineOf(text: string, snippet: string): number {
  const at = text.indexOf(snippet);
  if (at < 0) throw new Error(`snippet not found: ${snippet}`);
  return text.slice(0, at).split('\n').length;
}

describe('each change of a schema gives its findings', () => {
  it(`covers at least 30 changes (${CASES.length})`, () => expect(CASES.length).toBeGreaterThanOrEqual(30));

  it.each(CASES.map((c) => ({ ...c, name: c.what })))('$name', async (c) => {
    let text = c.base;
    for (const [from, to] of c.edits) {
      expect(text.includes(from), `edit not applicable: ${from}`).toBe(true);
      text = text.replace(from, to);
    }
    const base = join(TMP, `${c.what.replace(/\W+/g, '-')}-base.yaml`);
    const next = join(TMP, `${c.what.replace(/\W+/g, '-')}-next.yaml`);
    writeFileSync(base, c.base);
    writeFileSync(next, text);
    const r = await runCli(['diff', base, next, '--format', 'json']);
    const got = (JSON.parse(r.stdout) as { file: string; line: number; code: string; category: string }[]).map((f) => [
      f.code,
      f.category,
      f.file,
      f.line,
    ]);
    const want = c.expect.map(([code, category, snippet]) => {
      const removal = ['event-removed', 'event-retired', 'field-removed', 'enum-value-removed', 'flag-removed', 'type-removed'].includes(
        code,
      );
      return [code, category, removal ? base : next, lineOf(removal ? c.base : text, snippet)];
    });
    const order = (xs: (string | number)[][]) => [...xs].sort((a, b) => String(a).localeCompare(String(b)));
    expect(JSON.stringify(order(got)), r.stderr).toBe(JSON.stringify(order(want)));
    const failing = c.expect.some(([, category]) => category !== 'compatible');
    expect(r.code).toBe(failing ? 1 : 0);
  });
});

describe('tracegen diff', () => {
  const swapped = VERIDIAN.replace('  - id: 2\n    name: sched_switch_out', '  - id: 3\n    name: sched_switch_out').replace(
    '  - id: 3\n    name: sched_switch_in',
    '  - id: 2\n    name: sched_switch_in',
  );

  it("prints text in the validator's style, github annotations, and a markdown changelog", async () => {
    const next = join(TMP, 'swapped.yaml');
    writeFileSync(next, swapped);
    const text = await runCli(['diff', 'schema/veridian.yaml', next]);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain(`${next}:48:11: error[id-reused]: id 3 named 'sched_switch_in'`);
    expect(text.stdout).toContain('48 |     name: sched_switch_out\n   |           ^^^^^^^^^^^^^^^^\n');
    expect(text.stdout.trimEnd().split('\n').at(-1)).toBe('2 wire, 0 source, 0 compatible: fails (--fail-on source)');
    const gh = await runCli(['diff', 'schema/veridian.yaml', next, '--format', 'github']);
    expect(gh.stdout.split('\n')[0]).toMatch(
      new RegExp(`^::error file=${next.replace(/[/.]/g, '\\$&')},line=48,col=11,.*title=id-reused::\\[id-reused\\] id 3 named`),
    );
    const md = await runCli(['diff', 'schema/veridian.yaml', next, '--format', 'markdown']);
    expect(md.stdout).toContain(
      '# Changes to the tracepoints of `veridian`\n\nSince schema/veridian.yaml.\n\n## Breaks traces already written\n',
    );
  });

  it('--fail-on chooses what fails: wire, source (default) or none', async () => {
    const next = join(TMP, 'renamed.yaml');
    writeFileSync(next, VERIDIAN.replace('name: ipc_slow_path', 'name: ipc_slow'));
    expect((await runCli(['diff', 'schema/veridian.yaml', next])).code).toBe(1);
    const wire = await runCli(['diff', 'schema/veridian.yaml', next, '--fail-on', 'wire']);
    expect(wire.code).toBe(0);
    expect(wire.stdout).toContain('warning[event-renamed]');
    expect((await runCli(['diff', 'schema/veridian.yaml', join(TMP, 'swapped.yaml'), '--fail-on', 'none'])).code).toBe(0);
    expect((await runCli(['diff', 'schema/veridian.yaml', 'schema/veridian.yaml'])).stdout).toBe(
      'no changes from schema/veridian.yaml to schema/veridian.yaml: ok\n',
    );
  });

  it('validate --against runs the same check after validation', async () => {
    const r = await runCli(['validate', join(TMP, 'swapped.yaml'), '--against', 'schema/veridian.yaml']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('error[id-reused]');
    expect((await runCli(['validate', join(TMP, 'swapped.yaml'), '--against', 'schema/veridian.yaml', '--fail-on', 'none'])).code).toBe(0);
  });

  it('compares two trace files written before and after a schema change', async () => {
    const trace = (schemaText: string) => {
      const t = new Tracer({
        layout: { ringSize: v.RING_SIZE, rings: v.RING_COUNT },
        eventName: v.eventTypeName,
        schemaText,
        schemaHash: 'ab'.repeat(32),
      });
      t.enable();
      t.write(2, 1, 0, 2, 0);
      return t.snapshot();
    };
    const before = join(TMP, 'before.trace');
    const after = join(TMP, 'after.trace');
    writeFileSync(before, trace(VERIDIAN));
    writeFileSync(after, trace(swapped));
    const r = await runCli(['diff', before, after, '--format', 'json']);
    expect(r.code).toBe(1);
    const findings = JSON.parse(r.stdout) as { file: string; line: number; code: string }[];
    expect(findings.map((f) => [f.code, f.file, f.line])).toEqual([
      ['id-reused', `${after} (its schema)`, 48],
      ['id-reused', `${after} (its schema)`, 55],
    ]);
    // and the text form shows the embedded schema's lines
    expect((await runCli(['diff', before, after])).stdout).toContain('48 |     name: sched_switch_out');
  });

  it('reads a git revision as the baseline, REV:PATH, from a throwaway repository', () => {
    const repo = join(TMP, 'repo');
    mkdirSync(join(repo, 'schema'), { recursive: true });
    const git = (...args: string[]) =>
      spawnSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: repo, encoding: 'utf8' });
    git('init', '-q');
    writeFileSync(join(repo, 'schema/x.yaml'), VERIDIAN);
    git('add', '.');
    git('commit', '-qm', 'first');
    writeFileSync(join(repo, 'schema/x.yaml'), swapped);
    const r = runBin(['diff', 'HEAD:schema/x.yaml', 'schema/x.yaml', '--format', 'json'], undefined, join(ROOT, repo));
    expect(r.code).toBe(1);
    expect((JSON.parse(r.stdout) as { code: string }[]).map((f) => f.code)).toEqual(['id-reused', 'id-reused']);
    git('commit', '-qam', 'second');
    // both sides from git
    const both = runBin(['diff', 'HEAD~1:schema/x.yaml', 'HEAD:schema/x.yaml'], undefined, join(ROOT, repo));
    expect(both.code).toBe(1);
    expect(both.stdout).toContain('HEAD:schema/x.yaml:48:11: error[id-reused]');
    // an unknown revision, a path outside the repository: one line, exit 2
    for (const arg of ['nosuchrev:schema/x.yaml', 'HEAD:../outside.yaml', 'HEAD:schema/absent.yaml']) {
      const bad = runBin(['diff', arg, 'schema/x.yaml'], undefined, join(ROOT, repo));
      expect([arg, bad.code]).toEqual([arg, 2]);
      expect(bad.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(bad.stderr).toMatch(new RegExp(`^tracegen: cannot read ${arg.replace(/[.]/g, '\\.')}: `));
    }
  });

  it('github annotations name working-tree paths from the repository root, never REV:PATH', () => {
    const repo = join(TMP, 'gh-repo');
    mkdirSync(join(repo, 'sub/schema'), { recursive: true });
    const git = (...args: string[]) =>
      spawnSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: repo, encoding: 'utf8' });
    git('init', '-q');
    writeFileSync(join(repo, 'sub/schema/app.yaml'), VERIDIAN);
    git('add', '.');
    git('commit', '-qm', 'first');
    // a swap (found in the new file) and a removal (found in the baseline)
    const cap = '      - { name: cap, word: data1, type: u64, format: hex, doc: Capability of the message. }\n\n  - id: 5';
    writeFileSync(join(repo, 'sub/schema/app.yaml'), swapped.replace(cap, '\n  - id: 5'));
    for (const [cwd, args] of [
      ['sub', ['HEAD:./schema/app.yaml', 'schema/app.yaml']],
      ['.', ['HEAD:sub/schema/app.yaml', 'sub/schema/app.yaml']],
    ] as const) {
      const r = runBin(['diff', ...args, '--format', 'github'], undefined, join(ROOT, repo, cwd));
      expect(r.code).toBe(1);
      const files = r.stdout
        .trimEnd()
        .split('\n')
        .map((l) => /file=([^,]*),line=(\d+)/.exec(l)!.slice(1));
      expect(files).toEqual([
        ['sub/schema/app.yaml', '1'], // field-removed: the baseline's line is in the message
        ['sub/schema/app.yaml', '48'],
        ['sub/schema/app.yaml', '55'],
      ]);
      expect(r.stdout).toContain(`(at line ${lineOf(VERIDIAN, cap)} of the baseline, HEAD:`);
    }
  });

  it('a baseline revision never reaches git as an option; the config baseline neither', () => {
    const repo = join(TMP, 'opt-repo');
    mkdirSync(join(repo, 'schema'), { recursive: true });
    spawnSync('git', ['init', '-q'], { cwd: repo });
    writeFileSync(join(repo, 'schema/app.yaml'), VERIDIAN);
    const victim = join(ROOT, TMP, 'written-by-git');
    const r = runBin(['diff', '--', `--output=${victim}:schema/app.yaml`, 'schema/app.yaml'], undefined, join(ROOT, repo));
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`tracegen: cannot read --output=${victim}:schema/app.yaml: a revision cannot begin with '-'\n`);
    writeFileSync(
      join(repo, 'tracegen.config.yaml'),
      `tracegen: 1\nbaseline: "--output=${victim}"\nschemas:\n  - { path: schema/app.yaml, out: gen, targets: [md] }\n`,
    );
    const c = runBin(['diff'], undefined, join(ROOT, repo));
    expect(c.code).toBe(2);
    expect(c.stderr).toMatch(/a revision cannot begin with '-'/);
    expect(existsSync(victim)).toBe(false);
  });

  it('a trace baseline whose header claims a 4 GiB schema is refused without allocating it', () => {
    const claim = Buffer.from(readFileSync(join(TMP, 'before.trace')));
    claim.writeUInt32LE(0xffff_fff0, 80);
    const path = join(TMP, 'claims-4g.trace');
    writeFileSync(path, claim);
    const r = spawnSync(
      process.execPath,
      ['--max-old-space-size=64', join(ROOT, 'dist/generator/cli/bin.js'), 'diff', path, 'schema/veridian.yaml'],
      {
        encoding: 'utf8',
      },
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('error[file-too-large]: schema is 4294967280 bytes');
  });

  it('bad baselines: missing, a folder, binary, invalid, huge, a trace without a schema or cut off', async () => {
    const binary = join(TMP, 'binary.yaml');
    writeFileSync(binary, Buffer.from([0, 1, 2, 0xff]));
    const invalid = join(TMP, 'invalid.yaml');
    writeFileSync(invalid, 'tracegen: 1\nname: [oops\n');
    const huge = join(TMP, 'huge.yaml');
    writeFileSync(huge, 'tracegen: 1\n' + '#'.repeat(2 * 1024 * 1024) + '\n');
    const full = readFileSync(join(TMP, 'before.trace'));
    const cut = join(TMP, 'cut.trace');
    writeFileSync(cut, full.subarray(0, 60));
    const empty = join(TMP, 'noschema.trace');
    const noSchema = Buffer.from(full.subarray(0, 88));
    noSchema.writeUInt32LE(0, 80);
    noSchema.writeUInt32LE(88, 12);
    writeFileSync(empty, noSchema);
    const cases: [string, number, RegExp][] = [
      [join(TMP, 'absent.yaml'), 2, /no such file/],
      [TMP, 2, /is a directory/],
      [binary, 1, /error\[not-text\]/],
      [invalid, 1, /error\[yaml-syntax\]/],
      [huge, 1, /error\[file-too-large\]/],
      [cut, 2, /cut off inside its header/],
      [empty, 2, /carries no schema/],
    ];
    for (const [baseline, code, message] of cases) {
      const r = runBin(['diff', baseline, 'schema/veridian.yaml']);
      expect([baseline, r.code]).toEqual([baseline, code]);
      expect(r.stderr).toMatch(message);
      expect(hasStackTrace(r.stderr)).toBe(false);
    }
    expect((await runCli(['diff', 'schema/veridian.yaml'])).code).toBe(2);
    expect((await runCli(['diff', 'a', 'b', '--format', 'xml'])).code).toBe(2);
  });
});

describe("decode with another schema than the trace's own", () => {
  it('says what the given schema would read differently', async () => {
    const next = join(TMP, 'swapped-decode.yaml');
    writeFileSync(
      next,
      VERIDIAN.replace('  - id: 2\n    name: sched_switch_out', '  - id: 3\n    name: sched_switch_out').replace(
        '  - id: 3\n    name: sched_switch_in',
        '  - id: 2\n    name: sched_switch_in',
      ),
    );
    const r = await runCli(['decode', join(TMP, 'before.trace'), '--schema', next, '--format', 'jsonl']);
    expect(r.code).toBe(0);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines[1]).toBe(`tracegen: note: ${next} would read this trace differently:`);
    expect(lines.slice(2).map((l) => /^ {2}wire\[([a-z-]+)\]/.exec(l)?.[1])).toEqual(['id-reused', 'id-reused']);
  });
});
