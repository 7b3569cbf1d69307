/**
 * The kernel's serial dump (`dump_trace(count)` in perf/trace.rs), reproduced byte for byte:
 *
 *   === Trace Dump (most recent {count} per CPU) ===
 *   "{:>12} {:>4} {:>18} {:>16} {:>16}"     TIMESTAMP CPU EVENT DATA0 DATA1
 *   "{:>12} {:>4} {:>18} {:#016x} {:#016x}" per event, per ring, oldest of the last `count` first
 *   === Total events recorded: {total} ===
 *
 * `{:#016x}` counts the `0x` in its width of 16, so small values get 14 hex digits. Records with
 * timestamp 0 are skipped, as the kernel skips them.
 */
import {
  OFFSET_CPU,
  OFFSET_DATA0,
  OFFSET_DATA1,
  OFFSET_ID,
  OFFSET_TIMESTAMP,
  RECORD_BYTES,
  ringOffset,
  writeIndexOffset,
  type Layout,
} from './layout.js';

export interface DumpOptions {
  /** Add lines saying what each ring lost (default true for `dumpTrace`). */
  readonly lossReport?: boolean;
}

export const DUMP_TITLE = (count: number) => `=== Trace Dump (most recent ${count} per CPU) ===`;
export const DUMP_COLUMNS = `${'TIMESTAMP'.padStart(12)} ${'CPU'.padStart(4)} ${'EVENT'.padStart(18)} ${'DATA0'.padStart(16)} ${'DATA1'.padStart(16)}`;
export const DUMP_TOTAL = (total: bigint | number) => `=== Total events recorded: ${total} ===`;

/** `{:#016x}`: `0x` then at least 14 digits, more when the value needs them. */
export function hex016(v: bigint): string {
  return '0x' + v.toString(16).padStart(14, '0');
}

/** One event line of the dump. */
export function dumpLine(timestamp: bigint, cpu: number, name: string, data0: bigint, data1: bigint): string {
  return `${timestamp.toString().padStart(12)} ${String(cpu).padStart(4)} ${name.padStart(18)} ${hex016(data0)} ${hex016(data1)}`;
}

/** One ring of an image: its write index, and the byte offsets of the records it holds, oldest first. */
export interface ImageRing {
  readonly ring: number;
  /** Events ever written to the ring (the kernel's u64 write index). */
  readonly written: bigint;
  readonly offsets: number[];
}

/**
 * Walks a ring image as the kernel's `dump_trace` does: ring by ring, each ring's records from
 * the oldest it still holds (`written - min(written, ring_size)`) to the newest, at slot
 * `index % ring_size`. `last` keeps only each ring's most recent records.
 */
export function* imageRings(view: DataView, layout: Layout, last = layout.ringSize): Generator<ImageRing> {
  const size = BigInt(layout.ringSize);
  for (let ring = 0; ring < layout.rings; ring++) {
    const written = view.getBigUint64(writeIndexOffset(layout, ring), true);
    const held = written < size ? written : size;
    const take = BigInt(last) < held ? BigInt(last) : held;
    const base = ringOffset(layout, ring);
    const offsets: number[] = [];
    for (let i = written - take; i < written; i++) offsets.push(base + Number(i % size) * RECORD_BYTES);
    yield { ring, written, offsets };
  }
}

/** A row of the dump: what one record shows. */
export interface DumpRow {
  readonly timestamp: bigint;
  readonly cpu: number;
  readonly name: string;
  readonly data0: bigint;
  readonly data1: bigint;
}

/** The dump's lines (without newlines) for rows in the order printed, skipping timestamp 0 as the kernel does. */
export function dumpText(rows: Iterable<DumpRow>, count: number, total: bigint | number): string[] {
  const lines = [DUMP_TITLE(count), DUMP_COLUMNS];
  for (const r of rows) if (r.timestamp !== 0n) lines.push(dumpLine(r.timestamp, r.cpu, r.name, r.data0, r.data1));
  lines.push(DUMP_TOTAL(total));
  return lines;
}

/** The dump's lines for a ring image (without newlines). */
export function formatDump(image: Uint8Array, layout: Layout, count: number, eventName: (id: number) => string): string[] {
  const view = new DataView(image.buffer, image.byteOffset, image.byteLength);
  const rings = [...imageRings(view, layout, count)];
  const rows = rings.flatMap((r) =>
    r.offsets.map((at) => ({
      timestamp: view.getBigUint64(at + OFFSET_TIMESTAMP, true),
      cpu: view.getUint8(at + OFFSET_CPU),
      name: eventName(view.getUint8(at + OFFSET_ID)),
      data0: view.getBigUint64(at + OFFSET_DATA0, true),
      data1: view.getBigUint64(at + OFFSET_DATA1, true),
    })),
  );
  return dumpText(
    rows,
    count,
    rings.reduce((n, r) => n + r.written, 0n),
  );
}
