import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { CliIo } from '../cli/io.js';
import { DecodeError } from './input.js';

/**
 * Where decoded text goes: standard output, or a file written beside its final name and renamed
 * into place at the end, so a reader never sees half a file and an existing file is replaced
 * whole. Text is gathered into large writes.
 */
export class Sink {
  #parts: string[] = [];
  #size = 0;
  #fd: number | undefined;
  #tmp: string | undefined;
  #path: string | undefined;
  #io: CliIo;

  constructor(io: CliIo, path: string | undefined) {
    this.#io = io;
    if (path !== undefined && path !== '-') {
      this.#path = path;
      this.#tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
      try {
        this.#fd = openSync(this.#tmp, 'w');
      } catch (e) {
        throw new DecodeError(`cannot write ${path}: ${(e as Error).message}`);
      }
    }
  }

  write(text: string): void {
    this.#parts.push(text);
    this.#size += text.length;
    if (this.#size >= 1 << 20) this.flush();
  }

  flush(): void {
    if (this.#parts.length === 0) return;
    const text = this.#parts.join('');
    this.#parts = [];
    this.#size = 0;
    if (this.#fd !== undefined) writeSync(this.#fd, text);
    else this.#io.stdout.write(text);
  }

  /** Flushes and moves the file into place. */
  close(): void {
    this.flush();
    if (this.#fd !== undefined) {
      closeSync(this.#fd);
      this.#fd = undefined;
      renameSync(this.#tmp!, this.#path!);
    }
  }

  /** Drops a half-written file (for failures before anything useful was decoded). */
  abort(): void {
    if (this.#fd !== undefined) {
      closeSync(this.#fd);
      this.#fd = undefined;
      rmSync(this.#tmp!, { force: true });
    }
  }
}
