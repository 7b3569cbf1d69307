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
import { OFFSET_DATA0, OFFSET_DATA1, OFFSET_ID, OFFSET_CPU, RECORD_BYTES, ringOffset, writeIndexOffset, type Layout } from './layout.js';

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

/** The dump's lines for a ring image (without newlines). */
export function formatDump(image: Uint8Array, layout: Layout, count: number, eventName: (id: number) => string): string[] {
  const view = new DataView(image.buffer, image.byteOffset, image.byteLength);
  const lines = [DUMP_TITLE(count), DUMP_COLUMNS];
  let total = 0n;
  for (let ring = 0; ring < layout.rings; ring++) {
    const written = view.getBigUint64(writeIndexOffset(layout, ring), true);
    total += written;
    if (written === 0n) continue;
    const size = BigInt(layout.ringSize);
    const available = written < size ? written : size;
    const toRead = BigInt(count) < available ? BigInt(count) : available;
    const base = ringOffset(layout, ring);
    for (let i = written - toRead; i < written; i++) {
      const at = base + Number(i % size) * RECORD_BYTES;
      const ts = view.getBigUint64(at, true);
      if (ts === 0n) continue;
      lines.push(
        dumpLine(
          ts,
          view.getUint8(at + OFFSET_CPU),
          eventName(view.getUint8(at + OFFSET_ID)),
          view.getBigUint64(at + OFFSET_DATA0, true),
          view.getBigUint64(at + OFFSET_DATA1, true),
        ),
      );
    }
  }
  lines.push(DUMP_TOTAL(total));
  return lines;
}
