/**
 * Appends records to a ring image the way the kernel's `TraceRing::record` does, with the
 * timestamp and cpu given rather than read: for rebuilding an image from recorded events (a
 * kernel's `all.jsonl`, a decoded dump) or for tests. Single-threaded: the image is plain bytes.
 */
import { OFFSET_CPU, OFFSET_DATA0, OFFSET_DATA1, OFFSET_ID, RECORD_BYTES, ringOffset, writeIndexOffset, type Layout } from './layout.js';

export interface RawRecord {
  readonly timestamp: bigint;
  readonly id: number;
  readonly cpu: number;
  readonly data0: bigint;
  readonly data1: bigint;
}

/** Writes `record` at the ring's write index modulo its size and advances the index. */
export function appendRecord(image: Uint8Array, layout: Layout, ring: number, record: RawRecord): void {
  const view = new DataView(image.buffer, image.byteOffset, image.byteLength);
  const idxAt = writeIndexOffset(layout, ring);
  const written = view.getBigUint64(idxAt, true);
  const at = ringOffset(layout, ring) + Number(written % BigInt(layout.ringSize)) * RECORD_BYTES;
  view.setBigUint64(at, record.timestamp, true);
  view.setUint8(at + OFFSET_ID, record.id);
  view.setUint8(at + OFFSET_CPU, record.cpu);
  for (let p = 10; p < 16; p++) view.setUint8(at + p, 0);
  view.setBigUint64(at + OFFSET_DATA0, record.data0, true);
  view.setBigUint64(at + OFFSET_DATA1, record.data1, true);
  view.setBigUint64(idxAt, written + 1n, true);
}

/** Reads the record at byte `offset` of any buffer holding records. */
export function readRawRecord(bytes: Uint8Array, offset: number): RawRecord {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    timestamp: view.getBigUint64(offset, true),
    id: view.getUint8(offset + OFFSET_ID),
    cpu: view.getUint8(offset + OFFSET_CPU),
    data0: view.getBigUint64(offset + OFFSET_DATA0, true),
    data1: view.getBigUint64(offset + OFFSET_DATA1, true),
  };
}
