import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  realpathSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { describeFsError } from '../schema/load/read-source.js';
import { asidePath, removeStale, statOrUndefined } from '../fs/aside.js';
import { DecodeError, DecodeOptionError } from './read/errors.js';

/** What identifies the input a command reads, so that no output can overwrite it. */
export interface FileIdentity {
  readonly dev: number;
  readonly ino: number;
}

/**
 * The one output rule of every writer (decode, report, export, generate, the API; docs/cli.md,
 * "Outputs"): where a file output goes and how.
 *
 * - A regular file, or a new one, is written aside (a hidden sibling) and renamed into place when
 *   complete: a reader never sees half a file, and a failure leaves what was there.
 * - What is not a regular file is written in place and stays what it is: a device (`/dev/null`
 *   stays a device), a FIFO, and the target of a symlink (the link stays a link).
 * - A folder, and the input itself (through links too), are refused: `DecodeOptionError`, exit 2.
 *
 * @example
 * const { inPlace } = fileOutput('out.jsonl', input.identity);
 */
export function fileOutput(final: string, input?: FileIdentity): { readonly inPlace: boolean } {
  const target = statOrUndefined(final, true);
  if (target?.isDirectory()) throw new DecodeOptionError(`-o ${final} is a folder; give a file name`);
  if (target && input && target.dev === input.dev && target.ino === input.ino)
    throw new DecodeOptionError(`-o ${final} is the input itself; write the output elsewhere`);
  return { inPlace: statOrUndefined(final, false)?.isSymbolicLink() === true || (target !== undefined && !target.isFile()) };
}

/**
 * An output written beside its final path and renamed into place only when complete, so an
 * interrupted or failed export never leaves a half-written file or folder where the user looks,
 * and what was there before stays until the new one replaces it. What an interrupted run left
 * aside is removed by the next run to the same path.
 */
export class WriteAside {
  /** Where to write: a hidden sibling of the final path. */
  readonly path: string;
  readonly #final: string;
  readonly #folder: boolean;
  readonly #inPlace: boolean;

  /**
   * `replaceable` says whether an existing folder at the final path may be replaced (a previous
   * export); anything else there is refused. An existing file may be replaced by a file.
   */
  constructor(final: string, kind: 'file' | 'folder', replaceable?: (folder: string) => boolean, input?: FileIdentity) {
    this.#folder = kind === 'folder';
    // a link to a folder: the folder it names is the output, and the link stays a link
    if (this.#folder && statOrUndefined(final, false)?.isSymbolicLink() && statOrUndefined(final, true)?.isDirectory())
      final = realpathSync(final);
    this.#final = final;
    const existing = statOrUndefined(final, true);
    if (existing?.isDirectory() && this.#folder && !replaceable?.(final))
      throw new DecodeOptionError(`-o ${final} is a folder that is not a previous export; give a new or empty path`);
    if (existing && !existing.isDirectory() && this.#folder) throw new DecodeOptionError(`-o ${final} is a file; give a folder name`);
    this.#inPlace = !this.#folder && fileOutput(final, input).inPlace;
    if (!existsSync(dirname(final) || '.')) throw new DecodeError(`cannot write ${final}: ${dirname(final)} does not exist`);
    removeStale(final);
    // a device, FIFO or link target is filled in place at the end: what writes it first writes a
    // private file (a sibling in /dev would be a file in /dev)
    try {
      this.path = this.#inPlace ? join(mkdtempSync(join(tmpdir(), 'tracegen-out-')), basename(final)) : asidePath(final);
      rmSync(this.path, { recursive: true, force: true });
      if (this.#folder) mkdirSync(this.path);
    } catch (e) {
      // a read-only place, no permission: one line, exit 1
      throw new DecodeError(`cannot write ${final}: ${describeFsError(e)}`);
    }
  }

  /** Puts the finished output in place of whatever was at the final path (or into it, for a device, FIFO or link). */
  commit(): void {
    if (this.#inPlace) {
      try {
        copyInto(this.path, this.#final);
      } finally {
        rmSync(dirname(this.path), { recursive: true, force: true });
      }
      return;
    }
    if (this.#folder && existsSync(this.#final)) {
      // a folder cannot be renamed over another: move the old one aside first, then drop it
      const old = `${this.path}.old`;
      renameSync(this.#final, old);
      renameSync(this.path, this.#final);
      rmSync(old, { recursive: true, force: true });
    } else renameSync(this.path, this.#final);
  }

  /** Removes what was written; the final path is untouched. */
  abandon(): void {
    rmSync(this.#inPlace ? dirname(this.path) : this.path, { recursive: true, force: true });
  }
}

/**
 * True when `folder` is an export of ours: its metadata begins with `mark`, and it holds no file
 * whose name `files` does not match (a file someone added is never removed with it).
 */
export function isExportFolder(folder: string, mark: string, files: RegExp): boolean {
  try {
    return readFileSync(join(folder, 'metadata'), 'latin1').startsWith(mark) && readdirSync(folder).every((f) => files.test(f));
  } catch {
    return false;
  }
}

/** Copies a finished file into a device, FIFO or link target, in place (the node stays what it is). */
function copyInto(from: string, to: string): void {
  const src = openSync(from, 'r');
  let dst: number | undefined;
  try {
    dst = openSync(to, 'w');
    const buf = Buffer.allocUnsafe(1 << 20);
    for (let n = readSync(src, buf, 0, buf.length, null); n > 0; n = readSync(src, buf, 0, buf.length, null))
      for (let at = 0; at < n; ) at += writeSync(dst, buf, at, n - at);
  } catch (e) {
    throw new DecodeError(`cannot write ${to}: ${describeFsError(e)}`);
  } finally {
    closeSync(src);
    if (dst !== undefined) closeSync(dst);
  }
}
