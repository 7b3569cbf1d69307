/**
 * Reading typed fields out of a record's data words. A field lives in bits
 * [start, start + range) of its 64-bit word and holds a value of `width <= range` bits; the bits
 * of the range above the value must be zero (unsigned) or copies of the sign bit (signed, which
 * is how the kernel stores an `isize` in a u64). A value that breaks that does not fit its
 * field: the readers return a sentinel (-1, NaN, undefined) and the caller reports it, so
 * nothing is truncated silently. Words come as two u32 halves, so no BigInt is made for fields
 * of up to 53 bits.
 */

const TWO_32 = 4294967296;

// Scratch for the shifted and masked range, to return two halves without allocating.
let rlo = 0;
let rhi = 0;

function takeRange(lo: number, hi: number, start: number, range: number): void {
  let a: number;
  let b: number;
  if (start === 0) {
    a = lo;
    b = hi;
  } else if (start < 32) {
    a = ((lo >>> start) | (hi << (32 - start))) >>> 0;
    b = hi >>> start;
  } else {
    a = hi >>> (start - 32);
    b = 0;
  }
  if (range < 32) {
    a = (a & ((1 << range) - 1)) >>> 0;
    b = 0;
  } else if (range < 64) {
    b = range === 32 ? 0 : (b & (2 ** (range - 32) - 1)) >>> 0;
  }
  rlo = a >>> 0;
  rhi = b >>> 0;
}

/** An unsigned field of up to 53 bits, or -1 when the stored bits do not fit `width`. */
export function unsignedField(lo: number, hi: number, start: number, range: number, width: number): number {
  takeRange(lo, hi, start, range);
  if (width <= 32) {
    if (rhi !== 0 || (width < 32 && rlo >>> width !== 0)) return -1;
    return rlo;
  }
  if (rhi >= 2 ** (width - 32)) return -1;
  return rhi * TWO_32 + rlo;
}

/** A signed field of up to 53 bits, or NaN when the stored bits do not fit `width`. */
export function signedField(lo: number, hi: number, start: number, range: number, width: number): number {
  takeRange(lo, hi, start, range);
  let v: number;
  if (range <= 32) {
    const shift = 32 - range;
    v = (rlo << shift) >> shift;
  } else {
    const shift = 64 - range;
    const h = (rhi << shift) >> shift;
    v = h * TWO_32 + rlo;
  }
  const limit = 2 ** (width - 1);
  return v >= -limit && v < limit ? v : NaN;
}

/** A bool field: its one bit, or undefined when the range holds anything but 0 or 1. */
export function boolField(lo: number, hi: number, start: number, range: number): boolean | undefined {
  const v = unsignedField(lo, hi, start, range, 1);
  return v === -1 ? undefined : v === 1;
}

/** An unsigned field wider than 53 bits, or undefined when it does not fit `width`. */
export function bigUnsignedField(word: bigint, start: number, range: number, width: number): bigint | undefined {
  const raw = BigInt.asUintN(range, word >> BigInt(start));
  return raw >> BigInt(width) === 0n ? raw : undefined;
}

/** A signed field wider than 53 bits, or undefined when it does not fit `width`. */
export function bigSignedField(word: bigint, start: number, range: number, width: number): bigint | undefined {
  const v = BigInt.asIntN(range, word >> BigInt(start));
  return BigInt.asIntN(width, v) === v ? v : undefined;
}

/** Formats a number or bigint in hex with the `0x` prefix (negative values as two's complement of `width` bits). */
export function hexOf(v: number | bigint, width = 64): string {
  const b = typeof v === 'bigint' ? v : BigInt(v);
  return '0x' + BigInt.asUintN(width, b).toString(16);
}

/** Names of the bits set in `v`, joined by `|`; bits without a name are shown as one hex remainder. */
export function flagsText(v: number | bigint, names: readonly (readonly [number, string])[]): string {
  let rest = typeof v === 'bigint' ? v : BigInt(v);
  if (rest === 0n) return '0';
  const parts: string[] = [];
  for (const [bit, name] of names) {
    const m = 1n << BigInt(bit);
    if ((rest & m) !== 0n) {
      parts.push(name);
      rest &= ~m;
    }
  }
  if (rest !== 0n) parts.push('0x' + rest.toString(16));
  return parts.join('|');
}
