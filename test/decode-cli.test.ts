import { readFileSync, writeFileSync, mkdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { appendRecord, imageBytes } from '@tracegen/runtime';
import * as v from '../generated/veridian/index.js';
import { readEvents } from './helpers/fixtures.js';
import { hasStackTrace, ROOT, runBin, runCli } from './helpers/run-cli.js';

afterAll(() => rmSync('test/tmp/decode', { recursive: true, force: true }));

const TMP = 'test/tmp/decode';
mkdirSync(TMP, { recursive: true });
const fixture = (set: string, file: string) => `test/fixtures/${set}/${file}`;
const SETS = [
  { set: 'veridian-seed', last: 64 },
  { set: 'veridian-seed-42', last: 10 },
];

interface JsonRecord {
  ts: string;
  cpu: number;
  id: number | null;
  event: string;
  data0: string;
  data1: string;
  args: Record<string, unknown>;
  issues?: { field: string; message: string }[];
}
const jsonl = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as JsonRecord);

/** The rows of a kernel dump as the fields the jsonl output carries. */
function dumpRows(text: string) {
  return text
    .split('\n')
    .filter((l) => /^\s*\d+\s+\d+\s+\S+\s+0x/.test(l))
    .map((l) => {
      const [ts, cpu, event, d0, d1] = l.trim().split(/\s+/) as [string, string, string, string, string];
      return { ts, cpu: Number(cpu), event, data0: BigInt(d0).toString(), data1: BigInt(d1).toString() };
    });
}

describe.each(SETS)('kernel data $set', ({ set, last }) => {
  it('rings.bin decodes to exactly the events of truth.jsonl', async () => {
    const r = await runCli(['decode', fixture(set, 'rings.bin'), '--format', 'jsonl', '--order', 'ring']);
    expect(r.code).toBe(0);
    const got = jsonl(r.stdout).map((e) => ({ ts: e.ts, type: e.id, cpu: e.cpu, data0: e.data0, data1: e.data1 }));
    const truth = readEvents(fixture(set, 'truth.jsonl')).map((e) => ({
      ts: e.timestamp.toString(),
      type: e.id,
      cpu: e.cpu,
      data0: e.data0.toString(),
      data1: e.data1.toString(),
    }));
    expect(got).toEqual(truth);
  });

  it('by default all CPUs are merged by timestamp', async () => {
    const r = await runCli(['decode', fixture(set, 'rings.bin'), '--format', 'jsonl']);
    const ts = jsonl(r.stdout).map((e) => BigInt(e.ts));
    for (let i = 1; i < ts.length; i++) expect(ts[i]! >= ts[i - 1]!).toBe(true);
    expect(ts).toHaveLength(readEvents(fixture(set, 'truth.jsonl')).length);
  });

  it(`--format dump --last ${last} reproduces dump.txt byte for byte`, async () => {
    const r = await runCli(['decode', fixture(set, 'rings.bin'), '--format', 'dump', '--last', String(last)]);
    expect(r.stdout).toBe(readFileSync(fixture(set, 'dump.txt'), 'utf8'));
  });

  it('dump.txt wrapped in other console lines with \\r\\n decodes to exactly its rows', async () => {
    const dump = readFileSync(fixture(set, 'dump.txt'), 'utf8');
    const serial = join(TMP, `${set}-serial.log`);
    writeFileSync(
      serial,
      ['[    0.000] VeridianOS booting', 'veridian> profiler report 64', ...dump.trimEnd().split('\n'), 'veridian> '].join('\r\n') + '\r\n',
    );
    const r = await runCli(['decode', serial, '--format', 'jsonl', '--order', 'ring']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(jsonl(r.stdout).map(({ ts, cpu, event, data0, data1 }) => ({ ts, cpu, event, data0, data1 }))).toEqual(dumpRows(dump));
    // and printing it as a dump again gives the same text
    expect((await runCli(['decode', serial, '--format', 'dump'])).stdout).toBe(dump);
  });

  it('the schema-driven decoder and the generated decoders agree on every record', async () => {
    const image = readFileSync(fixture(set, 'rings.bin'));
    const r = await runCli(['decode', fixture(set, 'rings.bin'), '--format', 'jsonl', '--order', 'ring']);
    const cli = jsonl(r.stdout);
    const generated: v.TraceRecord[] = [];
    for (let ring = 0; ring < v.RING_COUNT; ring++) {
      const base = ring * (v.RING_SIZE * 32 + 8);
      const written = Number(image.readBigUInt64LE(base + v.RING_SIZE * 32));
      for (let i = Math.max(0, written - v.RING_SIZE); i < written; i++)
        generated.push(v.decodeRecord(image, base + (i % v.RING_SIZE) * 32));
    }
    expect(generated).toHaveLength(cli.length);
    let compared = 0;
    for (const [i, g] of generated.entries()) {
      const c = cli[i]!;
      expect([c.id, c.cpu, c.ts]).toEqual([g.id, g.cpu, g.ts.toString()]);
      expect(c.event).toBe(g.event);
      if (g.event === 'unknown') continue;
      const event =
        v.TraceEventType[
          Object.keys(v.TraceEventType).find(
            (k) => v.TraceEventType[k as keyof typeof v.TraceEventType] === g.id,
          ) as keyof typeof v.TraceEventType
        ];
      expect(event).toBe(g.id);
      // same fields, same values; the same ones flagged as not fitting
      expect(c.issues ?? []).toEqual(g.issues ?? []);
      for (const [snake, value] of Object.entries(c.args)) {
        const camel = snake.replace(/_([a-z0-9])/g, (_, ch: string) => ch.toUpperCase());
        const gv = (g as unknown as Record<string, unknown>)[camel];
        // a misfit's value is its raw bits in both (null in JSON where a number cannot hold them)
        if (typeof gv === 'number' && Number.isNaN(gv)) expect(value).toBeNull();
        else if ((g.issues ?? []).some((x) => x.field === snake) && g.event === 'page_fault') expect(value).toBe(Number(gv));
        else if (g.event === 'page_fault' && snake === 'error_code') expect(value).toBe(v.formatRecord(g).split('error_code=')[1]);
        else expect(typeof gv === 'bigint' ? BigInt(value as number | string) : value).toEqual(gv);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(cli.length);
  });
});

describe('trace files from the runtime', () => {
  it('a snapshot decodes with the schema it carries, values intact', async () => {
    v.enable();
    v.traceSyscallExit(60, -14n);
    v.tracePageFault(0xdead_b000n, v.PageFaultError.Write | v.PageFaultError.User);
    const file = join(TMP, 'snap.trace');
    writeFileSync(file, v.snapshot());
    const r = await runCli(['decode', file, '--format', 'jsonl', '--event', 'syscall_exit', '--event', 'page_fault']);
    expect(r.code).toBe(0);
    const records = jsonl(r.stdout).slice(-2);
    expect(records.map((x) => [x.event, x.args])).toEqual([
      // i64 and u64 fields are strings whatever their value: one JSON type per field
      ['syscall_exit', { syscall_nr: 60, ret: '-14' }],
      ['page_fault', { addr: String(0xdeadb000), error_code: 'write|user' }],
    ]);
    expect(records[0]!.data1).toBe('18446744073709551602');
    const table = await runCli(['decode', file, '--event', 'page_fault']);
    expect(table.stdout.split('\n')[0]).toMatch(/^ +TIME \(s\) {2}CPU EVENT +FIELDS$/);
    expect(table.stdout).toMatch(/\d+\.\d{9} +0 page_fault +addr=0xdeadb000 error_code=write\|user\n$/);
  });

  it('a capture of appended drains decodes every event once, in time order, from stdin too', async () => {
    const file = join(TMP, 'capture.trace');
    rmSync(file, { force: true });
    v.enable();
    const parts: Uint8Array[] = [v.drain()];
    for (let i = 0; i < 5000; i++) {
      v.traceSchedSwitchIn(i, i + 1);
      if (i % 1000 === 999) parts.push(v.drain());
    }
    parts.push(v.drain());
    writeFileSync(file, Buffer.concat(parts));
    const r = runBin(['decode', '-', '--format', 'jsonl', '--event', 'sched_switch_in'], readFileSync(file));
    expect(r.code).toBe(0);
    const pids = jsonl(r.stdout).map((x) => x.args['pid']);
    expect(pids).toEqual(Array.from({ length: 5000 }, (_, i) => i));
  });

  it('shows progress on a terminal while a long input decodes, then clears it', async () => {
    const file = join(TMP, 'long.trace');
    v.enable();
    const parts: Uint8Array[] = [v.snapshot()];
    v.drain();
    for (let round = 0; round < 40; round++) {
      for (let i = 0; i < 4000; i++) v.traceSchedSwitchOut(i, round);
      parts.push(v.drain());
    }
    writeFileSync(file, Buffer.concat(parts));
    // a clock that runs 0.6 s a reading: every batch outlasts the half-second threshold
    let t = 0;
    const r = await runCli(['decode', file, '--format', 'table', '-o', join(TMP, 'long.txt')], { stderrTTY: true, now: () => (t += 600) });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^\rdecode: \d+% \(\d+ of 5 MiB, \d+ events\)/);
    // the progress line is cleared before anything else is said
    expect(r.stderr).toContain('\r\x1b[K');
    expect(r.stderr.split('\r\x1b[K').at(-1)).not.toContain('decode:');
    const quiet = await runCli(['decode', file, '--format', 'jsonl', '-o', join(TMP, 'long.jsonl')]);
    expect(quiet.stderr).not.toContain('decode:');
  });

  it('says when --schema differs from the schema inside the trace, and how to proceed', async () => {
    const file = join(TMP, 'snap.trace');
    const r = await runCli(['decode', file, '--schema', 'test/golden/packed/schema.yaml', '--format', 'jsonl']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      /^tracegen: note: .* was written with schema 'veridian' \([0-9a-f]{12}\), not test\/golden\/packed\/schema\.yaml \([0-9a-f]{12}\); decoding with the schema inside the trace\. Pass --force-schema/,
    );
  });
});

describe('--format chrome', () => {
  it('writes trace event JSON: spans as slices on their CPU, other events as instants', async () => {
    v.enable();
    v.traceSyscallEntry(5, 0n);
    v.traceSchedSwitchIn(1, 2);
    v.traceSyscallExit(5, -2n);
    v.traceSyscallEntry(6, 1n); // never ends
    const file = join(TMP, 'chrome.trace');
    writeFileSync(file, v.snapshot());
    const r = await runCli(['decode', file, '--format', 'chrome', '--from', '0']);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as { displayTimeUnit: string; traceEvents: Record<string, unknown>[] };
    expect(json.displayTimeUnit).toBe('ns');
    const events = json.traceEvents;
    expect(events.filter((e) => e['ph'] === 'M').map((e) => (e['args'] as { name: string }).name)).toEqual(['veridian', 'cpu 0']);
    const slice = events.filter((e) => e['ph'] === 'X').at(-1)!;
    expect(slice).toMatchObject({
      name: 'syscall',
      cat: 'span',
      pid: 1,
      tid: 0,
      args: { begin: { syscall_nr: 5, arg1: 0 }, end: { syscall_nr: 5, ret: -2 } },
    });
    expect(slice['dur'] as number).toBeGreaterThan(0);
    const instants = events.filter((e) => e['ph'] === 'i').slice(-2);
    expect(instants.map((e) => [e['name'], e['args']])).toEqual([
      ['sched_switch_in', { pid: 1, tid: 2 }],
      ['syscall_entry', { syscall_nr: 6, arg1: 1 }],
    ]);
    expect((json as unknown as { otherData: unknown }).otherData).toEqual({
      schema: 'veridian',
      clock: 'cycles',
      frequency_hz: 1e9,
      timestamps: 'microseconds',
    });
    // the ns clock of a runtime trace: microseconds to the nanosecond
    expect(Number.isInteger(Math.round((instants[0]!['ts'] as number) * 1000))).toBe(true);
  });
});

describe('--format chrome args', () => {
  it('numbers stay numbers, units sit beside them, big values and misfits are text; kernel time in µs', async () => {
    const layout = { ringSize: 64, rings: 4 };
    const image = new Uint8Array(imageBytes(layout));
    // packed: kind=net(1), valid, delta=-3 (ns), vector=0x2a, rights=read|write; a misfit vector is impossible (8 of 8 bits)
    const d0 = 1n | (1n << 3n) | (BigInt.asUintN(16, -3n) << 4n) | (0x2an << 24n) | (3n << 32n);
    appendRecord(image, layout, 0, { timestamp: 2000n, id: 0, cpu: 0, data0: d0, data1: 0n });
    appendRecord(image, layout, 0, { timestamp: 4000n, id: 2, cpu: 0, data0: 2n ** 64n - 1n, data1: 5n });
    const file = join(TMP, 'packed-chrome.bin');
    writeFileSync(file, image);
    const r = await runCli(['decode', file, '--schema', 'test/golden/packed/schema.yaml', '--format', 'chrome']);
    expect(r.code, r.stderr).toBe(0);
    const events = (JSON.parse(r.stdout) as { traceEvents: Record<string, unknown>[] }).traceEvents.filter((e) => e['ph'] === 'i');
    expect(events.map((e) => [e['ts'], e['args']])).toEqual([
      [
        2,
        {
          kind: 'net',
          valid: true,
          delta: -3,
          delta_unit: 'ns',
          vector: 42,
          rights: 'read|write',
          small_neg: 0,
          straddle: 0,
          crossing_signed: 0,
        },
      ],
      [4, { address: '0xffffffffffffffff', offset: 5 }],
    ]);
    const kernel = await runCli([
      'decode',
      fixture('veridian-seed', 'rings.bin'),
      '--schema',
      'schema/veridian.yaml',
      '--format',
      'chrome',
      '--frequency',
      '2000000',
    ]);
    // the first instant: frame_free at 1001530 cycles of a 2 MHz clock
    const first = (JSON.parse(kernel.stdout) as { traceEvents: Record<string, unknown>[] }).traceEvents.find((e) => e['ph'] === 'i')!;
    expect([first['name'], first['ts']]).toEqual(['frame_free', 1001530 / 2]);
  });
});

describe('filters', () => {
  const rings = fixture('veridian-seed', 'rings.bin');
  it('--cpu, --event, --last and a time range', async () => {
    const cpu = jsonl((await runCli(['decode', rings, '--format', 'jsonl', '--cpu', '20'])).stdout);
    expect(cpu.length).toBeGreaterThan(0);
    expect(new Set(cpu.map((x) => x.cpu))).toEqual(new Set([20]));
    const ev = jsonl((await runCli(['decode', rings, '--format', 'jsonl', '--event', 'page_fault', '--event', 'frame_free'])).stdout);
    expect(new Set(ev.map((x) => x.event))).toEqual(new Set(['page_fault', 'frame_free']));
    const last = jsonl((await runCli(['decode', rings, '--format', 'jsonl', '--last', '3', '--order', 'ring'])).stdout);
    const truth = readEvents(fixture('veridian-seed', 'truth.jsonl'));
    const expected = [...new Set(truth.map((e) => e.ring))].flatMap((ring) => truth.filter((e) => e.ring === ring).slice(-3));
    expect(last.map((x) => x.ts)).toEqual(expected.map((e) => e.timestamp.toString()));
    const range = jsonl((await runCli(['decode', rings, '--format', 'jsonl', '--from', '1100000', '--to', '1100500'])).stdout);
    expect(range.length).toBeGreaterThan(0);
    expect(range.every((x) => BigInt(x.ts) >= 1100000n && BigInt(x.ts) < 1100500n)).toBe(true);
    const t = jsonl(
      (await runCli(['decode', rings, '--format', 'jsonl', '--frequency', '1000000', '--from', '1.1s', '--to', '1100500'])).stdout,
    );
    expect(t).toEqual(range);
  });
});

describe('bad input: one line on stderr, exit 1, never a stack trace', () => {
  const write = (name: string, data: Uint8Array | string) => {
    const p = join(TMP, name);
    writeFileSync(p, data);
    return p;
  };
  const image = readFileSync(fixture('veridian-seed', 'rings.bin'));
  const cases: [string, () => string, RegExp][] = [
    ['an empty file', () => write('empty.bin', ''), /^tracegen: .*empty\.bin: empty input$/],
    [
      'a truncated image',
      () => write('short.bin', image.subarray(0, image.length - 100)),
      /^tracegen: .*short\.bin: 2097180 bytes is not a ring image of this schema's layout: expected 2097280 \(16 rings x \(4096 x 32 \+ 8\)\)$/,
    ],
    [
      'a wrongly sized image',
      () => write('long.bin', Buffer.concat([image, Buffer.alloc(8)])),
      /^tracegen: .*long\.bin: 2097288 bytes is not a ring image/,
    ],
    [
      'random bytes',
      () =>
        write(
          'random.bin',
          Uint8Array.from({ length: 5000 }, (_, i) => (i * 2654435761) >>> 24),
        ),
      /^tracegen: .*random\.bin: 5000 bytes is not a ring image/,
    ],
    ['text with no dump', () => write('boot.log', 'booting\r\nall fine\r\n'), /^tracegen: .*boot\.log: no dump_trace output in it/],
  ];
  it.each(cases)('%s', (_, make, message) => {
    const r = runBin(['decode', make()]);
    expect(r.code).toBe(1);
    expect(hasStackTrace(r.stderr)).toBe(false);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr.trimEnd()).toMatch(message);
  });

  it('a trace file cut off mid-chunk: what came before is decoded with its notes, then one line and exit 1', () => {
    v.enable();
    v.drain();
    const first = v.snapshot(); // a header and what the ring holds
    v.traceSchedSwitchIn(1, 2);
    const second = v.drain();
    v.traceSchedSwitchIn(3, 4);
    const third = v.drain();
    const cut = write('cut.trace', Buffer.concat([first, second, third.subarray(0, third.length - 10)]));
    const out = join(TMP, 'cut.jsonl');
    const r = runBin(['decode', cut, '--format', 'jsonl', '--order', 'ring', '-o', out]);
    expect(r.code).toBe(1);
    expect(hasStackTrace(r.stderr)).toBe(false);
    // what the records before the damage say of themselves (the ring lost what it overwrote), then the damage
    const [losses, damage, ...more] = r.stderr.trimEnd().split('\n');
    expect(losses).toMatch(/^tracegen: the capture lost \d+ events to overwriting and dropped 0 torn records$/);
    expect(damage).toMatch(
      /^tracegen: .*cut\.trace: cut off at byte \d+, inside the chunk at byte \d+ \(ring 0\): 0 of its 1 records were whole and are kept$/,
    );
    expect(more).toEqual([]);
    const decoded = jsonl(readFileSync(out, 'utf8'));
    expect(decoded.at(-1)!.args).toEqual({ pid: 1, tid: 2 });
  });

  it('unknown ids decode as unknown with the id and raw words kept, and a count on stderr', async () => {
    const img = Buffer.from(image);
    img[8] = 200; // ring 0, slot 0: id 200
    img[32 + 8] = 77;
    const r = await runCli(['decode', write('unknown.bin', img), '--format', 'jsonl', '--order', 'ring']);
    expect(r.code).toBe(0);
    const [a, b] = jsonl(r.stdout);
    expect(a).toMatchObject({ id: 200, event: 'unknown', data0: '198128', data1: '0', args: {} });
    expect(b).toMatchObject({ id: 77, event: 'unknown' });
    expect(r.stderr).toBe('tracegen: 2 events with ids the schema does not define (decoded as unknown)\n');
  });

  it('garbage lines inside a serial dump are skipped and counted', async () => {
    const dump = readFileSync(fixture('veridian-seed-42', 'dump.txt'), 'utf8').split('\n');
    dump.splice(5, 0, '[  12.5] usb 1-1: new device', '     123    0 broken_row 0xzz 0x1');
    const r = await runCli(['decode', write('garbage.log', dump.join('\r\n')), '--format', 'jsonl']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('tracegen: skipped 2 lines inside dumps that are not dump rows\n');
    expect(jsonl(r.stdout)).toHaveLength(dumpRows(readFileSync(fixture('veridian-seed-42', 'dump.txt'), 'utf8')).length);
  });

  it('usage errors exit 2', async () => {
    expect((await runCli(['decode'])).code).toBe(2);
    expect((await runCli(['decode', 'a', 'b'])).code).toBe(2);
    expect((await runCli(['decode', fixture('veridian-seed', 'rings.bin'), '--format', 'xml'])).code).toBe(2);
    expect((await runCli(['decode', fixture('veridian-seed', 'rings.bin'), '--last', '0'])).code).toBe(2);
    expect((await runCli(['decode', fixture('veridian-seed', 'rings.bin'), '--event', 'nope'])).code).toBe(2);
    expect((await runCli(['decode', fixture('veridian-seed', 'rings.bin'), '--from', '1s'])).code).toBe(2);
    const missing = await runCli(['decode', join(TMP, 'absent.bin')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`tracegen: cannot read ${join(TMP, 'absent.bin')}: no such file\n`);
    expect(existsSync(join(TMP, 'absent.bin'))).toBe(false);
  });
});

describe('decode without --schema on an image', () => {
  const project = join(tmpdir(), `tracegen-default-schema-${process.pid}`);
  afterAll(() => rmSync(project, { recursive: true, force: true }));
  const rings = join(ROOT, 'test/fixtures/veridian-seed/rings.bin');

  it("uses the one schema the project's config lists, from a folder below it, before ./schema/", () => {
    mkdirSync(join(project, 'kernel/trace'), { recursive: true });
    mkdirSync(join(project, 'tools/schema'), { recursive: true });
    writeFileSync(join(project, 'kernel/trace/veridian.yaml'), readFileSync(join(ROOT, 'schema/veridian.yaml')));
    // a ./schema/ of another layout: the config's schema wins
    writeFileSync(join(project, 'tools/schema/other.yaml'), readFileSync(join(ROOT, 'test/golden/packed/schema.yaml')));
    writeFileSync(join(project, 'tracegen.config.yaml'), 'tracegen: 1\nschemas:\n  - path: kernel/trace/veridian.yaml\n');
    const r = runBin(['decode', rings, '--format', 'dump', '--last', '2'], undefined, join(project, 'tools'));
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(runBin(['decode', rings, '--format', 'dump', '--last', '2', '--schema', 'schema/veridian.yaml']).stdout);
  });

  it('asks for --schema when the config lists several', () => {
    writeFileSync(join(project, 'kernel/trace/packed.yaml'), readFileSync(join(ROOT, 'test/golden/packed/schema.yaml')));
    writeFileSync(
      join(project, 'tracegen.config.yaml'),
      'tracegen: 1\nschemas:\n  - path: kernel/trace/veridian.yaml\n  - path: kernel/trace/packed.yaml\n',
    );
    const r = runBin(['decode', rings], undefined, join(project, 'tools'));
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `tracegen: raw ring images and serial logs carry no schema: pass --schema (../tracegen.config.yaml lists 2: ../kernel/trace/veridian.yaml, ../kernel/trace/packed.yaml)\nRun 'tracegen decode --help' for usage.\n`,
    );
  });
});
