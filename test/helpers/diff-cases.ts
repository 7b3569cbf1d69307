/**
 * The diff test table: each change to a schema, with the findings (code, category, the line it
 * points at) it must give. `diff.test.ts` checks the findings; `diff-compile.test.ts` checks
 * that each category means what it says by compiling callers of the old API against the new code.
 */
import { readFileSync } from 'node:fs';

export const VERIDIAN = readFileSync('schema/veridian.yaml', 'utf8');
export const PACKED = readFileSync('test/golden/packed/schema.yaml', 'utf8');

export interface Case {
  what: string;
  base: string;
  /** Text replacements that make the new schema from the base. */
  edits: [string, string][];
  /** Expected findings: code, category, and a snippet of the line it points at (in the new schema, or the base's for a removal). */
  expect: [code: string, category: string, line: string][];
}

const V = VERIDIAN;
const P = PACKED;
export const CASES: Case[] = [
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
    expect: [['field-added', 'source', 'name: extra']],
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
  {
    what: 'a field made a counter',
    base: V,
    edits: [
      ['{ name: target, word: data0, type: u64, doc: "Target', '{ name: target, word: data0, type: u64, counter: true, doc: "Target'],
    ],
    expect: [['counter-changed', 'compatible', 'counter: true, doc: "Target']],
  },
  {
    what: 'a field made a flow id',
    base: V,
    edits: [['{ name: target, word: data0, type: u64, doc: "Target', '{ name: target, word: data0, type: u64, flow: true, doc: "Target']],
    expect: [['flow-changed', 'compatible', 'flow: true, doc: "Target']],
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
    expect: [['field-api-retyped', 'source', 'bits: [4, 23]']],
  },
  {
    what: 'a bit range widened within its API types',
    base: P,
    edits: [
      [
        "{ name: straddle, word: data1, bits: [20, 59], type: u40, format: hex, doc: Crosses the word's halves. }",
        "{ name: straddle, word: data1, bits: [20, 63], type: u44, format: hex, doc: Crosses the word's halves. }",
      ],
    ],
    expect: [['field-widened', 'compatible', 'bits: [20, 63]']],
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

/** The new schema of a case: its base with its edits applied (each must apply). */
export function applyEdits(c: Case): string {
  let text = c.base;
  for (const [from, to] of c.edits) {
    if (!text.includes(from)) throw new Error(`edit not applicable: ${from}`);
    text = text.replace(from, to);
  }
  return text;
}
