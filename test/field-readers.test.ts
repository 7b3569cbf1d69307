/**
 * The runtime's field readers (runtime/bits.ts) at every width: any value written in any range
 * reads back, and what does not fit is flagged.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bigSignedField, bigUnsignedField, signedField, unsignedField } from '@tracegen/runtime';

/** The value a field of `width` bits takes for a random draw in its range. */
const valueIn = (width: number, signed: boolean, draw: bigint): bigint =>
  signed ? BigInt.asIntN(width, draw) : BigInt.asUintN(width, draw);

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
