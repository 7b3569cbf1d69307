import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHUNK_HEADER_BYTES, encodeHeader, flagsText, Tracer, writeChunkHeader } from '@tracegen/runtime';
import { loadSchemaFile } from '../generator/schema/load-schema.js';
import type { SchemaModel } from '../generator/schema/model/model.js';
import { decodeJsonl, makePoolCapture, type JsonRecord } from './helpers/decoded.js';
import { runBin, runCli } from './helpers/run-cli.js';

const TMP = 'test/tmp/export-ctf';
const KERNEL = 'test/fixtures/veridian-seed/rings.bin';
const KERNEL_42 = 'test/fixtures/veridian-seed-42/rings.bin';
const SCHEMA = 'schema/veridian.yaml';
const CAPTURE = join(TMP, 'pool.trace');

beforeAll(() => {
  rmSync(TMP, { recursive: true, force: true });
  mkdirSync(TMP, { recursive: true });
  makePoolCapture(CAPTURE);
});
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

/** A trace file header for a schema's model, as the runtime writes it. */
function headerOf(model: SchemaModel, clock: 'cycles' | 'ns', frequency = 0, wallClockZeroMs = 0): Uint8Array {
  return encodeHeader({ layout: model.layout, clock, frequency, wallClockZeroMs, schemaHash: model.hash, schemaText: model.text });
}

interface BtEvent {
  ts: string;
  event: string;
  ring: number;
  cpu: number;
  fields: Map<string, string>;
}

/** Parses `babeltrace2 --clock-cycles` text: `[ts] (+delta) name: { cpu_id = N }, { context }, { payload }`. */
function babeltrace(dir: string): { events: BtEvent[]; stderr: string } {
  const r = spawnSync('babeltrace2', ['--clock-cycles', dir], { encoding: 'utf8', maxBuffer: 1 << 28 });
  expect(r.status, r.stderr).toBe(0);
  const events = r.stdout
    .trim()
    .split('\n')
    .map((line) => {
      const m = /^\[(\d+)\] \(\+[?\d]+\) (\w+): \{ cpu_id = (\d+) \}, \{ (.*?) \}, \{ (.*) \}$/.exec(line);
      if (!m) throw new Error(`unexpected babeltrace2 line: ${line}`);
      const fields = new Map<string, string>();
      for (const f of `${m[4]}, ${m[5]}`.matchAll(/(\w+) = (\( [^)]* \)|[^,]+)/g)) fields.set(f[1]!, f[2]!.trim());
      return { ts: String(BigInt(m[1]!)), event: m[2]!, ring: Number(m[3]), cpu: Number(fields.get('cpu')), fields };
    });
  return { events, stderr: r.stderr };
}

/** What babeltrace2 prints for a field, turned into the value decode gives (or the raw bits of a misfit). */
function btValue(text: string): { value: bigint | string; label?: string } {
  const e = /^\( (?:"(\w+)"|<unknown>) : container = (\d+) \)$/.exec(text);
  if (e) return { value: BigInt(e[2]!), ...(e[1] ? { label: e[1] } : {}) };
  return { value: BigInt(text) };
}

/** Compares every event, timestamp, CPU and field of the two readings. */
function compare(model: SchemaModel, bt: BtEvent[], decoded: JsonRecord[]): number {
  expect(bt.length).toBe(decoded.length);
  // babeltrace2 orders equal timestamps by stream; decode by ring too: sort both the same way
  const key = (ts: string, cpu: number, d: string) => `${ts.padStart(20, '0')}|${cpu}|${d}`;
  const btSorted = [...bt].sort((a, b) => (a.ts.padStart(20, '0') < b.ts.padStart(20, '0') ? -1 : a.ts === b.ts ? 0 : 1));
  const jsSorted = [...decoded].sort((a, b) => (a.ts.padStart(20, '0') < b.ts.padStart(20, '0') ? -1 : a.ts === b.ts ? 0 : 1));
  const btKeys = btSorted.map((e) => key(e.ts, e.cpu, e.event)).sort();
  const jsKeys = jsSorted.map((r) => key(r.ts, r.cpu, r.event)).sort();
  expect(btKeys).toEqual(jsKeys);
  let checked = 0;
  const byKey = new Map<string, JsonRecord[]>();
  for (const r of decoded) {
    const k = key(r.ts, r.cpu, `${r.event}|${r.data0}|${r.data1}`);
    byKey.set(k, [...(byKey.get(k) ?? []), r]);
  }
  for (const e of bt) {
    const event = model.events.find((x) => x.names.snake === e.event)!;
    const words = [0n, 0n];
    // the record's words, rebuilt from the fields babeltrace2 read (unused bits included)
    for (const f of event.fields)
      words[f.word]! |= BigInt.asUintN(f.range, btValue(e.fields.get(f.names.snake)!).value as bigint) << BigInt(f.lo);
    for (const [name, text] of e.fields) {
      const u = /^unused_data([01])_(\d+)_(\d+)$/.exec(name);
      if (u) words[Number(u[1])]! |= BigInt(text) << BigInt(u[2]!);
    }
    const matches = byKey.get(key(e.ts, e.cpu, `${e.event}|${words[0]}|${words[1]}`));
    expect(matches?.length, `${e.ts} ${e.event}: no decoded record with the same words`).toBeGreaterThan(0);
    const r = matches!.pop()!;
    for (const f of event.fields) {
      const bits = BigInt.asUintN(f.range, BigInt(f.word === 0 ? r.data0 : r.data1) >> BigInt(f.lo));
      const got = btValue(e.fields.get(f.names.snake)!);
      const misfit = r.issues?.some((i) => i.field === f.names.snake);
      const want = r.args[f.names.snake];
      expect(BigInt.asUintN(f.range, got.value as bigint), `${e.event}.${f.names.snake}`).toBe(bits);
      if (misfit) continue;
      if (f.type.kind === 'flags')
        expect(
          flagsText(
            got.value as bigint,
            f.type.ref.bits.map((b) => [b.bit, b.names.snake]),
          ),
        ).toBe(want);
      else if (f.type.kind === 'enum' || f.type.kind === 'bool') expect(got.label).toBe(String(want));
      else expect(String(got.value)).toBe(String(want));
      checked++;
    }
  }
  return checked;
}

describe('export --format ctf', () => {
  const model = loadSchemaFile(SCHEMA).model!;

  it.each([
    ['the kernel fixture', KERNEL, 1500],
    ['the second kernel fixture', KERNEL_42, undefined],
  ])('babeltrace2 reads %s with the values decode prints', async (_name, input, discarded) => {
    const out = join(TMP, `${input.split('/').at(-2)}.ctf`);
    const r = await runCli(['export', input, '--schema', SCHEMA, '--format', 'ctf', '-o', out]);
    expect(r.code, r.stderr).toBe(0);
    const bt = babeltrace(out);
    const decoded = decodeJsonl(input, ['--schema', SCHEMA]);
    const checked = compare(model, bt.events, decoded);
    expect(checked).toBeGreaterThan(decoded.length);
    if (discarded !== undefined) {
      // the ring that wrapped: babeltrace2 itself reports what it lost
      expect(bt.stderr).toMatch(new RegExp(`Tracer discarded ${discarded} events between .* within stream "[^"]*stream_1"`));
    }
  });

  it('babeltrace2 reads a runtime capture of several threads with the values decode prints', async () => {
    const out = join(TMP, 'pool.ctf');
    const r = await runCli(['export', CAPTURE, '--format', 'ctf', '-o', out]);
    expect(r.code, r.stderr).toBe(0);
    const bt = babeltrace(out);
    const decoded = decodeJsonl(CAPTURE, []);
    // a stream per thread that traced (the main thread and the workers; a loaded machine may leave one idle)
    const threads = new Set(decoded.map((d) => d.cpu)).size;
    expect(threads).toBeGreaterThanOrEqual(2);
    expect(readdirSync(out).filter((f) => f.startsWith('stream_')).length).toBe(threads);
    // the runtime's ns clock, placed in wall-clock time: babeltrace2 prints when it happened
    const meta = readFileSync(join(out, 'metadata'), 'utf8');
    expect(meta).toMatch(
      /clock \{\n\tname = ns;\n\tdescription = "veridian ns clock, 1000000000 Hz";\n\tfreq = 1000000000;\n\toffset_s = \d{10};\n\toffset = \d+;\n\tabsolute = true;/,
    );
    const dated = spawnSync('babeltrace2', ['--clock-date', '--clock-gmt', out], { encoding: 'utf8' }).stdout.split('\n')[0]!;
    const made = statSync(CAPTURE).mtimeMs;
    const shown = Date.parse(`${/^\[([\d-]+ [\d:.]+)\]/.exec(dated)![1]!.replace(' ', 'T').slice(0, 23)}Z`);
    expect(Math.abs(shown - made)).toBeLessThan(60_000);
    compare(model, bt.events, decoded);
  });

  it('a capture that lost records mid-way: babeltrace2 reports each loss where it happened', async () => {
    const model = loadSchemaFile(SCHEMA).model!;
    const tracer = new Tracer({ layout: model.layout, eventName: () => 'x', schemaText: model.text, schemaHash: model.hash });
    tracer.enable();
    const chunks: Uint8Array[] = [];
    // 5000 events between drains into a 4096-slot ring: 904 overwritten each round
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 5000; i++) tracer.write(0, round * 5000 + i, 0, 0, 0);
      chunks.push(tracer.drain());
    }
    tracer.detach();
    const capture = join(TMP, 'lossy.trace');
    writeFileSync(capture, Buffer.concat(chunks));
    const out = join(TMP, 'lossy.ctf');
    expect((await runCli(['export', capture, '--format', 'ctf', '-o', out])).code).toBe(0);
    const bt = babeltrace(out);
    expect(bt.stderr.match(/Tracer discarded \d+ events/g)).toEqual([
      'Tracer discarded 904 events',
      'Tracer discarded 904 events',
      'Tracer discarded 904 events',
    ]);
    // the syscall numbers on either side of each loss: 904 of them missing
    const numbers = bt.events.map((e) => Number(e.fields.get('syscall_nr')));
    expect(numbers.length).toBe(3 * 4096);
    expect(numbers.slice(4095, 4097)).toEqual([4999, 5904]);
    expect(compare(model, bt.events, decodeJsonl(capture, []))).toBe(2 * 3 * 4096);
  });

  it('a ring whose clock went backwards: the older records go to an extra stream, so babeltrace2 reads on in time order', async () => {
    const model = loadSchemaFile(SCHEMA).model!;
    const header = headerOf(model, 'cycles');
    const stamps = [100n, 200n, 150n, 300n, 120n, 400n];
    const chunk = new Uint8Array(CHUNK_HEADER_BYTES + stamps.length * 32);
    writeChunkHeader(chunk, 0, { ring: 2, count: stamps.length, firstIndex: 0, overwritten: 0, dropped: 0 });
    const view = new DataView(chunk.buffer);
    stamps.forEach((ts, i) => {
      view.setBigUint64(CHUNK_HEADER_BYTES + i * 32, ts, true);
      view.setUint8(CHUNK_HEADER_BYTES + i * 32 + 9, 2);
      view.setBigUint64(CHUNK_HEADER_BYTES + i * 32 + 16, ts, true);
    });
    const capture = join(TMP, 'backwards.trace');
    writeFileSync(capture, Buffer.concat([header, chunk]));
    const out = join(TMP, 'backwards.ctf');
    expect((await runCli(['export', capture, '--format', 'ctf', '-o', out])).code).toBe(0);
    // 150 goes after 200, 120 after both: two extra streams
    expect(readdirSync(out).sort()).toEqual(['metadata', 'stream_2', 'stream_2.1', 'stream_2.2']);
    const bt = babeltrace(out);
    expect(bt.events.map((e) => e.ts)).toEqual(['100', '120', '150', '200', '300', '400']);
    expect(bt.events.map((e) => e.fields.get('syscall_nr'))).toEqual(['100', '120', '150', '200', '300', '400']);
    expect(bt.events.every((e) => e.ring === 2 && e.cpu === 2)).toBe(true);
  });

  it('declares the fields as integers of their bit ranges, hex and enums as such, and the clock', async () => {
    const schema = join(TMP, 'packed.yaml');
    const out = join(TMP, 'packed.ctf');
    await runCli(['export', CAPTURE, '--format', 'ctf', '-o', out]);
    const meta = readFileSync(join(out, 'metadata'), 'utf8');
    expect(meta.startsWith('/* CTF 1.8 */\n')).toBe(true);
    expect(meta).toContain('freq = 1000000000;');
    const kernel = join(TMP, 'kernel-freq.ctf');
    expect((await runCli(['export', KERNEL, '--schema', SCHEMA, '--format', 'ctf', '-o', kernel, '--frequency', '2400000000'])).code).toBe(
      0,
    );
    expect(readFileSync(join(kernel, 'metadata'), 'utf8')).toContain('freq = 2400000000;');
    expect((await runCli(['export', KERNEL, '--schema', SCHEMA, '--format', 'ctf', '-o', join(TMP, 'k2.ctf')])).code).toBe(0);
    const k2 = readFileSync(join(TMP, 'k2.ctf', 'metadata'), 'utf8');
    expect(k2).toMatch(
      /name = cycles;\n\tdescription = "veridian cycles clock; frequency unknown, assumed 1000000000 Hz[^"]*";\n\tfreq = 1000000000;\n\toffset_s = 0;\n\toffset = 0;\n\tabsolute = false;/,
    );
    // bit fields, signed, hex, enum and bool of the packed golden schema
    writeFileSync(schema, readFileSync('test/golden/packed/schema.yaml'));
    const { ctfMetadata } = await import('../generator/trace/export/ctf-metadata.js');
    const packed = loadSchemaFile(schema).model!;
    const text = ctfMetadata({ model: packed, uuid: '00000000-0000-4000-8000-000000000000', frequency: 0, unknownIds: [9] });
    expect(text).toContain(
      'enum : integer { size = 3; align = 1; signed = false; byte_order = le; } { "timer" = 0, "net" = 1, "disk" = 2, "ipi" = 7 } _kind;',
    );
    expect(text).toContain('enum : integer { size = 1; align = 1; signed = false; byte_order = le; } { "false" = 0, "true" = 1 } _valid;');
    expect(text).toContain('integer { size = 16; align = 1; signed = true; byte_order = le; } _delta;');
    expect(text).toContain('integer { size = 4; align = 1; signed = false; byte_order = le; } __unused_data0_20_23;');
    expect(text).toContain('integer { size = 8; align = 8; signed = false; byte_order = le; base = 16; } _vector;');
    expect(text).toContain('integer { size = 40; align = 1; signed = false; byte_order = le; base = 16; } _straddle;');
    expect(text).toMatch(/id = 9;\n\tname = "unknown_9";/);
  });

  it('clocks CTF cannot say: a fractional frequency kept exact; a wall clock or a time past 2^63 ns refused, nothing written', async () => {
    const model = loadSchemaFile(SCHEMA).model!;
    const trace = (name: string, frequency: number, wallClockZeroMs: number, stamps: bigint[]) => {
      const header = headerOf(model, 'cycles', frequency, wallClockZeroMs);
      const chunk = new Uint8Array(CHUNK_HEADER_BYTES + stamps.length * 32);
      writeChunkHeader(chunk, 0, { ring: 0, count: stamps.length, firstIndex: 0, overwritten: 0, dropped: 0 });
      const view = new DataView(chunk.buffer);
      stamps.forEach((ts, i) => {
        view.setBigUint64(CHUNK_HEADER_BYTES + i * 32, ts, true);
      });
      const path = join(TMP, `${name}.trace`);
      writeFileSync(path, Buffer.concat([header, chunk]));
      return path;
    };
    const seconds = (dir: string) =>
      spawnSync('babeltrace2', ['--clock-seconds', dir], { encoding: 'utf8' })
        .stdout.trim()
        .split('\n')
        .map((l) => /^\[([\d.]+)\]/.exec(l)![1]);
    // 1.5 Hz: freq 3 with the timestamps doubled, so babeltrace2 shows decode's seconds (not 2 Hz's)
    const slow = join(TMP, 'slow.ctf');
    expect((await runCli(['export', trace('slow', 1.5, 0, [3n, 10n]), '--format', 'ctf', '-o', slow])).code).toBe(0);
    expect(readFileSync(join(slow, 'metadata'), 'utf8')).toContain('\tfreq = 3;');
    expect(seconds(slow)).toEqual(['2.000000000', '6.666666666']);
    // wall clocks no reader can hold
    for (const zero of [1e300, 1e23]) {
      const out = join(TMP, `wall-${zero}.ctf`);
      const r = await runCli(['export', trace(`wall-${zero}`, 1e9, zero, [1n]), '--format', 'ctf', '-o', out]);
      expect([r.code, r.stderr]).toEqual([
        1,
        `tracegen: the trace's wall clock (${zero} ms since 1970) is past what CTF readers can hold (2^63 ns); the trace header is damaged; nothing written\n`,
      ]);
      expect(existsSync(out)).toBe(false);
    }
    // one record at 2^63 ns from the origin: refused; just before it, babeltrace2 reads it
    const far = join(TMP, 'far.ctf');
    const r = await runCli(['export', trace('far', 0, 0, [1n, 2n ** 63n - 1n]), '--format', 'ctf', '-o', far]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^tracegen: a record of ring 0 at timestamp 9223372036854775807 is 2\^63 - 1 ns or more from the clock's origin/,
    );
    expect(existsSync(far)).toBe(false);
    const near = join(TMP, 'near.ctf');
    expect((await runCli(['export', trace('near', 0, 0, [1n, 2n ** 63n - 2n]), '--format', 'ctf', '-o', near])).code).toBe(0);
    expect(babeltrace(near).events.map((e) => e.ts)).toEqual(['1', String(2n ** 63n - 2n)]);
  });

  it('a signed field whose bits do not fit reads as one value in babeltrace2 and decode; losses past 2^52 stay exact', async () => {
    const schema = join(TMP, 'wide-signed.yaml');
    writeFileSync(
      schema,
      'tracegen: 1\nname: ws\nclock: { unit: ns }\nlayout: { ring_size: 16, rings: 1 }\nevents:\n' +
        '  - { id: 0, name: e, fields: [{ name: small, word: data0, bits: [0, 15], type: i8 }, { name: n, word: data1, type: u32 }] }\n',
    );
    const model = loadSchemaFile(schema).model!;
    const header = headerOf(model, 'ns');
    const words = [0xff00n, 0x0180n, 0xfffbn, 0x7fn];
    const chunks = [0, 1].map((k) => {
      const chunk = new Uint8Array(CHUNK_HEADER_BYTES + 2 * 32);
      // two chunks whose losses add up past 2^52: CTF's events_discarded must be the exact sum
      writeChunkHeader(chunk, 0, { ring: 0, count: 2, firstIndex: k * 2, overwritten: 2 ** 52 - k, dropped: 0 });
      const view = new DataView(chunk.buffer);
      for (let i = 0; i < 2; i++) {
        view.setBigUint64(CHUNK_HEADER_BYTES + i * 32, BigInt(10 + 2 * k + i), true);
        view.setBigUint64(CHUNK_HEADER_BYTES + i * 32 + 16, words[2 * k + i]!, true);
      }
      return chunk;
    });
    const trace = join(TMP, 'wide-signed.trace');
    writeFileSync(trace, Buffer.concat([header, ...chunks]));
    const decoded = decodeJsonl(trace, []).map((r) => r.args['small']);
    expect(decoded).toEqual([-256, 384, -5, 127]);
    const out = join(TMP, 'wide-signed.ctf');
    expect((await runCli(['export', trace, '--format', 'ctf', '-o', out])).code).toBe(0);
    const bt = babeltrace(out);
    expect(bt.events.map((e) => Number(e.fields.get('small')))).toEqual(decoded);
    expect(bt.stderr).toContain(`discarded ${2 ** 52} events`);
    expect(bt.stderr).toContain(`discarded ${2 ** 52 - 1} events`);
    // and a file whose losses add up to 2^53 is damaged: one line, exit 1
    writeChunkHeader(chunks[1]!, 0, { ring: 0, count: 2, firstIndex: 2, overwritten: 2 ** 52, dropped: 0 });
    writeFileSync(trace, Buffer.concat([header, ...chunks]));
    const r = runBin(['decode', trace, '--format', 'jsonl']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("ring 0's losses add up to 2^53 records or more: the file is damaged");
  });

  it('refuses a folder that is not a previous export, replaces one that is, and leaves nothing aside', async () => {
    const mine = join(TMP, 'mine');
    mkdirSync(mine);
    writeFileSync(join(mine, 'notes.txt'), 'keep');
    const refused = await runCli(['export', KERNEL, '--schema', SCHEMA, '--format', 'ctf', '-o', mine]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^tracegen: -o test\/tmp\/export-ctf\/mine is a folder that is not a previous export/);
    expect(readdirSync(mine)).toEqual(['notes.txt']);
    // another tool's CTF trace (LTTng's and barectf's metadata begin as ours do) is never replaced
    const lttng = join(TMP, 'lttng');
    mkdirSync(lttng);
    writeFileSync(join(lttng, 'metadata'), '/* CTF 1.8 */\ntrace { major = 1; minor = 8; };\n');
    writeFileSync(join(lttng, 'channel0_0'), 'events');
    const other = await runCli(['export', KERNEL, '--schema', SCHEMA, '--format', 'ctf', '-o', lttng]);
    expect(other.code).toBe(2);
    expect(readdirSync(lttng).sort()).toEqual(['channel0_0', 'metadata']);
    const again = join(TMP, 'again.ctf');
    expect((await runCli(['export', KERNEL, '--schema', SCHEMA, '--format', 'ctf', '-o', again])).code).toBe(0);
    // nor is an export of ours that someone added a file to
    writeFileSync(join(again, 'analysis.txt'), 'mine');
    expect((await runCli(['export', CAPTURE, '--format', 'ctf', '-o', again])).code).toBe(2);
    rmSync(join(again, 'analysis.txt'));
    expect((await runCli(['export', CAPTURE, '--format', 'ctf', '-o', again])).code).toBe(0);
    expect(babeltrace(again).events.length).toBe(decodeJsonl(CAPTURE, []).length);
    expect(readdirSync(TMP).filter((f) => f.endsWith('.tmp') || f.endsWith('.old'))).toEqual([]);
    // what an interrupted export left aside (its process is gone) goes with the next export there
    const gone = spawnSync(process.execPath, ['-e', '0']).pid!;
    mkdirSync(join(TMP, `.again.ctf.${gone}.tmp`));
    writeFileSync(join(TMP, `.again.ctf.${gone}.tmp`, 'stream_0'), 'half');
    writeFileSync(join(TMP, `.again.ctf.${process.pid}.tmp.keep`), 'not ours');
    expect((await runCli(['export', CAPTURE, '--format', 'ctf', '-o', again])).code).toBe(0);
    expect(readdirSync(TMP).filter((f) => f.startsWith('.again.ctf.'))).toEqual([`.again.ctf.${process.pid}.tmp.keep`]);
  });

  it('exports a cut capture up to the damage and exits 1; an unwritable path writes nothing', async () => {
    const whole = readFileSync(CAPTURE);
    const cut = join(TMP, 'cut.trace');
    writeFileSync(cut, whole.subarray(0, Math.floor(whole.length * 0.7)));
    const out = join(TMP, 'cut.ctf');
    const r = await runCli(['export', cut, '--format', 'ctf', '-o', out]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n').at(-1)).toMatch(/^tracegen: .*cut\.trace/);
    const decoded = runBin(['decode', cut, '--format', 'jsonl']);
    expect(babeltrace(out).events.length).toBe(decoded.stdout.trim().split('\n').length);
    const bad = await runCli(['export', KERNEL, '--schema', SCHEMA, '--format', 'ctf', '-o', join(TMP, 'no/such/dir.ctf')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe('tracegen: cannot write test/tmp/export-ctf/no/such/dir.ctf: test/tmp/export-ctf/no/such does not exist\n');
    expect(existsSync(join(TMP, 'no'))).toBe(false);
  });
});
