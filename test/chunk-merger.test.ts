/**
 * The chunk merger (trace/read/pipeline.ts): every record once, in time order, across drains;
 * timestamps that go backwards counted, and what waits past its bound released.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChunkMerger, type ChunkView } from '../generator/trace/read/pipeline.js';

describe('the chunk merger', () => {
  /** Drains of chunks: per drain, per ring, a run of records with these timestamps. */
  function drains(perDrain: bigint[][][]): ChunkView[][] {
    return perDrain.map((rings) =>
      rings.flatMap((ts, ring) => {
        if (ts.length === 0) return [];
        const bytes = new Uint8Array(ts.length * 32);
        const view = new DataView(bytes.buffer);
        ts.forEach((t, i) => {
          view.setBigUint64(i * 32, t, true);
          view.setUint32(i * 32 + 16, Number(t), true);
        });
        return [{ ring, view, length: bytes.length }];
      }),
    );
  }

  it('gives every record once, in time order, when each ring is in order and drains follow each other in time', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.array(fc.integer({ min: 1, max: 99 }), { maxLength: 6 }), { minLength: 3, maxLength: 3 }), {
          minLength: 1,
          maxLength: 8,
        }),
        (raw) => {
          // drain k holds, per ring, sorted timestamps between 100 k and 100 (k + 1): rings interleave within a drain
          const perDrain = raw.map((rings, k) => rings.map((ts) => [...ts].sort((a, b) => a - b).map((t) => BigInt(100 * k + t))));
          const out: [bigint, number][] = [];
          const m = new ChunkMerger();
          const emit = (view: DataView, o: number, ring: number) => out.push([view.getBigUint64(o, true), ring]);
          for (const d of drains(perDrain)) m.push(d, emit);
          m.end(emit);
          expect(out.map(([t]) => t).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(
            perDrain.flat(2).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
          );
          for (let i = 1; i < out.length; i++) expect(out[i]![0] >= out[i - 1]![0]).toBe(true);
          expect([m.backwards, m.released]).toEqual([0, 0]);
        },
      ),
      { numRuns: 300, seed: 3 },
    );
  });

  it('counts timestamps that go backwards, and releases what waits past its bound', () => {
    const m = new ChunkMerger(96);
    const out: bigint[] = [];
    const emit = (view: DataView, o: number) => out.push(view.getBigUint64(o, true));
    for (const d of drains([
      [[5n, 3n, 4n], [1n]],
      [[10n], [2n ** 62n, 2n ** 62n + 1n]],
    ]))
      m.push(d, emit);
    m.end(emit);
    expect(out).toHaveLength(7);
    expect(m.backwards).toBe(1);
    expect(m.released).toBe(1);
  });
});
