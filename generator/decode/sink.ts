import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { CliIo } from '../cli/io.js';
import { ByteWriter } from './byte-writer.js';
import { FileWriter } from './file-writer.js';
import { DecodeError } from './input.js';

const BUFFER_BYTES = 1 << 20;

/**
 * Where decoded text goes: standard output, or a file written beside its final name and renamed
 * into place at the end, so a reader never sees half a file and an existing file is replaced
 * whole. Everything passes through one reused 4 MiB buffer.
 */
export class Sink {
  /** Byte-level access for the jsonl writer; `write` is for text. */
  readonly bytes: ByteWriter;
  #fd: number | undefined;
  #tmp: string | undefined;
  #path: string | undefined;
  readonly #io: CliIo;

  #writer: FileWriter | undefined;

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
    if (this.#fd !== undefined && FileWriter.available()) {
      // a file: a writer thread writes full buffers while decoding fills the next
      const writer = (this.#writer = new FileWriter(this.#fd, BUFFER_BYTES));
      this.bytes = new ByteWriter(writer.slot(), (b) => this.#submit(b));
    } else {
      this.bytes = new ByteWriter(new Uint8Array(BUFFER_BYTES), (b) => this.#out(b));
    }
  }

  #submit(b: Uint8Array): Uint8Array {
    try {
      return this.#writer!.submit(b.length);
    } catch (e) {
      throw new DecodeError(`cannot write ${this.#path}: ${(e as Error).message}`);
    }
  }

  write(text: string): void {
    this.bytes.text(text);
  }

  #out(bytes: Uint8Array): void {
    if (this.#fd !== undefined) {
      for (let at = 0; at < bytes.length; ) at += writeSync(this.#fd, bytes, at);
    } else {
      // the stream may keep the chunk: hand it a copy, the buffer is reused
      this.#io.stdout.write(bytes.slice());
    }
  }

  /** Flushes and moves the file into place. */
  close(): void {
    this.bytes.flush();
    if (this.#writer) {
      try {
        this.#writer.close();
      } catch (e) {
        throw new DecodeError(`cannot write ${this.#path}: ${(e as Error).message}`);
      } finally {
        this.#writer = undefined;
      }
    }
    if (this.#fd !== undefined) {
      closeSync(this.#fd);
      this.#fd = undefined;
      renameSync(this.#tmp!, this.#path!);
    }
  }

  /** Drops a half-written file (for failures before anything useful was decoded). */
  abort(): void {
    this.#writer?.close();
    this.#writer = undefined;
    if (this.#fd !== undefined) {
      closeSync(this.#fd);
      this.#fd = undefined;
      rmSync(this.#tmp!, { force: true });
    }
  }
}
