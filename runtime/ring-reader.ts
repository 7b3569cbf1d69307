/**
 * Copies records out of rings while their writers keep writing, seqlock style: read the write
 * index, copy, read it again. A writer that has published index `w` may already be writing
 * record `w`, which lands in the slot of record `w - ring_size`; so after the copy every record
 * with index `<= w_after - ring_size` may be torn, and is dropped and counted, never returned.
 * A ring with no writer that could be running (the reader's own, or one nobody has claimed)
 * has nothing in flight, so there the copy keeps every record it read.
 */
import { RECORD_BYTES, ringOffset, TWO_32, writeIndexOffset, type Layout } from './layout.js';

/**
 * Reads a ring's write index, a u64 its writer stores as two u32 words. Between carries only the
 * low word changes, and any value read of it is one the index held. At a carry (once every 2^32
 * events) the writer makes `carry` odd, stores both words, and makes it even again: a reader
 * retries until it read both words inside one even value of `carry`, so it never sees the low
 * word wrapped without the high one. Without a carry word (a kernel image, which no runtime
 * writer carries) it re-reads the high word instead.
 */
export function loadWriteIndex(i32: Int32Array, layout: Layout, ring: number, carry = -1): number {
  const w = writeIndexOffset(layout, ring) >> 2;
  for (;;) {
    const c = carry < 0 ? 0 : Atomics.load(i32, carry);
    if ((c & 1) !== 0) continue;
    const hi = Atomics.load(i32, w + 1);
    const lo = Atomics.load(i32, w) >>> 0;
    if (carry < 0 ? Atomics.load(i32, w + 1) === hi : Atomics.load(i32, carry) === c) return (hi >>> 0) * TWO_32 + lo;
  }
}

export interface RingCopy {
  readonly ring: number;
  /** Index of the first record copied. */
  readonly firstIndex: number;
  readonly count: number;
  /** Events between `from` and the first record that the ring no longer held. */
  readonly overwritten: number;
  /** Records overwritten during the copy, left out. */
  readonly dropped: number;
  /** The write index seen before the copy: where the next copy starts. */
  readonly next: number;
}

/**
 * Copies the records of `ring` with index `>= from` into `out` at `outOffset` (room for
 * `ringSize` records is enough) and says what it copied. `fence` is an atomic location used to
 * order the copy between the two reads of the write index; `carry` the ring's carry word (see
 * `loadWriteIndex`). A `quiescent` ring has no writer that could be part-way through a record.
 */
export function copyRing(
  image: Uint8Array,
  i32: Int32Array,
  layout: Layout,
  ring: number,
  from: number,
  out: Uint8Array,
  outOffset: number,
  fence: number,
  quiescent: boolean,
  carry = -1,
): RingCopy {
  const size = layout.ringSize;
  const before = loadWriteIndex(i32, layout, ring, carry);
  const start = Math.max(from, before - size);
  const base = ringOffset(layout, ring);
  const copyRange = (a: number, b: number, dst: number) => {
    // at most two pieces: up to the ring's end, then from its start
    const sa = a % size;
    const n = b - a;
    const first = Math.min(n, size - sa);
    out.set(image.subarray(base + sa * RECORD_BYTES, base + (sa + first) * RECORD_BYTES), dst);
    if (n > first) out.set(image.subarray(base, base + (n - first) * RECORD_BYTES), dst + first * RECORD_BYTES);
  };
  if (before > start) copyRange(start, before, outOffset);
  Atomics.add(i32, fence, 0);
  const after = loadWriteIndex(i32, layout, ring, carry);
  // records with index < after - size were overwritten while copied; the one at after - size
  // too, if a writer is part-way through record `after`
  const firstSafe = Math.max(start, after - size + (quiescent ? 0 : 1));
  const dropped = Math.max(0, Math.min(before, firstSafe) - start);
  if (dropped > 0 && before > firstSafe) {
    out.copyWithin(outOffset, outOffset + dropped * RECORD_BYTES, outOffset + (before - start) * RECORD_BYTES);
  }
  return {
    ring,
    firstIndex: start + dropped,
    count: Math.max(0, before - start - dropped),
    overwritten: Math.max(0, start - from),
    dropped,
    next: before,
  };
}
