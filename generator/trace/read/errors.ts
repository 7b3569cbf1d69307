/**
 * What goes wrong while decoding, as the CLI reports it: each error says what happened in one
 * line; the CLI catches them in one place and turns them into exit codes.
 */

/** Input that cannot be decoded (damaged, cut off, the wrong size) or output that cannot be written: exit 1. */
export class DecodeError extends Error {
  override readonly name = 'DecodeError';
}

/**
 * Records the output format cannot hold (a time past what CTF readers can place): exit 1, and the
 * output is not written at all. Not a DecodeError, which means damaged input decoded up to the damage.
 */
export class OutputLimitError extends Error {
  override readonly name = 'OutputLimitError';
}

/** An option that does not fit this input (an event the schema lacks, `-o` naming the input): exit 2. */
export class DecodeOptionError extends Error {
  override readonly name = 'DecodeOptionError';
}

/** Where a decode writes besides its output: the CLI's streams, or a test's. */
export interface DecodeIo {
  readonly stdout: { write(chunk: string | Uint8Array): unknown; isTTY?: boolean };
  readonly stderr: { write(chunk: string): unknown; isTTY?: boolean };
  /** The clock progress reports go by, in ms (default `Date.now`). */
  readonly now?: () => number;
}
