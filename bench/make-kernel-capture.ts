/**
 * Makes a capture of kernel records: the fixture image's records (test/fixtures/veridian-seed,
 * real VeridianOS trace data, many values wider than their fields) repeated with their
 * timestamps moved on each round, in chunks per ring as a capture holds them.
 * Usage: node dist/bench/make-kernel-capture.js FILE EVENTS
 */
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { CHUNK_HEADER_BYTES, encodeHeader, RECORD_BYTES, ringOffset, writeIndexOffset, writeChunkHeader } from '@tracegen/runtime';
import { loadSchemaFile } from '../generator/schema/load-schema.js';

const FIXTURE = 'test/fixtures/veridian-seed/rings.bin';

export function makeKernelCapture(path: string, events: number): { events: number; bytes: number } {
  const model = loadSchemaFile('schema/veridian.yaml').model!;
  const layout = model.layout;
  const image = readFileSync(FIXTURE);
  const view = new DataView(image.buffer, image.byteOffset, image.byteLength);
  // each ring's records oldest first, and the span of time they cover
  const rings: { ring: number; records: Uint8Array }[] = [];
  let first = 2n ** 64n;
  let last = 0n;
  for (let ring = 0; ring < layout.rings; ring++) {
    const written = Number(view.getBigUint64(writeIndexOffset(layout, ring), true));
    const n = Math.min(written, layout.ringSize);
    if (n === 0) continue;
    const records = new Uint8Array(n * RECORD_BYTES);
    for (let i = 0; i < n; i++) {
      const slot = (written - n + i) % layout.ringSize;
      const at = ringOffset(layout, ring) + slot * RECORD_BYTES;
      records.set(image.subarray(at, at + RECORD_BYTES), i * RECORD_BYTES);
      const ts = view.getBigUint64(at, true);
      if (ts < first) first = ts;
      if (ts > last) last = ts;
    }
    rings.push({ ring, records });
  }
  const period = last - first + 1n;
  const fd = openSync(path, 'w');
  let bytes = 0;
  let total = 0;
  const write = (b: Uint8Array) => {
    writeSync(fd, b);
    bytes += b.length;
  };
  try {
    write(encodeHeader({ layout, clock: 'cycles', frequency: 0, wallClockZeroMs: 0, schemaHash: model.hash, schemaText: model.text }));
    const index = new Map<number, number>();
    for (let round = 0n; total < events; round++) {
      for (const { ring, records } of rings) {
        const count = Math.min(records.length / RECORD_BYTES, events - total);
        if (count <= 0) break;
        const chunk = new Uint8Array(CHUNK_HEADER_BYTES + count * RECORD_BYTES);
        writeChunkHeader(chunk, 0, { ring, count, firstIndex: index.get(ring) ?? 0, overwritten: 0, dropped: 0 });
        chunk.set(records.subarray(0, count * RECORD_BYTES), CHUNK_HEADER_BYTES);
        const cv = new DataView(chunk.buffer);
        for (let i = 0; i < count; i++) {
          const at = CHUNK_HEADER_BYTES + i * RECORD_BYTES;
          cv.setBigUint64(at, cv.getBigUint64(at, true) + round * period, true);
        }
        index.set(ring, (index.get(ring) ?? 0) + count);
        write(chunk);
        total += count;
      }
    }
  } finally {
    closeSync(fd);
  }
  return { events: total, bytes };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [path, n] = process.argv.slice(2);
  if (!path || !n) {
    console.error('usage: make-kernel-capture FILE EVENTS');
    process.exit(2);
  }
  const r = makeKernelCapture(path, Number(n));
  console.error(`${path}: ${r.events} kernel events, ${r.bytes} bytes`);
}
