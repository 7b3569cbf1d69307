import { TWO_32 } from '@tracegen/runtime';

/** Characters encoded at a time: at most 192 KiB of UTF-8. */
const TEXT_SLICE = 1 << 16;

/**
 * Writes ASCII text and decimal numbers straight into a byte buffer: `--format jsonl` of a large
 * capture spends its time here, and building strings first would double the work and the
 * garbage. Callers `reserve()` room for a record, then write; the owner flushes when full.
 */
export class ByteWriter {
  buf: Uint8Array;
  pos = 0;
  readonly #flush: (bytes: Uint8Array) => Uint8Array | undefined;

  /** `flush` takes the filled bytes and may return the buffer to fill next (else this one is reused). */
  constructor(buffer: Uint8Array, flush: (bytes: Uint8Array) => Uint8Array | undefined) {
    this.buf = buffer;
    this.#flush = flush;
  }

  /** Makes room for `n` more bytes. */
  reserve(n: number): void {
    if (this.pos + n > this.buf.length) {
      this.flush();
      if (n > this.buf.length) this.buf = new Uint8Array(n * 2);
    }
  }

  flush(): void {
    if (this.pos === 0) return;
    const next = this.#flush(this.buf.subarray(0, this.pos));
    if (next) this.buf = next;
    this.pos = 0;
  }

  /** Copies pre-encoded bytes (constant fragments). */
  bytes(b: Uint8Array): void {
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < b.length; i++) buf[p++] = b[i]!;
    this.pos = p;
  }

  /** Writes a string known to be ASCII (identifiers, digits, JSON made by us). */
  ascii(s: string): void {
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < s.length; i++) buf[p++] = s.charCodeAt(i);
    this.pos = p;
  }

  /** Any text, as UTF-8. */
  text(s: string): void {
    // a long text goes a slice at a time, so the buffer stays its size (a report is hundreds of MB)
    for (let at = 0; at < s.length; ) {
      let end = Math.min(s.length, at + TEXT_SLICE);
      // never between the halves of a surrogate pair
      if (end < s.length && (s.charCodeAt(end - 1) & 0xfc00) === 0xd800) end--;
      const part = at === 0 && end === s.length ? s : s.slice(at, end);
      this.reserve(part.length * 3);
      this.pos += encoder.encodeInto(part, this.buf.subarray(this.pos)).written;
      at = end;
    }
  }

  /** A non-negative integer below 2^53, in decimal. */
  uint(v: number): void {
    if (v < 1e9) {
      this.#small(v | 0, 0);
      return;
    }
    // split so each part fits 32-bit integer arithmetic, far faster than double division
    const high = Math.floor(v / 1e9);
    this.uint(high);
    this.#small((v - high * 1e9) | 0, 9);
  }

  /** An integer below 1e9, left-padded with zeros to `pad` digits: two digits a step, from the end. */
  #small(v: number, pad: number): void {
    const n = Math.max(pad, digitsBelow1e9(v));
    const buf = this.buf;
    const start = this.pos;
    let p = start + n;
    this.pos = p;
    while (v >= 100) {
      const q = (v / 100) | 0;
      const r = (v - q * 100) << 1;
      buf[--p] = PAIRS[r + 1]!;
      buf[--p] = PAIRS[r]!;
      v = q;
    }
    if (v >= 10) {
      buf[--p] = PAIRS[(v << 1) + 1]!;
      buf[--p] = PAIRS[v << 1]!;
    } else buf[--p] = 48 + v;
    while (p > start) buf[--p] = 48;
  }

  /** A safe integer, signed. */
  int(v: number): void {
    if (v < 0) {
      this.buf[this.pos++] = 45; // '-'
      this.uint(-v);
    } else this.uint(v);
  }

  /** Lower-case hex digits of a u64 given as u32 halves, without leading zeros (`0` for zero). */
  hex(hi: number, lo: number): void {
    const buf = this.buf;
    let p = this.pos;
    if (hi !== 0) {
      p = hexInto(buf, p, hi, 0);
      p = hexInto(buf, p, lo, 8);
    } else p = hexInto(buf, p, lo, 1);
    this.pos = p;
  }

  /** A non-negative integer below 2^53, right-aligned in `width` columns filled with `fill` (a space, or `0` = 48). */
  uintPadded(v: number, width: number, fill = 32): void {
    let digits = 1;
    for (let t = v; t >= 10; t = Math.floor(t / 10)) digits++;
    const buf = this.buf;
    for (let k = digits; k < width; k++) buf[this.pos++] = fill;
    this.uint(v);
  }

  /** A u64 given as u32 halves, read as signed (two's complement), in decimal. */
  i64(hi: number, lo: number): void {
    const h = hi | 0;
    // exact as a double while the high word is within +-2^21
    if (h >= -0x200000 && h < 0x200000) this.int(h * TWO_32 + lo);
    else this.ascii(BigInt.asIntN(64, (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0)).toString());
  }

  /** A u64 given as u32 halves, in decimal. */
  u64(hi: number, lo: number): void {
    if (hi < 0x200000) this.uint(hi * TWO_32 + lo);
    else this.ascii(((BigInt(hi) << 32n) | BigInt(lo)).toString());
  }
}

const encoder = new TextEncoder();

/** Writes the hex digits of a u32 at `p`, at least `min` of them; returns the position after. */
function hexInto(buf: Uint8Array, p: number, v: number, min: number): number {
  let n = 8;
  while (n > min && ((v >>> ((n - 1) * 4)) & 15) === 0) n--;
  for (let k = n - 1; k >= 0; k--) buf[p++] = HEX[(v >>> (k * 4)) & 15]!;
  return p;
}

/** Encodes an ASCII fragment once, for `ByteWriter.bytes`. */
export function fragment(s: string): Uint8Array {
  return encoder.encode(s);
}

const HEX = fragment('0123456789abcdef');

/** "00" to "99", two bytes each. */
const PAIRS = fragment(Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0')).join(''));

function digitsBelow1e9(v: number): number {
  return v < 10000 ? (v < 100 ? (v < 10 ? 1 : 2) : v < 1000 ? 3 : 4) : v < 1e6 ? (v < 1e5 ? 5 : 6) : v < 1e7 ? 7 : v < 1e8 ? 8 : 9;
}
