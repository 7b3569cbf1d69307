import { closeSync, fstatSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { DecodeError, type DecodeIo } from '../read/errors.js';
import { describeFsError } from '../../schema/load/read-source.js';
import { ByteWriter } from './byte-writer.js';
import { FileWriter } from './file-writer.js';
import { asidePath, removeStale } from '../../fs/aside.js';
import { fileOutput, type FileIdentity } from '../write-aside.js';

const BUFFER_BYTES = 1 << 20;

/**
 * Where decoded text goes: standard output, or `-o PATH`. A regular file (or a new one) is written
 * beside its final name and renamed into place at the end, so a reader never sees half a file
 * and an existing file is replaced whole; a failure removes the temporary file and leaves the old
 * one. What is not a regular file is written in place: a device, a FIFO, the target of a
 * symlink (the link stays a link). A folder, or the input itself, is refused (exit 2).
 * Everything passes through one reused 1 MiB buffer.
 */
export class Sink {
  /** Byte-level access for the jsonl writer; `write` is for text. */
  readonly bytes: ByteWriter;
  #fd: number | undefined;
  #tmp: string | undefined;
  #path: string | undefined;
  readonly #io: DecodeIo;

  #writer: FileWriter | undefined;
  /** Set once the output failed and was dropped: nothing more is written anywhere. */
  #dropped = false;

  /** `input` is the decoded file's identity, so that `-o` can never overwrite it. */
  constructor(io: DecodeIo, path: string | undefined, input?: FileIdentity) {
    this.#io = io;
    if (path !== undefined && path !== '-') {
      this.#path = path;
      // only a regular file (or nothing) is replaced by rename; a link, device or FIFO is written in place
      if (!fileOutput(path, input).inPlace) {
        removeStale(path);
        this.#tmp = asidePath(path);
      }
      try {
        this.#fd = openSync(this.#tmp ?? path, 'w');
      } catch (e) {
        throw new DecodeError(`cannot write ${path}: ${describeOutputError(e)}`);
      }
    }
    // A file gets a writer thread, which writes full buffers while decoding fills the next; it
    // starts with the second buffer, so a small output costs no thread start (most of a small
    // decode's time)
    const threaded = this.#fd !== undefined && this.#tmp !== undefined && FileWriter.available();
    this.bytes = new ByteWriter(new Uint8Array(BUFFER_BYTES), (b) => {
      if (this.#writer) return this.#submit(b);
      this.#out(b);
      if (!threaded || this.#dropped) return undefined;
      this.#writer = new FileWriter(this.#fd!, BUFFER_BYTES);
      return this.#writer.slot();
    });
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
    if (this.#dropped) return;
    if (this.#fd !== undefined) {
      try {
        for (let at = 0; at < bytes.length; ) at += writeSync(this.#fd, bytes, at);
      } catch (e) {
        throw new DecodeError(`cannot write ${this.#path}: ${describeOutputError(e)}`);
      }
    } else {
      // the stream may keep the chunk: hand it a copy, the buffer is reused
      this.#io.stdout.write(bytes.slice());
    }
  }

  /** Flushes and moves the file into place; on failure nothing is left but what was there. */
  close(): void {
    if (this.#dropped) return;
    try {
      this.bytes.flush();
      if (this.#writer) {
        try {
          this.#writer.close();
        } catch (e) {
          throw new DecodeError(`cannot write ${this.#path}: ${describeOutputError(e)}`);
        } finally {
          this.#writer = undefined;
        }
      }
    } catch (e) {
      this.abort();
      throw e;
    }
    if (this.#fd !== undefined) {
      closeSync(this.#fd);
      this.#fd = undefined;
      if (this.#tmp !== undefined) renameSync(this.#tmp, this.#path!);
    }
  }

  /** Drops a half-written temporary file (for failures before anything useful was decoded). */
  abort(): void {
    this.#dropped = this.#path !== undefined;
    try {
      this.#writer?.close();
    } catch {
      // the write already failed: what matters now is removing the temporary file
    }
    this.#writer = undefined;
    if (this.#fd !== undefined) {
      closeSync(this.#fd);
      this.#fd = undefined;
      if (this.#tmp !== undefined) rmSync(this.#tmp, { force: true });
    }
  }
}

/** Identity of an open file, to compare with an output path. */
export function identityOf(fd: number): { dev: number; ino: number } {
  const st = fstatSync(fd);
  return { dev: st.dev, ino: st.ino };
}

function describeOutputError(e: unknown): string {
  const code = (e as { code?: string }).code;
  if (code === 'ENOENT') return 'its folder does not exist';
  const text = describeFsError(e);
  return text.replace(/^write failed: (\w+): .*$/, (_, c: string) => describeFsError({ code: c }));
}
