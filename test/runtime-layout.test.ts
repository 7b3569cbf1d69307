import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  appendRecord,
  formatDump,
  imageBytes,
  readRawRecord,
  readTraceFile,
  ringOffset,
  Tracer,
  writeIndexOffset,
} from '@tracegen/runtime';
import { readEvents, seedFixture } from './helpers/fixtures.js';

const VERIDIAN = { ringSize: 4096, rings: 16 };
const NAMES = [
  'syscall_entry',
  'syscall_exit',
  'sched_switch_out',
  'sched_switch_in',
  'ipc_fast_send',
  'ipc_fast_recv',
  'frame_alloc',
  'frame_free',
  'page_fault',
  'ipc_slow_path',
];
const eventName = (id: number) => NAMES[id] ?? 'unknown';
const tracerFor = (layout = VERIDIAN) => new Tracer({ layout, eventName, schemaText: 'name: test\n', schemaHash: '00'.repeat(32) });

const rings = readFileSync(seedFixture('rings.bin'));
const all = readEvents(seedFixture('all.jsonl'));

describe("the image is the kernel's TRACE_RINGS", () => {
  it("has the kernel's size", () => {
    expect(imageBytes(VERIDIAN)).toBe(2_097_280);
    expect(rings.length).toBe(imageBytes(VERIDIAN));
  });

  it('replaying all.jsonl into rings reproduces rings.bin byte for byte (wrap-around included)', () => {
    const tracer = tracerFor();
    const image = tracer.image();
    for (const e of all) appendRecord(image, VERIDIAN, Math.min(e.cpu, 15), e);
    expect(Buffer.from(image).equals(rings)).toBe(true);
    // ring 1 wrapped: its write index counts every event, the ring keeps the newest 4096
    const view = new DataView(image.buffer, image.byteOffset);
    expect(view.getBigUint64(writeIndexOffset(VERIDIAN, 1), true)).toBe(5596n);
    const ring1 = all.filter((e) => e.cpu === 1);
    expect(readRawRecord(image, ringOffset(VERIDIAN, 1) + (5595 % 4096) * 32)).toEqual(strip(ring1[5595]!));
    expect(readRawRecord(image, ringOffset(VERIDIAN, 1) + (1500 % 4096) * 32)).toEqual(strip(ring1[1500]!));
  });

  it('the hot path writes the same bytes as the kernel for ring 0, timestamps aside', () => {
    const tracer = tracerFor();
    tracer.enable();
    const ring0 = all.filter((e) => e.cpu === 0);
    for (const e of ring0) {
      tracer.write(e.id, Number(e.data0 & 0xffffffffn), Number(e.data0 >> 32n), Number(e.data1 & 0xffffffffn), Number(e.data1 >> 32n));
    }
    const ours = Buffer.from(tracer.image().subarray(0, ringOffset(VERIDIAN, 1)));
    const kernel = Buffer.from(rings.subarray(0, ringOffset(VERIDIAN, 1)));
    let lastTs = 0n;
    for (let i = 0; i < ring0.length; i++) {
      const at = i * 32;
      expect(ours.subarray(at + 8, at + 32).equals(kernel.subarray(at + 8, at + 32))).toBe(true);
      const ts = ours.readBigUInt64LE(at);
      expect(ts).toBeGreaterThanOrEqual(lastTs);
      lastTs = ts;
    }
    // the write index, and the untouched slots, match too
    expect(ours.subarray(ring0.length * 32).equals(kernel.subarray(ring0.length * 32))).toBe(true);
    expect(tracer.totalEvents()).toBe(ring0.length);
  });

  it('wrap-around keeps the newest ring_size records and counts every event', () => {
    const layout = { ringSize: 8, rings: 2 };
    const tracer = tracerFor(layout);
    tracer.enable();
    for (let i = 0; i < 20; i++) tracer.write(3, i, 0, i * 10, 0);
    const image = tracer.image();
    const view = new DataView(image.buffer, image.byteOffset);
    expect(view.getBigUint64(writeIndexOffset(layout, 0), true)).toBe(20n);
    const held = Array.from({ length: 8 }, (_, slot) => readRawRecord(image, slot * 32).data0).sort((a, b) => Number(a - b));
    expect(held).toEqual([12n, 13n, 14n, 15n, 16n, 17n, 18n, 19n]);
    expect(tracer.ringStats()[0]).toMatchObject({ written: 20, held: 8, overwritten: 12, dropped: 0, claimed: true });
  });

  it('the write index keeps counting past 2^32 (its high word carries)', () => {
    const layout = { ringSize: 8, rings: 2 };
    const main = tracerFor(layout);
    main.enable();
    // a ring that has already recorded 2^32 - 2 events, as a long-running process would have
    const view = new DataView(main.image().buffer, 0);
    view.setBigUint64(writeIndexOffset(layout, 1), 2n ** 32n - 2n, true);
    const worker = tracerFor(layout);
    expect(worker.attach(main.tracingBuffer())).toBe(1);
    for (let i = 0; i < 5; i++) worker.write(3, i, 0, 0, 0);
    expect(view.getBigUint64(writeIndexOffset(layout, 1), true)).toBe(2n ** 32n + 3n);
    expect(main.ringStats()[1]).toMatchObject({ written: 2 ** 32 + 3, held: 8 });
    // the slots are write_idx % ring_size, across the carry too
    const slot = (n: bigint) => Number(n % 8n);
    for (let i = 0; i < 5; i++)
      expect(readRawRecord(main.image(), ringOffset(layout, 1) + slot(2n ** 32n - 2n + BigInt(i)) * 32).data0).toBe(BigInt(i));
    // while the ring has a writer, the oldest record might be mid-overwrite: it is dropped, counted
    const live = readTraceFile(main.snapshot()).chunks.find((c) => c.ring === 1);
    expect(live).toMatchObject({ firstIndex: 2 ** 32 + 3 - 7, count: 7, dropped: 1 });
    worker.detach();
    const idle = readTraceFile(main.snapshot()).chunks.find((c) => c.ring === 1);
    expect(idle).toMatchObject({ firstIndex: 2 ** 32 + 3 - 8, count: 8, dropped: 0, overwritten: 2 ** 32 + 3 - 8 });
  });

  it("dumpTrace prints exactly the seed's dump for the same rings", () => {
    const tracer = tracerFor();
    const image = tracer.image();
    for (const e of all) appendRecord(image, VERIDIAN, Math.min(e.cpu, 15), e);
    const lines: string[] = [];
    tracer.dumpTrace(64, (l) => lines.push(l), { lossReport: false });
    expect(lines.join('\n') + '\n').toBe(readFileSync(seedFixture('dump.txt'), 'utf8'));
    expect(formatDump(image, VERIDIAN, 64, eventName)).toEqual(lines);
  });

  it('dumpTrace also says what each ring lost', () => {
    const tracer = tracerFor();
    for (const e of all) appendRecord(tracer.image(), VERIDIAN, Math.min(e.cpu, 15), e);
    const lines: string[] = [];
    tracer.dumpTrace(2, (l) => lines.push(l));
    expect(lines.at(-2)).toBe('=== Total events recorded: 6333 ===');
    expect(lines.at(-1)).toBe('=== Ring 1: 1500 overwritten, 0 dropped ===');
  });
});

describe('enable, disable and the event mask', () => {
  it('the effective mask is zero while disabled and the user mask while enabled', () => {
    const tracer = tracerFor({ ringSize: 16, rings: 1 });
    expect(tracer.isEnabled()).toBe(false);
    expect([...tracer.mask]).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    tracer.enable();
    expect([...tracer.mask]).toEqual([-1, -1, -1, -1, -1, -1, -1, -1]);
    tracer.setEventMask([0, 3, 37]);
    expect([...tracer.mask]).toEqual([0b1001, 1 << 5, 0, 0, 0, 0, 0, 0]);
    tracer.setEventEnabled(3, false);
    expect(tracer.isEventEnabled(3)).toBe(false);
    expect(tracer.mask[0]).toBe(1);
    tracer.disable();
    expect([...tracer.mask]).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(tracer.isEventEnabled(0)).toBe(true);
    tracer.enable();
    expect(tracer.mask[0]).toBe(1);
  });

  it('the sequence clock orders events totally and never stamps 0', () => {
    const tracer = tracerFor({ ringSize: 16, rings: 1 });
    tracer.setClock('sequence');
    tracer.enable();
    for (let i = 0; i < 5; i++) tracer.write(1, i, 0, 0, 0);
    const ts = Array.from({ length: 5 }, (_, i) => readRawRecord(tracer.image(), i * 32).timestamp);
    expect(ts).toEqual([1n, 2n, 3n, 4n, 5n]);
  });
});

function strip(e: { timestamp: bigint; id: number; cpu: number; data0: bigint; data1: bigint }) {
  return { timestamp: e.timestamp, id: e.id, cpu: e.cpu, data0: e.data0, data1: e.data1 };
}
