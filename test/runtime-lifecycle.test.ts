/**
 * The ring lifecycle: threads that end give their rings back, every transition keeps what the
 * rings hold readable, and counters crossing 2^32 are never seen torn.
 */
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { readTraceFile, Tracer, TraceFileReader, writeIndexOffset, type TraceChunk } from '@tracegen/runtime';

const CHURN = new URL('./helpers/churn-worker.mjs', import.meta.url);
const CARRY = new URL('./helpers/carry-worker.mjs', import.meta.url);
const tracerFor = (layout: { ringSize: number; rings: number }) =>
  new Tracer({ layout, eventName: (id) => (id === 1 ? 'x' : 'unknown'), schemaText: 'name: churn\n', schemaHash: '00'.repeat(32) });

interface Written {
  ring: number;
  index: number;
  data1: number;
}

/** Every record of a trace file as (ring, data0, data1). */
function records(file: Uint8Array): Written[] {
  const out: Written[] = [];
  for (const c of readTraceFile(file).chunks) {
    const view = new DataView(c.records.buffer, c.records.byteOffset, c.records.byteLength);
    for (let o = 0; o < c.records.byteLength; o += 32)
      out.push({ ring: c.ring, index: view.getUint32(o + 16, true), data1: view.getUint32(o + 24, true) });
  }
  return out;
}

async function run(buffer: SharedArrayBuffer, layout: object, index: number, mode: 'exit' | 'process-exit' | 'spin', count = 0) {
  const worker = new Worker(CHURN, { workerData: { buffer, layout, index, mode, count } });
  const exited = once(worker, 'exit');
  const [message] = (await once(worker, 'message')) as [{ ring?: number; error?: string }];
  if (message.error) throw new Error(`worker ${index}: ${message.error}`);
  if (mode === 'spin') {
    await new Promise((r) => setTimeout(r, 20)); // let it write over its ring a few times
    await worker.terminate();
  }
  await exited;
  return message.ring!;
}

describe('rings of threads that end', () => {
  it('40 workers one after another all get a ring (half killed mid-write), and the last ones are read whole', async () => {
    const layout = { ringSize: 256, rings: 4 };
    const main = tracerFor(layout);
    main.enable();
    const buffer = main.tracingBuffer();
    const modes = ['spin', 'exit', 'spin', 'process-exit'] as const;
    const rings: number[] = [];
    for (let i = 0; i < 40; i++) rings.push(await run(buffer, layout, i, i >= 37 ? 'exit' : modes[i % 4]!, 80));
    // the main thread keeps ring 0; each worker gets the first free ring, its predecessor's
    expect(rings).toEqual(new Array(40).fill(1));
    expect(main.ringStats().map((s) => s.claimed)).toEqual([true, false, false, false]);
    const got = records(main.snapshot());
    for (const index of [37, 38, 39]) {
      expect(got.filter((r) => r.index === index).map((r) => r.data1)).toEqual(Array.from({ length: 80 }, (_, n) => n));
    }
    // the write index continued across owners: each ring counts every event its owners wrote
    const stats = main.ringStats();
    expect(stats[1]!.written).toBeGreaterThan(layout.ringSize);
    for (const s of stats) expect(s.held + s.overwritten + s.dropped).toBe(s.written);
  });

  it('a killed writer leaves at most its oldest record in doubt, counted once however often it is read', async () => {
    const layout = { ringSize: 64, rings: 2 };
    const main = tracerFor(layout);
    const buffer = main.tracingBuffer();
    expect(await run(buffer, layout, 1, 'spin')).toBe(1);
    let last: TraceChunk | undefined;
    for (let i = 0; i < 100; i++) last = readTraceFile(main.snapshot()).chunks.find((c) => c.ring === 1)!;
    expect(last!.count).toBeGreaterThanOrEqual(layout.ringSize - 1);
    const s = main.ringStats()[1]!;
    expect(s.dropped).toBeLessThanOrEqual(1);
    expect(s.held + s.overwritten + s.dropped).toBe(s.written);
    // the next writer overwrites the doubtful slot; once it has gone, the ring reads whole
    expect(await run(buffer, layout, 2, 'exit', 1)).toBe(1);
    const after = readTraceFile(main.snapshot()).chunks.find((c) => c.ring === 1)!;
    expect(after).toMatchObject({ count: layout.ringSize, dropped: 0 });
  });

  it('a worker that exits normally leaves a quiescent ring: nothing dropped, even when it is full', async () => {
    const layout = { ringSize: 64, rings: 2 };
    const main = tracerFor(layout);
    const buffer = main.tracingBuffer();
    await run(buffer, layout, 1, 'exit', 1000);
    for (let i = 0; i < 100; i++)
      expect(readTraceFile(main.snapshot()).chunks.find((c) => c.ring === 1)).toMatchObject({ count: 64, dropped: 0 });
    expect(main.ringStats()[1]).toMatchObject({ written: 1000, held: 64, overwritten: 936, dropped: 0, claimed: false });
  });
});

describe('attach, detach, reattach', () => {
  it('a detached thread keeps its controls and reads on the same buffer, and writes nothing until it attaches again', () => {
    const layout = { ringSize: 16, rings: 2 };
    const main = tracerFor(layout);
    main.enable();
    const buffer = main.tracingBuffer();
    main.write(1, 7, 0, 0, 0);
    main.detach();
    expect(main.ring).toBe(-1);
    expect(main.tracingBuffer()).toBe(buffer);
    main.disable();
    main.enable(); // acts on the shared buffer: no private buffer appears
    expect(main.tracingBuffer()).toBe(buffer);
    expect(main.isEnabled()).toBe(true);
    expect(main.mask.every((w) => w === 0)).toBe(true); // its tracepoints stay off
    expect(records(main.snapshot())).toEqual([{ ring: 0, index: 7, data1: 0 }]);
    // a worker's tracer takes the freed ring 0 and continues its write index
    const other = tracerFor(layout);
    expect(other.attach(buffer)).toBe(0);
    other.write(1, 8, 0, 0, 0);
    expect(main.ringStats()[0]).toMatchObject({ written: 2, claimed: true });
    // reattaching claims a free ring again
    expect(main.attach(buffer)).toBe(1);
    main.write(1, 9, 0, 0, 0);
    expect(records(main.snapshot()).map((r) => r.index)).toEqual([7, 8, 9]);
  });
});

async function carryWorkers(
  n: number,
  buffer: SharedArrayBuffer,
  layout: object,
  mode: 'index' | 'sequence',
  rounds: number,
  count: number,
) {
  const control = new SharedArrayBuffer(8);
  const workers = Array.from({ length: n }, () => new Worker(CARRY, { workerData: { buffer, layout, mode, rounds, count, control } }));
  await new Promise((r) => setTimeout(r, 200)); // let them attach
  return { control: new Int32Array(control), workers, exited: Promise.all(workers.map((w) => once(w, 'exit'))) };
}

describe('counters crossing 2^32', () => {
  it('a reader never sees a write index torn while its writer carries into the high word', async () => {
    const layout = { ringSize: 8, rings: 2 };
    const main = tracerFor(layout);
    const buffer = main.tracingBuffer();
    const rounds = 2000;
    const count = 64;
    const { control, exited } = await carryWorkers(1, buffer, layout, 'index', rounds, count);
    const low = 2 ** 32 - count / 2;
    let reads = 0;
    let bad = 0;
    for (let round = 1; round <= rounds; round++) {
      Atomics.store(control, 0, round);
      Atomics.notify(control, 0);
      while (Atomics.load(control, 1) < round) {
        const total = main.totalEvents();
        reads++;
        // between rounds the worker itself resets the index (detached); any other value is torn
        if (total !== 0 && (total < low || total > low + count)) bad++;
      }
    }
    await exited;
    expect(bad).toBe(0);
    expect(reads).toBeGreaterThan(rounds);
    expect(main.totalEvents()).toBe(2 ** 32 + count / 2);
    const view = new DataView(buffer);
    expect(view.getBigUint64(writeIndexOffset(layout, 1), true)).toBe(2n ** 32n + BigInt(count / 2));
  });

  it('the sequence clock carries into the high word under two writers: no timestamp 0, none repeated, none 2^32 low', async () => {
    const layout = { ringSize: 65536, rings: 3 };
    const main = tracerFor(layout);
    main.setClock('sequence');
    const buffer = main.tracingBuffer();
    const rounds = 30;
    const count = 20000;
    const { control, exited } = await carryWorkers(2, buffer, layout, 'sequence', rounds, count);
    const problems: string[] = [];
    const reader = new TraceFileReader();
    for (let round = 1; round <= rounds; round++) {
      // across the carry into the high word, and across the halves between (2^31, 3 x 2^31)
      const base = [2 ** 32, 2 ** 31, 3 * 2 ** 31][round % 3]! - count;
      main.setSequenceForTesting(base);
      Atomics.store(control, 0, round);
      Atomics.notify(control, 0);
      while (Atomics.load(control, 1) < 2 * round) Atomics.wait(control, 1, Atomics.load(control, 1), 50);
      const ts: number[] = [];
      reader.feed(main.drain());
      for (const c of reader.chunks()) {
        const view = new DataView(c.records.buffer, c.records.byteOffset, c.records.byteLength);
        for (let o = 0; o < c.records.byteLength; o += 32)
          if (view.getUint32(o + 16, true) === round) ts.push(view.getUint32(o + 4, true) * 2 ** 32 + view.getUint32(o, true));
      }
      ts.sort((a, b) => a - b);
      // exactly the 2 * count consecutive values from the base, across the carry
      if (ts.length !== 2 * count || ts[0] !== base || ts.at(-1) !== base + 2 * count - 1 || ts.some((t, i) => t !== base + i)) {
        problems.push(`round ${round}: ${ts.length} timestamps from ${ts[0]} to ${ts.at(-1)}`);
      }
    }
    await exited;
    expect(problems).toEqual([]);
  });
});

describe('dumpTrace where there is no process (a browser page)', () => {
  it('prints to console.log', () => {
    const t = tracerFor({ ringSize: 8, rings: 1 });
    t.enable();
    t.write(1, 5, 0, 6, 0);
    const logged: unknown[] = [];
    const log = console.log;
    const proc = Object.getOwnPropertyDescriptor(globalThis, 'process')!;
    console.log = (line: unknown) => logged.push(line);
    // synchronously, so nothing else runs while `process` is away
    Object.defineProperty(globalThis, 'process', { value: undefined, configurable: true, writable: true });
    try {
      t.dumpTrace(4);
    } finally {
      Object.defineProperty(globalThis, 'process', proc);
      console.log = log;
    }
    expect(logged[0]).toBe('=== Trace Dump (most recent 4 per CPU) ===');
    expect(logged.at(-1)).toBe('=== Total events recorded: 1 ===');
    expect(logged).toHaveLength(4);
  });
});
