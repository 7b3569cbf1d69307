import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { describeFsError, UnreadableFileError } from '../../schema/load/read-source.js';

import { DecodeError } from './errors.js';

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/**
 * Reads a file or standard input block by block, synchronously, so a decoder of any size input
 * holds one block at a time.
 */
export class Input {
  readonly name: string;
  /** Size in bytes when known (a regular file), else undefined. */
  readonly size: number | undefined;
  /** Device and inode, so an output path can be checked against the input. */
  readonly identity: { readonly dev: number; readonly ino: number };
  #fd: number;
  #peeked: Uint8Array | undefined;
  #position = 0;
  #closeFd: boolean;

  constructor(path: string) {
    this.name = path === '-' ? 'stdin' : path;
    if (path === '-') {
      this.#fd = 0;
      this.#closeFd = false;
    } else {
      try {
        this.#fd = openSync(path, 'r');
      } catch (e) {
        throw new UnreadableFileError(`${path}: ${describeFsError(e)}`);
      }
      this.#closeFd = true;
    }
    const st = fstatSync(this.#fd);
    if (st.isDirectory()) throw new UnreadableFileError(`${path}: is a directory`);
    this.size = st.isFile() ? st.size : undefined;
    this.identity = { dev: st.dev, ino: st.ino };
  }

  /** Bytes read so far. */
  get position(): number {
    return this.#position;
  }

  /** The first bytes, without consuming them. */
  peek(max = 1 << 20): Uint8Array {
    this.#peeked ??= this.#readRaw(max);
    return this.#peeked;
  }

  /** The next block, or undefined at the end. */
  read(max = 1 << 20): Uint8Array | undefined {
    if (this.#peeked) {
      const p = this.#peeked;
      this.#peeked = undefined;
      return p.length ? p : undefined;
    }
    const b = this.#readRaw(max);
    return b.length ? b : undefined;
  }

  /** What is left, but never more than `limit` bytes (the caller decides what more means). */
  readAtMost(limit: number): Uint8Array {
    const parts: Uint8Array[] = [];
    let total = 0;
    for (
      let b = this.read(Math.min(1 << 20, limit + 1));
      b;
      b = total < limit ? this.read(Math.min(1 << 20, limit + 1 - total)) : undefined
    ) {
      parts.push(b);
      total += b.length;
    }
    const out = new Uint8Array(total);
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }

  #readRaw(max: number): Uint8Array {
    const buf = new Uint8Array(max);
    let n = 0;
    while (n < max) {
      let got: number;
      try {
        got = readSync(this.#fd, buf, n, max - n, null);
      } catch (e) {
        // a non-blocking stdin has nothing yet: wait a little and try again
        if ((e as { code?: string }).code === 'EAGAIN') {
          Atomics.wait(sleeper, 0, 0, 2);
          continue;
        }
        if ((e as { code?: string }).code === 'EOF') break;
        throw new DecodeError(`reading ${this.name}: ${describeFsError(e)}`);
      }
      if (got === 0) break;
      n += got;
    }
    this.#position += n;
    return buf.subarray(0, n);
  }

  close(): void {
    if (this.#closeFd) closeSync(this.#fd);
  }
}
