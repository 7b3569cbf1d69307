import { TWO_32 } from '@tracegen/runtime';

/**
 * Writes ASCII text and decimal numbers straight into a byte buffer: `--format jsonl` of a large
 * capture spends its time here, and building strings first would double the work and the
 * garbage. Callers `reserve()` room for a record, then write; the owner flushes when full.
 */
export class ByteWriter {
  buf: Uint8Array;
  pos = 0;
  readonly #flush: (bytes: Uint8Array) => Uint8Array | undefined;
  readonly #digits = new Uint8Array(24);

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
    this.reserve(s.length * 3);
    this.pos += encoder.encodeInto(s, this.buf.subarray(this.pos)).written;
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

  /** An integer below 1e9, left-padded with zeros to `pad` digits. */
  #small(v: number, pad: number): void {
    const d = this.#digits;
    let k = 0;
    do {
      const q = (v / 10) | 0;
      d[k++] = 48 + v - q * 10;
      v = q;
    } while (v > 0);
    while (k < pad) d[k++] = 48;
    const buf = this.buf;
    let p = this.pos;
    while (k > 0) buf[p++] = d[--k]!;
    this.pos = p;
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

  /** A non-negative integer below 2^53, right-aligned in `width` columns. */
  uintPadded(v: number, width: number): void {
    let digits = 1;
    for (let t = v; t >= 10; t = Math.floor(t / 10)) digits++;
    const buf = this.buf;
    for (let k = digits; k < width; k++) buf[this.pos++] = 32;
    this.uint(v);
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
