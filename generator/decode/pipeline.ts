import { compareTs, type DecodedRecord } from './record.js';

/**
 * Merges batches of records by timestamp with bounded memory. A trace file arrives as drains:
 * within one, each ring's records are in order, but a ring copied later in the drain may hold
 * events older than ones an earlier-copied ring will show in the next drain. So after each batch
 * only records up to the watermark (the oldest "newest record" among the rings in the batch) are
 * released; the rest wait for the next batch. Sorting is stable, so equal timestamps keep their
 * input order.
 */
export class TimeMerger {
  #pending: DecodedRecord[] = [];

  /** Adds a batch; returns the records now safe to emit, in timestamp order. */
  push(batch: readonly DecodedRecord[]): DecodedRecord[] {
    if (batch.length === 0) return [];
    const newest = new Map<number, DecodedRecord>();
    for (const r of batch) newest.set(r.ring, r);
    let watermark: DecodedRecord | undefined;
    for (const r of newest.values()) if (!watermark || compareTs(r, watermark) < 0) watermark = r;
    const all = this.#pending.concat(batch);
    all.sort(compareTs);
    let cut = 0;
    while (cut < all.length && compareTs(all[cut]!, watermark!) <= 0) cut++;
    this.#pending = all.slice(cut);
    return all.slice(0, cut);
  }

  /** Everything still held, in order. */
  end(): DecodedRecord[] {
    const rest = this.#pending;
    this.#pending = [];
    return rest;
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
