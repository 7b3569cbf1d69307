/**
 * Units whose failures used to show only as golden diffs: the helpers' packing, the field
 * readers at every width, the chunk merger, and `shortDiff`.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChunkMerger, type ChunkView } from '../generator/trace/read/pipeline.js';
import { misfitBits, planWords } from '../generator/schema/emit/ts/packing.js';
import { shortDiff } from '../generator/schema/emit/write-files.js';
import { loadSchemaText } from '../generator/schema/load-schema.js';
import type { EventModel } from '../generator/schema/model/model.js';
import { bigSignedField, bigUnsignedField, packHi, packLo, signedField, unsignedField } from '@tracegen/runtime';

/** A random event: fields of random widths and signedness placed without overlap in both words. */
const eventShape = fc
  .array(fc.record({ width: fc.integer({ min: 1, max: 64 }), signed: fc.boolean(), spare: fc.integer({ min: 0, max: 8 }) }), {
    minLength: 1,
    maxLength: 6,
  })
  .map((specs) => {
    const fields: { name: string; word: string; bits: [number, number]; type: string }[] = [];
    const next = [0, 0];
    for (const [i, s] of specs.entries()) {
      const range = Math.min(64, s.width + s.spare);
      const word = next[0]! + range <= 64 ? 0 : next[1]! + range <= 64 ? 1 : -1;
      if (word < 0) continue;
      fields.push({
        name: `f${i}`,
        word: `data${word}`,
        bits: [next[word]!, next[word]! + range - 1],
        type: `${s.signed ? 'i' : 'u'}${s.width}`,
      });
      next[word]! += range;
    }
    return fields;
  });

function eventOf(fields: unknown[]): EventModel {
  const text = JSON.stringify({
    tracegen: 1,
    name: 'units',
    clock: { unit: 'ns' },
    layout: { ring_size: 64, rings: 1 },
    events: [{ id: 0, name: 'ev', doc: 'x', fields }],
  });
  const r = loadSchemaText(text, 'units.yaml');
  if (!r.model) throw new Error(JSON.stringify(r.diagnostics));
  return r.model.events[0]!;
}

/** The value a field of `width` bits takes for a random draw in its range. */
const valueIn = (width: number, signed: boolean, draw: bigint): bigint =>
  signed ? BigInt.asIntN(width, draw) : BigInt.asUintN(width, draw);

describe('the helpers pack their arguments into the words the kernel would', () => {
  it('for random layouts of fields of every width, the generated expressions give the reference words', () => {
    fc.assert(
      fc.property(eventShape, fc.array(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), { minLength: 6, maxLength: 6 }), (fields, draws) => {
        const event = eventOf(fields);
        const values = event.fields.map((f, i) => valueIn(f.type.width, f.type.kind === 'int', draws[i]!));
        // the reference: each value, two's complement in its range, shifted into place
        const want = [0n, 0n];
        event.fields.forEach((f, i) => {
          want[f.word] = want[f.word]! | (BigInt.asUintN(f.range, values[i]!) << BigInt(f.lo));
        });
        const args = event.fields.map((f, i) => (f.big ? values[i]! : Number(values[i]!)));
        const params = event.fields.map((f) => f.names.camel);
        const [w0, w1] = planWords(event);
        const got = [w0, w1].map((w) => {
          // the word goes into a BigUint64Array, which keeps its low 64 bits
          if (w.big) return BigInt.asUintN(64, new Function('BigInt', ...params, `return ${w.whole};`)(BigInt, ...args) as bigint);
          const lo = new Function('$packLo', '$packHi', ...params, `return (${w.lo}) >>> 0;`)(packLo, packHi, ...args) as number;
          const hi = new Function('$packLo', '$packHi', ...params, `return (${w.hi}) >>> 0;`)(packLo, packHi, ...args) as number;
          return (BigInt(hi) << 32n) | BigInt(lo);
        });
        expect(got).toEqual(want);
        // and no argument in range is flagged as a misfit
        expect(new Function('BigInt', ...params, `return ${misfitBits(event)};`)(BigInt, ...args)).toBe(0);
      }),
      { numRuns: 400, seed: 7 },
    );
  });
});

describe('the field readers at every width', () => {
  it('read back any value written in any range of any width, and flag what does not fit', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 64 }),
        fc.integer({ min: 0, max: 63 }),
        fc.integer({ min: 0, max: 16 }),
        fc.boolean(),
        fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
        (width, start0, spare, signed, draw) => {
          const range = Math.min(64, width + spare);
          const start = Math.min(start0, 64 - range);
          const value = valueIn(width, signed, draw);
          const word = BigInt.asUintN(range, value) << BigInt(start);
          const [lo, hi] = [Number(word & 0xffffffffn), Number(word >> 32n)];
          if (width > 53) {
            expect(signed ? bigSignedField(word, start, range, width) : bigUnsignedField(word, start, range, width)).toBe(value);
          } else {
            expect(signed ? signedField(lo, hi, start, range, width) : unsignedField(lo, hi, start, range, width)).toBe(Number(value));
          }
          // one more bit set above the value's width (if the range has room) does not fit
          if (range > width && !signed) {
            const over = word | (1n << BigInt(start + width));
            const [olo, ohi] = [Number(over & 0xffffffffn), Number(over >> 32n)];
            expect(width > 53 ? bigUnsignedField(over, start, range, width) : unsignedField(olo, ohi, start, range, width)).toBe(
              width > 53 ? undefined : -1,
            );
          }
        },
      ),
      { numRuns: 3000, seed: 11 },
    );
  });
});

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

describe('shortDiff', () => {
  it('shows the changed lines with where they start, and stops after a few', () => {
    expect(shortDiff('a\nb\nc\n', 'a\nB\nc\n')).toBe('@@ line 2 @@\n- b\n+ B\n');
    expect(shortDiff('a\n', 'a\nb\n')).toBe('@@ line 2 @@\n+ b\n');
    const many = shortDiff(
      Array.from({ length: 40 }, (_, i) => `x${i}`).join('\n'),
      Array.from({ length: 40 }, (_, i) => `y${i}`).join('\n'),
      6,
    );
    expect(many.trimEnd().split('\n')).toHaveLength(7);
    expect(many.trimEnd().split('\n').at(-1)).toBe('  ...');
  });
});
