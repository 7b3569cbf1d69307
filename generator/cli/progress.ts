import type { ReadHooks } from '../trace/read/reader.js';
import type { ReadNote } from '../trace/read/notes.js';
import type { CliIo } from './io.js';

const PROGRESS_EVERY_MS = 500;

/**
 * How a command that reads a trace reports at the CLI's edge: each note of the reader as
 * `tracegen: <message>` on stderr as soon as it is known, and, on a terminal, how far through a
 * large input it is (a line rewritten every half second, cleared before anything else is said).
 */
export class ReadReporter implements ReadHooks {
  readonly #io: CliIo;
  readonly #label: string;
  readonly #now: () => number;
  #last: number;
  #showing = false;

  constructor(io: CliIo, label: string) {
    this.#io = io;
    this.#label = label;
    this.#now = io.now ?? Date.now;
    this.#last = this.#now();
  }

  note(note: ReadNote): void {
    this.clear();
    this.#io.stderr.write(`tracegen: ${note.message}\n`);
  }

  progress(position: number, size: number | undefined, events: number): void {
    if (!this.#io.stderr.isTTY || !size) return;
    const now = this.#now();
    if (now - this.#last < PROGRESS_EVERY_MS) return;
    this.#last = now;
    this.#showing = true;
    const pct = Math.floor((position / size) * 100);
    this.#io.stderr.write(
      `\r${this.#label}: ${pct}% (${(position / 2 ** 20).toFixed(0)} of ${(size / 2 ** 20).toFixed(0)} MiB, ${events} events)`,
    );
  }

  /** Clears the progress line, if one is shown. */
  clear(): void {
    if (!this.#showing) return;
    this.#io.stderr.write('\r\x1b[K');
    this.#showing = false;
  }
}
