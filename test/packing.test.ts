/**
 * The TypeScript helpers' packing (emit/ts/packing.ts): for random layouts of fields of every
 * width, the generated expressions give the words the kernel would write.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { misfitBits, planWords } from '../generator/schema/emit/ts/packing.js';
import { loadSchemaText } from '../generator/schema/load-schema.js';
import type { EventModel } from '../generator/schema/model/model.js';
import { packHi, packLo } from '@tracegen/runtime';

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
