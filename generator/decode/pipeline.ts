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
}

/**
 * Merges the chunks of a streamed trace by timestamp without making an object per record: a
 * k-way merge of per-ring cursors over the file's own bytes (each ring's records are already in
 * time order). A trace file arrives as drains; a ring copied late in one drain may hold events
 * older than ones an earlier ring shows in the next, so after each drain only records up to the
 * watermark (the oldest "newest record" among the drain's rings) are released and the rest wait.
 * Ties keep file order.
 */
export class ChunkMerger {
  #cursors: Cursor[] = [];

  push(chunks: readonly ChunkView[], emit: EmitAt): void {
    let wmHi = Infinity;
    let wmLo = Infinity;
    for (const c of chunks) {
      if (c.length === 0) continue;
      this.#cursors.push({ ring: c.ring, view: c.view, o: 0, end: c.length });
      const hi = c.view.getUint32(c.length - 28, true);
      const lo = c.view.getUint32(c.length - 32, true);
      if (hi < wmHi || (hi === wmHi && lo < wmLo)) [wmHi, wmLo] = [hi, lo];
    }
    if (wmHi !== Infinity) this.#drain(emit, wmHi, wmLo);
  }

  end(emit: EmitAt): void {
    this.#drain(emit, Infinity, Infinity);
  }

  #drain(emit: EmitAt, wmHi: number, wmLo: number): void {
    const cs = this.#cursors;
    for (;;) {
      let best = -1;
      let bHi = 0;
      let bLo = 0;
      for (let i = 0; i < cs.length; i++) {
        const c = cs[i]!;
        const hi = c.view.getUint32(c.o + 4, true);
        const lo = c.view.getUint32(c.o, true);
        if (best < 0 || hi < bHi || (hi === bHi && lo < bLo)) [best, bHi, bLo] = [i, hi, lo];
      }
      if (best < 0 || bHi > wmHi || (bHi === wmHi && bLo > wmLo)) break;
      const c = cs[best]!;
      // the chosen ring's run: emit while it stays the oldest, without rescanning the others
      let nHi = Infinity;
      let nLo = Infinity;
      let nIdx = -1; // which cursor holds the next-oldest record (-1: the watermark bounds the run)
      for (let i = 0; i < cs.length; i++) {
        if (i === best) continue;
        const o = cs[i]!;
        const hi = o.view.getUint32(o.o + 4, true);
        const lo = o.view.getUint32(o.o, true);
        if (hi < nHi || (hi === nHi && lo < nLo)) [nHi, nLo, nIdx] = [hi, lo, i];
      }
      if (wmHi < nHi || (wmHi === nHi && wmLo < nLo)) [nHi, nLo, nIdx] = [wmHi, wmLo, -1];
      for (;;) {
        emit(c.view, c.o, c.ring);
        c.o += 32;
        if (c.o >= c.end) break;
        const hi = c.view.getUint32(c.o + 4, true);
        const lo = c.view.getUint32(c.o, true);
        // a tie goes to the cursor that came first, so equal timestamps keep file order
        if (hi > nHi || (hi === nHi && (lo > nLo || (lo === nLo && nIdx >= 0 && nIdx < best)))) break;
      }
      if (c.o >= c.end) cs.splice(best, 1);
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
