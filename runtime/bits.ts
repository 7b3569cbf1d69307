/**
 * Reading typed fields out of a record's data words. A field lives in bits
 * [start, start + range) of its 64-bit word and holds a value of `width <= range` bits; the bits
 * of the range above the value must be zero (unsigned) or copies of the sign bit (signed, which
 * is how the kernel stores an `isize` in a u64). A value that breaks that does not fit its
 * field: the readers return a sentinel (-1, NaN, undefined) and the caller reports it, so
 * nothing is truncated silently. Words come as two u32 halves, so no BigInt is made for fields
 * of up to 53 bits.
 */
import { dataOffset, TWO_32 } from './layout.js';

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

/**
 * The low u32 of a number field's contribution to its word: `v` (two's complement when
 * negative, |v| < 2^53) masked to `range` bits and shifted to bit `start`. For fields whose range
 * crosses the word's halves; simpler ranges are packed inline by generated helpers.
 */
export function packLo(v: number, start: number, range: number): number {
  const lo = maskedLo(v, range);
  return start >= 32 ? 0 : (lo << start) >>> 0;
}

/** The high u32 of a number field's contribution to its word (see `packLo`). */
export function packHi(v: number, start: number, range: number): number {
  const lo = maskedLo(v, range);
  const hi = maskedHi(v, range);
  if (start === 0) return hi;
  if (start >= 32) return (lo << (start - 32)) >>> 0;
  return ((hi << start) | (lo >>> (32 - start))) >>> 0;
}

function maskedLo(v: number, range: number): number {
  const lo = v >>> 0;
  return range >= 32 ? lo : (lo & ((1 << range) - 1)) >>> 0;
}

function maskedHi(v: number, range: number): number {
  if (range <= 32) return 0;
  const hi = Math.floor(v / TWO_32) >>> 0;
  return range >= 64 ? hi : (hi & (2 ** (range - 32) - 1)) >>> 0;
}

/** A field whose stored value did not fit its type, or an enum value with no name. */
export interface FieldIssue {
  readonly field: string;
  readonly message: string;
}

/** The two data words of a record, for records whose fields could not all be decoded. */
export interface RawWords {
  readonly data0: bigint;
  readonly data1: bigint;
}

/** Appends an issue, creating the list on first use (most records have none). */
export function addIssue(issues: FieldIssue[] | undefined, field: string, message: string): FieldIssue[] {
  const list = issues ?? [];
  list.push({ field, message });
  return list;
}

/** The raw words of the record at byte `o` of `view`. */
export function rawWords(view: DataView, o: number): RawWords {
  return { data0: view.getBigUint64(o + dataOffset(0), true), data1: view.getBigUint64(o + dataOffset(1), true) };
}

/** The bits of a field's range, in hex: what an issue shows of a value that did not fit. */
export function rangeHex(view: DataView, o: number, word: number, start: number, range: number): string {
  return hexOf(BigInt.asUintN(range, view.getBigUint64(o + dataOffset(word as 0 | 1), true) >> BigInt(start)));
}

/** Shows an unsigned value of `width` bits as signed (display format `signed`). */
export function signedText(v: number | bigint, width: number): string {
  return BigInt.asIntN(width, typeof v === 'bigint' ? v : BigInt(v)).toString();
}

/** An enum value's name, or `unknown(N)`. */
export function enumText(v: number, names: Readonly<Record<number, string>>, width = 32): string {
  // a stored value wider than the enum (a stored misfit) shows as its raw bits, as the table shows it
  if (width < 32 && v >>> width !== 0) return `0x${v.toString(16)}`;
  return names[v] ?? `unknown(${v})`;
}
