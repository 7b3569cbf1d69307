/**
 * `--target python`: a dependency-free Python 3 module whose table and dump equal `tracegen
 * decode`'s line for line, and whose field values and issues are the runtime codec's. Compared on
 * the kernel fixtures and on random records of every field shape (misfits stored and traced,
 * unknown ids) in trace files of several runs and drains, ring images and serial dumps.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  encodeHeader,
  formatDump,
  imageBytes,
  RECORD_BYTES,
  ringOffset,
  writeChunkHeader,
  writeIndexOffset,
  CHUNK_HEADER_BYTES,
} from '@tracegen/runtime';
import { issuesOf, SchemaDecoder } from '../generator/trace/read/schema-decoder.js';
import { readRecord } from '../generator/trace/read/record.js';
import { loadSchemaFile } from '../generator/schema/load-schema.js';
import { PY_NAMES, TS_MODULE_NAMES } from '../generator/schema/model/target-names.js';
import { ROOT, runCli } from './helpers/run-cli.js';

const DIR = mkdtempSync(join(tmpdir(), 'tracegen-python-'));
afterAll(() => rmSync(DIR, { recursive: true, force: true }));

const PACKED = loadSchemaFile('test/golden/packed/schema.yaml').model!;
const VERIDIAN_PY = join(ROOT, 'generated/veridian/trace_events.py');
const PACKED_PY = join(DIR, 'packed/trace_events.py');

beforeAll(async () => {
  const r = await runCli(['generate', 'test/golden/packed/schema.yaml', '--target', 'python', '--out', join(DIR, 'packed')]);
  expect(r.code, r.stderr).toBe(0);
});

function python(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync('python3', ['-X', 'utf8', ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** `tracegen decode` and the Python module on the same input and options: the same stdout, the same exit code. */
async function expectSameOutput(module: string, input: string, options: string[] = []): Promise<string> {
  const schema = module === PACKED_PY ? ['--schema', 'test/golden/packed/schema.yaml'] : [];
  const cli = await runCli(['decode', input, ...schema, ...options]);
  const py = python([module, input, ...options]);
  expect(py.stderr.replace(/^trace_events\.py: /gm, 'tracegen: ')).toBe(cli.stderr);
  expect(py.stdout).toBe(cli.stdout);
  expect(py.code).toBe(cli.code);
  return py.stdout;
}

describe('the Python module on the kernel fixtures', () => {
  const cases: [string, string[]][] = [
    ['test/fixtures/veridian-seed/rings.bin', []],
    ['test/fixtures/veridian-seed/rings.bin', ['--format', 'dump']],
    ['test/fixtures/veridian-seed/rings.bin', ['--order', 'ring', '--last', '5']],
    ['test/fixtures/veridian-seed/rings.bin', ['--format', 'dump', '--last', '7', '--cpu', '3', '--cpu', '20']],
    ['test/fixtures/veridian-seed/rings.bin', ['--frequency', '2400000000', '--event', 'page_fault']],
    ['test/fixtures/veridian-seed/dump.txt', []],
    ['test/fixtures/veridian-seed/dump.txt', ['--format', 'dump']],
    ['test/fixtures/veridian-seed-42/rings.bin', ['--frequency', '1000000']],
    ['test/fixtures/veridian-seed-42/dump.txt', ['--event', 'syscall_exit']],
  ];
  it.each(cases)('%s %j prints what tracegen decode prints', async (input, options) => {
    const out = await expectSameOutput(VERIDIAN_PY, input, options);
    expect(out.split('\n').length).toBeGreaterThan(2);
  });

  it('reads with no package but the standard library, and names the values the runtime does', () => {
    const script = `
import json, sys
sys.path.insert(0, "generated/veridian")
import trace_events as t
trace = t.read_file("test/fixtures/veridian-seed/rings.bin")
r = next(r for r in trace.records if r.event == "page_fault")
print(json.dumps([t.TraceEventType.PAGE_FAULT.value, t.event_name(8), t.event_name(200), r.values(),
                  int(t.PageFaultError.PRESENT | t.PageFaultError.USER), sorted(sys.modules.keys() & {"yaml", "numpy"})]))
`;
    const r = python(['-c', script]);
    expect(r.stderr).toBe('');
    const [id, name, unknown, values, flags, heavy] = JSON.parse(r.stdout) as [
      number,
      string,
      string,
      Record<string, unknown>,
      number,
      string[],
    ];
    expect([id, name, unknown, flags, heavy]).toEqual([8, 'page_fault', 'unknown', 5, []]);
    expect(Object.keys(values)).toEqual(['addr', 'error_code']);
  });

  it('declares the classes validate keeps schema names away from', () => {
    const text = readFileSync(VERIDIAN_PY, 'utf8');
    const classes = [...text.matchAll(/^class (\w+)[(:]/gm)].map((m) => m[1]!);
    const own = classes.filter((c) => !['PageFaultError'].includes(c));
    expect(own.sort()).toEqual(['TraceEventType', 'TraceFileError', PY_NAMES.field, PY_NAMES.input, 'TraceRecord'].sort());
    for (const c of own) expect(TS_MODULE_NAMES.has(c)).toBe(true);
  });

  it('refuses what it cannot read with one line and exit 1, and a wrong option with exit 2', () => {
    writeFileSync(join(DIR, 'short.bin'), Buffer.alloc(100, 1));
    const short = python([VERIDIAN_PY, join(DIR, 'short.bin'), '--input-format', 'rings']);
    expect(short.code).toBe(1);
    expect(short.stderr).toMatch(
      /^trace_events\.py: .*short\.bin: 100 bytes is not a ring image of this schema's layout: expected 2097280 .*\n$/,
    );
    const event = python([VERIDIAN_PY, 'test/fixtures/veridian-seed/rings.bin', '--event', 'nope']);
    expect(event.code).toBe(2);
    expect(event.stderr).toBe(
      'trace_events.py: --event nope: no such event in schema veridian (it has syscall_entry, syscall_exit, sched_switch_out, sched_switch_in, ipc_fast_send, ipc_fast_recv, frame_alloc, frame_free, page_fault, ipc_slow_path)\n',
    );
  });
});

/** Words biased towards the edges of fields: all ones, single bits, small values, random. */
const word = fc.oneof(
  fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
  fc.bigInt({ min: 0n, max: 255n }),
  fc.integer({ min: 0, max: 63 }).map((b) => 1n << BigInt(b)),
  fc.integer({ min: 0, max: 63 }).map((b) => (1n << BigInt(b)) - 1n),
);
const rawRecord = fc.record({
  id: fc.constantFrom(0, 1, 2, 3, 4, 7, 255),
  d0: word,
  d1: word,
  args: fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 2 ** 32 - 1 })),
  cpu: fc.integer({ min: 0, max: 5 }),
});
type Raw = { id: number; d0: bigint; d1: bigint; args: number; cpu: number; ts: bigint };

function recordBytes(r: Raw, out: Uint8Array, at: number): void {
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  view.setBigUint64(at, r.ts, true);
  out[at + 8] = r.id;
  out[at + 9] = r.cpu;
  view.setUint32(at + 12, r.args, true);
  view.setBigUint64(at + 16, r.d0, true);
  view.setBigUint64(at + 24, r.d1, true);
}

/** A capture of two runs, each of two drains over the rings, cut inside its last chunk when `cut`. */
function traceFile(records: Omit<Raw, 'ts'>[], cut: boolean): Buffer {
  const parts: Uint8Array[] = [];
  const rings = PACKED.layout.rings;
  const perRing = Math.ceil(records.length / 8);
  let next = 0;
  const written = new Array<number>(rings).fill(0);
  for (const [run, runId] of [
    [0, 0x1234abcd],
    [1, 0x0badcafe],
  ] as const) {
    const header = { layout: PACKED.layout, clock: 'ns' as const, frequency: 1e9, schemaHash: PACKED.hash, schemaText: PACKED.text };
    parts.push(encodeHeader({ ...header, wallClockZeroMs: run === 0 ? 0 : 1764806400123.9, runId }));
    written.fill(0);
    for (let drain = 0; drain < 2; drain++)
      for (let ring = 0; ring < rings; ring++) {
        const take = records.slice(next, next + Math.min(perRing, PACKED.layout.ringSize));
        next += take.length;
        const chunk = new Uint8Array(CHUNK_HEADER_BYTES + take.length * RECORD_BYTES);
        writeChunkHeader(chunk, 0, { ring, count: take.length, firstIndex: written[ring]!, overwritten: drain * ring, dropped: 0 });
        // timestamps rise within a ring and interleave across rings; the second drain's overlap the first's
        take.forEach((r, i) => {
          recordBytes({ ...r, ts: BigInt(1000 + drain * 40 + i * 7 + ring * 3) }, chunk, CHUNK_HEADER_BYTES + i * RECORD_BYTES);
        });
        written[ring]! += take.length;
        parts.push(chunk);
      }
  }
  const whole = Buffer.concat(parts);
  return cut ? whole.subarray(0, whole.length - 50) : whole;
}

/** A ring image of the packed layout, rings written past their size where there are records enough. */
function ringImage(records: Omit<Raw, 'ts'>[]): Buffer {
  const image = new Uint8Array(imageBytes(PACKED.layout));
  const view = new DataView(image.buffer);
  const { ringSize, rings } = PACKED.layout;
  records.forEach((r, i) => {
    const ring = i % rings;
    const index = Math.floor(i / rings);
    recordBytes({ ...r, ts: BigInt(5000 + i) }, image, ringOffset(PACKED.layout, ring) + (index % ringSize) * RECORD_BYTES);
    view.setBigUint64(writeIndexOffset(PACKED.layout, ring), BigInt(index + 1), true);
  });
  return Buffer.from(image);
}

describe('the Python module on random records of every field shape', () => {
  const records = fc.sample(rawRecord, { numRuns: 600, seed: 20261204 });

  it.each([
    ['trace file', () => traceFile(records, false), [[], ['--order', 'ring'], ['--run', '2'], ['--cpu', '1', '--event', 'packed']]],
    ['cut trace file', () => traceFile(records, true), [[], ['--run', '2', '--format', 'dump'], ['--frequency', '3']]],
    ['ring image', () => ringImage(records), [[], ['--format', 'dump', '--last', '9'], ['--frequency', '2400000000']]],
    [
      'serial dump',
      () =>
        Buffer.from(
          `boot...\r\n${formatDump(ringImage(records), PACKED.layout, 40, (id) => PACKED.events.find((e) => e.id === id)?.names.snake ?? 'unknown').join('\r\n')}\r\n`,
        ),
      [[], ['--format', 'dump']],
    ],
  ] as const)('%s: tracegen decode and the module print the same', async (label, make, optionSets) => {
    const path = join(DIR, label.replace(/ /g, '-'));
    writeFileSync(path, make());
    const outputs: string[] = [];
    for (const options of optionSets) outputs.push(await expectSameOutput(PACKED_PY, path, [...options]));
    // the cases reach what they are about: runs kept apart, decoded fields, issues
    if (label === 'trace file') expect(outputs[0]).toContain('--- run 2 of ');
    expect(outputs[0]).toMatch(/ \(!does not fit /);
    expect(outputs[0]).toMatch(/ kind=(timer|net|disk|ipi) /);
  });

  it('gives every field the value and issues the runtime codec gives', () => {
    const decoder = new SchemaDecoder(PACKED);
    const bytes = new Uint8Array(records.length * RECORD_BYTES);
    records.forEach((r, i) => {
      recordBytes({ ...r, ts: BigInt(i + 1) }, bytes, i * RECORD_BYTES);
    });
    const path = join(DIR, 'records.bin');
    writeFileSync(path, bytes);
    const script = `
import json, sys
sys.path.insert(0, sys.argv[1])
import trace_events as t
data = open(sys.argv[2], "rb").read()
out = []
for i in range(0, len(data), 32):
    r = t._record_at(data, i, 0)
    shown = lambda v: v if isinstance(v, (bool, str)) else str(v)
    out.append([r.event, [[f.name, shown(f.value), f.text] for f in r.fields()], [list(x) for x in r.issues()]])
print(json.dumps(out))
`;
    const r = python(['-c', script, join(DIR, 'packed'), path]);
    expect(r.stderr).toBe('');
    const got = JSON.parse(r.stdout) as [string | null, [string, unknown, string][], [string, string][]][];
    const view = new DataView(bytes.buffer);
    let issues = 0;
    got.forEach(([event, fields, pyIssues], i) => {
      const rec = readRecord(view, i * RECORD_BYTES, 0);
      const ts = decoder.fields(rec);
      expect(event).toBe(decoder.event(rec.id)?.names.snake ?? null);
      expect(pyIssues).toEqual(issuesOf(ts).map((x) => [x.field, x.message]));
      issues += pyIssues.length;
      expect(fields.map(([name, , text]) => [name, text])).toEqual(ts.map((f) => [f.name, f.text]));
      fields.forEach(([, value], k) => {
        const v = ts[k]!.value;
        // a misfit wider than a double's integers is NaN in JavaScript; Python keeps it exact
        if (typeof v === 'number' && Number.isNaN(v)) return;
        expect(value).toEqual(typeof v === 'boolean' || typeof v === 'string' ? v : String(v));
      });
    });
    expect(issues).toBeGreaterThan(100);
  });
});
