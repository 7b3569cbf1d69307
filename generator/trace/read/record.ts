import { OFFSET_ARG_MISFITS, OFFSET_DATA0, OFFSET_DATA1, OFFSET_CPU, OFFSET_ID, OFFSET_TIMESTAMP, TWO_32 } from '@tracegen/runtime';

/**
 * A record on its way through `decode`: the kernel's 32 bytes as plain numbers (u64 values as
 * two u32 halves), so reading, filtering, merging and printing millions of them makes no BigInt.
 */
export interface DecodedRecord {
  readonly tsHi: number;
  readonly tsLo: number;
  /** The event id, or -1 when only a name is known and the schema lacks it (serial dumps print names). */
  readonly id: number;
  readonly cpu: number;
  /** The ring the record came from (its cpu byte may differ: the kernel clamps CPU 16+ into ring 15). */
  readonly ring: number;
  readonly d0lo: number;
  readonly d0hi: number;
  readonly d1lo: number;
  readonly d1hi: number;
  /** The runtime's argument-misfit bits (runtime/field-codec.ts); 0 in kernel records. */
  readonly args: number;
  /** The printed name as read, for serial input. */
  readonly name?: string;
}

/** Orders two records by timestamp. */
export function compareTs(a: DecodedRecord, b: DecodedRecord): number {
  return a.tsHi - b.tsHi || a.tsLo - b.tsLo;
}

/** A u64 given as halves, in decimal. */
export function u64Text(hi: number, lo: number): string {
  // below 2^53 a double is exact
  return hi < 0x200000 ? String(hi * TWO_32 + lo) : ((BigInt(hi) << 32n) | BigInt(lo)).toString();
}

/** A u64 given as halves, as a bigint. */
export function u64Big(hi: number, lo: number): bigint {
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** Splits a u64 bigint into halves. */
export function halves(v: bigint): [number, number] {
  return [Number((v >> 32n) & 0xffffffffn), Number(v & 0xffffffffn)];
}

/** Reads the record at byte `o` of `view`. */
export function readRecord(view: DataView, o: number, ring: number): DecodedRecord {
  return {
    tsLo: view.getUint32(o + OFFSET_TIMESTAMP, true),
    tsHi: view.getUint32(o + OFFSET_TIMESTAMP + 4, true),
    id: view.getUint8(o + OFFSET_ID),
    cpu: view.getUint8(o + OFFSET_CPU),
    ring,
    d0lo: view.getUint32(o + OFFSET_DATA0, true),
    d0hi: view.getUint32(o + OFFSET_DATA0 + 4, true),
    d1lo: view.getUint32(o + OFFSET_DATA1, true),
    d1hi: view.getUint32(o + OFFSET_DATA1 + 4, true),
    args: view.getUint32(o + OFFSET_ARG_MISFITS, true),
  };
}
