import type { ByteWriter } from '../output/byte-writer.js';

/** Protocol buffers' wire types (the low three bits of a tag). */
const I64 = 1;
const LEN = 2;

const scratch = new DataView(new ArrayBuffer(8));

/**
 * Writes protocol-buffer messages straight into a `ByteWriter`: varints, fixed64s, doubles,
 * strings and nested messages, with no object per message. A nested message reserves one byte
 * for its length and moves its body along in `end()` in the rare case it passes 127 bytes, so
 * lengths are always the shortest varint. Callers `reserve()` room for a whole top-level
 * message first: nothing here flushes.
 *
 * @example
 * const at = pw.begin(1);     // packet
 * pw.varint(8, timestamp);    //   timestamp
 * pw.end(at);
 */
export class ProtoWriter {
  readonly w: ByteWriter;

  constructor(w: ByteWriter) {
    this.w = w;
  }

  /** Field `field` of a varint type: a non-negative integer below 2^53. */
  varint(field: number, v: number): void {
    this.#raw(field << 3);
    this.#raw(v);
  }

  /** A u64 given as u32 halves, as a varint. */
  varint64(field: number, hi: number, lo: number): void {
    this.#raw(field << 3);
    if (hi === 0) this.#raw(lo);
    else this.#raw64(hi, lo);
  }

  /** An int64 field: a negative value is its two's complement, ten bytes. */
  int64(field: number, v: number | bigint): void {
    if (typeof v === 'bigint') {
      const u = BigInt.asUintN(64, v);
      this.varint64(field, Number(u >> 32n), Number(u & 0xffffffffn));
    } else if (v >= 0) this.varint(field, v);
    else {
      const u = BigInt.asUintN(64, BigInt(v));
      this.varint64(field, Number(u >> 32n), Number(u & 0xffffffffn));
    }
  }

  /** A fixed64 field from u32 halves (little-endian on the wire). */
  fixed64(field: number, hi: number, lo: number): void {
    this.#raw((field << 3) | I64);
    const w = this.w;
    const b = w.buf;
    let p = w.pos;
    b[p++] = lo & 0xff;
    b[p++] = (lo >>> 8) & 0xff;
    b[p++] = (lo >>> 16) & 0xff;
    b[p++] = lo >>> 24;
    b[p++] = hi & 0xff;
    b[p++] = (hi >>> 8) & 0xff;
    b[p++] = (hi >>> 16) & 0xff;
    b[p++] = hi >>> 24;
    w.pos = p;
  }

  double(field: number, v: number): void {
    scratch.setFloat64(0, v, true);
    this.fixed64(field, scratch.getUint32(4, true), scratch.getUint32(0, true));
  }

  /** A string or bytes field from bytes encoded once (names, fragments). */
  bytes(field: number, b: Uint8Array): void {
    this.#raw((field << 3) | LEN);
    this.#raw(b.length);
    this.w.bytes(b);
  }

  /** A string field from text, as UTF-8. */
  string(field: number, s: string): void {
    const at = this.begin(field);
    this.w.text(s);
    this.end(at);
  }

  /** Opens nested message `field`; returns where its length goes, for `end`. */
  begin(field: number): number {
    this.#raw((field << 3) | LEN);
    return this.w.pos++;
  }

  /** Closes the nested message opened at `at`: writes its length, moving the body when it takes more than a byte. */
  end(at: number): void {
    const w = this.w;
    const len = w.pos - at - 1;
    if (len < 0x80) {
      w.buf[at] = len;
      return;
    }
    let n = 1;
    for (let v = len; v >= 0x80; v = Math.floor(v / 0x80)) n++;
    w.buf.copyWithin(at + n, at + 1, w.pos);
    w.pos = at;
    this.#raw(len);
    w.pos = at + n + len;
  }

  /** The varint bytes of a non-negative integer below 2^53. */
  #raw(v: number): void {
    const w = this.w;
    const b = w.buf;
    let p = w.pos;
    if (v < 0x80000000) {
      while (v >= 0x80) {
        b[p++] = (v & 0x7f) | 0x80;
        v >>>= 7;
      }
    } else {
      while (v >= 0x80) {
        b[p++] = (v % 0x80) | 0x80;
        v = Math.floor(v / 0x80);
      }
    }
    b[p++] = v;
    w.pos = p;
  }

  /** The varint bytes of a u64 given as halves (`hi` > 0). */
  #raw64(hi: number, lo: number): void {
    const w = this.w;
    const b = w.buf;
    let p = w.pos;
    // 7 bits at a time from the low word, the high word's bits moving in as it empties
    while (hi !== 0 || lo >= 0x80) {
      b[p++] = (lo & 0x7f) | 0x80;
      lo = ((lo >>> 7) | ((hi & 0x7f) << 25)) >>> 0;
      hi >>>= 7;
    }
    b[p++] = lo;
    w.pos = p;
  }
}
