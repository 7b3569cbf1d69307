import { writeSync } from 'node:fs';
import { isatty } from 'node:tty';
/** What the CLI touches of the outside world, so tests can run it with fake streams. */
export interface CliIo {
  readonly stdout: { write(chunk: string | Uint8Array): unknown; isTTY?: boolean };
  readonly stderr: { write(chunk: string): unknown; isTTY?: boolean };
  /** Reads all of standard input (for `decode -`). */
  readonly stdin?: NodeJS.ReadableStream;
  /** The clock progress reports go by, in ms (default `Date.now`; tests give their own). */
  readonly now?: () => number;
}

/** Exit codes; each means one thing. */
export const EXIT_OK = 0;
export const EXIT_INVALID = 1;
export const EXIT_USAGE = 2;

/** An error the CLI reports in one line, exiting with its code: caught once, in `cli()`. */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number) {
    super(message);
    this.exitCode = exitCode;
  }
}

/** A bad command line: the CLI prints its message and a pointer to `--help`, and exits 2. */
export class UsageError extends CliError {
  override readonly name = 'UsageError';
  constructor(message: string) {
    super(message, EXIT_USAGE);
  }
}

/** Thrown when the reader of standard output went away (`tracegen decode big.trace | head`). */
export class OutputClosedError extends Error {
  override readonly name = 'OutputClosedError';
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/** Writes all of `chunk` to a file descriptor, synchronously: large outputs stay in order and memory stays flat. */
function writeFd(fd: number, chunk: string | Uint8Array): void {
  let bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
  while (bytes.length > 0) {
    try {
      const n = writeSync(fd, bytes);
      bytes = bytes.subarray(n);
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'EAGAIN') Atomics.wait(pause, 0, 0, 1);
      else if (code === 'EPIPE') throw new OutputClosedError('output closed');
      else throw e;
    }
  }
}

/** The real process's streams, written synchronously. */
export function processIo(): CliIo {
  return {
    stdout: { write: (c: string | Uint8Array) => writeFd(1, c), isTTY: isatty(1) },
    stderr: { write: (c: string) => writeFd(2, c), isTTY: isatty(2) },
    stdin: process.stdin,
  };
}
