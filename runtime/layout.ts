/**
 * The kernel's memory layout (VeridianOS `perf/trace.rs`), which the runtime reproduces byte for
 * byte so one decoder reads both:
 *
 *   record (32 bytes, little-endian):  0 u64 timestamp | 8 u8 id | 9 u8 cpu | 10 6 zero bytes
 *                                      | 16 u64 data0 | 24 u64 data1
 *           (the runtime uses bytes 12-15, zero in the kernel, for its argument-misfit bits:
 *           field-codec.ts)
 *   ring:   ring_size records, then a u64 write index counting every event ever written
 *           (slot = write_index % ring_size; once past ring_size the oldest are overwritten)
 *   image:  the rings back to back (`TRACE_RINGS`)
 */

export const RECORD_BYTES = 32;
/** Record size in 32-bit words: the unit the hot path indexes by. */
export const RECORD_WORDS = 8;
export const OFFSET_TIMESTAMP = 0;
export const OFFSET_ID = 8;
export const OFFSET_CPU = 9;
/** The runtime's argument-misfit word (u32); the kernel leaves it zero. */
export const OFFSET_ARG_MISFITS = 12;
export const OFFSET_DATA0 = 16;
export const OFFSET_DATA1 = 24;
/** Byte offset of data word `word` (0 or 1) in a record; its high half is 4 bytes further. */
export function dataOffset(word: 0 | 1): number {
  return OFFSET_DATA0 + word * 8;
}

/** Bytes of the write index after each ring's records. */
export const WRITE_INDEX_BYTES = 8;

/** Ring geometry, from the schema's `layout`. */
export interface Layout {
  /** Records per ring: a power of two. */
  readonly ringSize: number;
  /** Number of rings: 1 to 256 (the cpu byte). */
  readonly rings: number;
}

/** Bytes of one ring: its records then its write index. */
export function ringBytes(layout: Layout): number {
  return layout.ringSize * RECORD_BYTES + WRITE_INDEX_BYTES;
}

/** Bytes of the whole image: what a debugger dumps of `TRACE_RINGS`. */
export function imageBytes(layout: Layout): number {
  return layout.rings * ringBytes(layout);
}

/** Byte offset of ring `ring`'s first record in the image. */
export function ringOffset(layout: Layout, ring: number): number {
  return ring * ringBytes(layout);
}

/** Byte offset of ring `ring`'s write index in the image. */
export function writeIndexOffset(layout: Layout, ring: number): number {
  return ringOffset(layout, ring) + layout.ringSize * RECORD_BYTES;
}

/** Throws unless the layout is one the kernel could have: checked once, never on the hot path. */
export function checkLayout(layout: Layout): void {
  const { ringSize, rings } = layout;
  if (!Number.isInteger(ringSize) || ringSize < 1 || (ringSize & (ringSize - 1)) !== 0 || ringSize > 2 ** 24) {
    throw new RangeError(`ring size ${ringSize} is not a power of two between 1 and 2^24`);
  }
  if (!Number.isInteger(rings) || rings < 1 || rings > 256) throw new RangeError(`ring count ${rings} is not between 1 and 256`);
}

/** The runtime writes records with 32-bit stores; the kernel's format is little-endian. */
export const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** 2^32: u64 values travel as two u32 halves, `hi * TWO_32 + lo`. */
export const TWO_32 = 4294967296;

/** Reads a u64 stored as two little-endian u32 words, exact up to 2^53. */
export function readU64(view: DataView, offset: number): number {
  return view.getUint32(offset + 4, true) * TWO_32 + view.getUint32(offset, true);
}

/** Writes a non-negative integer below 2^53 as a little-endian u64. */
export function writeU64(view: DataView, offset: number, value: number): void {
  view.setUint32(offset, value >>> 0, true);
  view.setUint32(offset + 4, Math.floor(value / TWO_32) >>> 0, true);
}
