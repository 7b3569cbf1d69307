import { OFFSET_TIMESTAMP, RECORD_BYTES } from '@tracegen/runtime';
import type { DecodedRecord } from './record.js';

/** Records of one ring in a drain, still in the file's bytes. */
export interface ChunkView {
  readonly ring: number;
  readonly view: DataView;
  /** Bytes of records in `view` (a multiple of 32). */
  readonly length: number;
}

/** Called for each record, in order: the record is the 32 bytes at `o` of `view`. */
export type EmitAt = (view: DataView, o: number, ring: number) => void;

interface Cursor {
  readonly ring: number;
  readonly view: DataView;
  o: number;
  readonly end: number;
  /** File order of the chunk: equal timestamps keep it. */
  readonly seq: number;
}

/** Records waiting for the watermark beyond this are released anyway (see `ChunkMerger`). */
const MAX_PENDING_BYTES = 64 << 20;

/**
 * Merges the chunks of a streamed trace by timestamp without making an object per record: a
 * k-way merge over the file's own bytes of each ring's queue of chunks (each ring's records are
 * in time order). A trace file arrives as drains; a ring copied late in one drain may hold events
 * older than ones an earlier ring shows in the next, so after each drain only records up to the
 * watermark (the oldest "newest record" among the drain's rings) are released and the rest wait.
 * Ties keep file order.
 *
 * Hostile or broken timestamps cannot make it slow or large: only each ring's first waiting chunk
 * takes part in the comparison (at most one per ring), and when more than 64 MiB of records wait
 * (a ring whose clock ran far ahead holds nothing back, but its own records would wait forever)
 * everything waiting is released and counted in `released`; timestamps that go backwards within
 * a ring are counted in `backwards`. Either means the output is not wholly in time order.
 */
export class ChunkMerger {
  readonly #queues = new Map<number, Cursor[]>();
  #pendingBytes = 0;
  #seq = 0;
  readonly #maxPending: number;
  /** Times everything waiting was released early, out of time order. */
  released = 0;
  /** Records whose timestamp is below the one before them in their ring. */
  backwards = 0;

  constructor(maxPendingBytes = MAX_PENDING_BYTES) {
    this.#maxPending = maxPendingBytes;
  }

  push(chunks: readonly ChunkView[], emit: EmitAt): void {
    let wmHi = Infinity;
    let wmLo = Infinity;
    for (const c of chunks) {
      if (c.length === 0) continue;
      let q = this.#queues.get(c.ring);
      if (!q) this.#queues.set(c.ring, (q = []));
      q.push({ ring: c.ring, view: c.view, o: 0, end: c.length, seq: this.#seq++ });
      this.#pendingBytes += c.length;
      // the chunk's newest record is its last
      const hi = c.view.getUint32(c.length - RECORD_BYTES + OFFSET_TIMESTAMP + 4, true);
      const lo = c.view.getUint32(c.length - RECORD_BYTES + OFFSET_TIMESTAMP, true);
      if (hi < wmHi || (hi === wmHi && lo < wmLo)) [wmHi, wmLo] = [hi, lo];
    }
    if (this.#pendingBytes > this.#maxPending) {
      this.released++;
      this.#drain(emit, Infinity, Infinity);
    } else if (wmHi !== Infinity) this.#drain(emit, wmHi, wmLo);
  }

  end(emit: EmitAt): void {
    this.#drain(emit, Infinity, Infinity);
  }

  #drain(emit: EmitAt, wmHi: number, wmLo: number): void {
    // the heads: each ring's first waiting chunk
    const cs: Cursor[] = [];
    for (const q of this.#queues.values()) if (q.length) cs.push(q[0]!);
    for (;;) {
      let best = -1;
      let bHi = 0;
      let bLo = 0;
      for (let i = 0; i < cs.length; i++) {
        const c = cs[i]!;
        const hi = c.view.getUint32(c.o + 4, true);
        const lo = c.view.getUint32(c.o, true);
        if (best < 0 || hi < bHi || (hi === bHi && (lo < bLo || (lo === bLo && c.seq < cs[best]!.seq)))) [best, bHi, bLo] = [i, hi, lo];
      }
      if (best < 0 || bHi > wmHi || (bHi === wmHi && bLo > wmLo)) break;
      const c = cs[best]!;
      // the chosen ring's run: emit while it stays the oldest, without rescanning the others
      let nHi = Infinity;
      let nLo = Infinity;
      let nSeq = Infinity; // the watermark bounds the run with every record equal to it released
      for (let i = 0; i < cs.length; i++) {
        if (i === best) continue;
        const o = cs[i]!;
        const hi = o.view.getUint32(o.o + 4, true);
        const lo = o.view.getUint32(o.o, true);
        if (hi < nHi || (hi === nHi && (lo < nLo || (lo === nLo && o.seq < nSeq)))) [nHi, nLo, nSeq] = [hi, lo, o.seq];
      }
      if (wmHi < nHi || (wmHi === nHi && wmLo < nLo)) [nHi, nLo, nSeq] = [wmHi, wmLo, Infinity];
      let pHi = bHi;
      let pLo = bLo;
      const runStart = c.o;
      for (;;) {
        emit(c.view, c.o, c.ring);
        c.o += RECORD_BYTES;
        if (c.o >= c.end) break;
        const hi = c.view.getUint32(c.o + 4, true);
        const lo = c.view.getUint32(c.o, true);
        if (hi < pHi || (hi === pHi && lo < pLo)) this.backwards++;
        pHi = hi;
        pLo = lo;
        // a tie goes to the chunk that came first, so equal timestamps keep file order
        if (hi > nHi || (hi === nHi && (lo > nLo || (lo === nLo && c.seq > nSeq)))) break;
      }
      this.#pendingBytes -= c.o - runStart;
      if (c.o >= c.end) {
        const q = this.#queues.get(c.ring)!;
        q.shift();
        if (q.length) cs[best] = q[0]!;
        else cs.splice(best, 1);
      }
      if (!Number.isFinite(wmHi) && cs.length === 0) break;
    }
  }
}

/** Keeps the last `n` records of each ring (the kernel's "most recent N per CPU"). */
export class LastPerRing {
  readonly #n: number;
  readonly #rings = new Map<number, DecodedRecord[]>();

  constructor(n: number) {
    this.#n = n;
  }

  push(batch: readonly DecodedRecord[]): void {
    for (const r of batch) {
      let list = this.#rings.get(r.ring);
      if (!list) this.#rings.set(r.ring, (list = []));
      list.push(r);
      // trim in bulk, not per record
      if (list.length >= this.#n * 2 + 1024) list.splice(0, list.length - this.#n);
    }
  }

  byRing(): Map<number, DecodedRecord[]> {
    const out = new Map<number, DecodedRecord[]>();
    for (const [ring, list] of this.#rings) out.set(ring, list.slice(Math.max(0, list.length - this.#n)));
    return out;
  }
}
