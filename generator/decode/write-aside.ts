import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { DecodeError, DecodeOptionError } from './errors.js';

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

  /**
   * `replaceable` says whether an existing folder at the final path may be replaced (a previous
   * export); anything else there is refused. An existing file may be replaced by a file.
   */
  constructor(final: string, kind: 'file' | 'folder', replaceable?: (folder: string) => boolean) {
    this.#final = final;
    this.#folder = kind === 'folder';
    const existing = statOrUndefined(final, true);
    if (existing?.isDirectory() && !(this.#folder && replaceable?.(final)))
      throw new DecodeOptionError(
        this.#folder
          ? `-o ${final} is a folder that is not a previous export; give a new or empty path`
          : `-o ${final} is a folder; give a file name`,
      );
    if (existing && !existing.isDirectory() && this.#folder) throw new DecodeOptionError(`-o ${final} is a file; give a folder name`);
    if (!existsSync(dirname(final) || '.')) throw new DecodeError(`cannot write ${final}: ${dirname(final)} does not exist`);
    this.path = asidePath(final);
    removeStale(dirname(final), basename(final));
    rmSync(this.path, { recursive: true, force: true });
    if (this.#folder) mkdirSync(this.path);
  }

  /** Puts the finished output in place of whatever was at the final path. */
  commit(): void {
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
    rmSync(this.path, { recursive: true, force: true });
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

/**
 * Removes what an interrupted export to the same path left aside (Ctrl-C stops the process with
 * no chance to clean up): `.NAME.PID.tmp` and `.NAME.PID.tmp.old` of processes no longer running.
 */
function removeStale(folder: string, name: string): void {
  const pattern = new RegExp(`^\\.${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(\\d+)\\.tmp(\\.old)?$`);
  let entries: string[];
  try {
    entries = readdirSync(folder || '.');
  } catch {
    return;
  }
  for (const entry of entries) {
    const m = pattern.exec(entry);
    if (m && !isRunning(Number(m[1]))) rmSync(join(folder, entry), { recursive: true, force: true });
  }
}

/** True when a process with this id exists (signal 0 only asks). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === 'EPERM';
  }
}

/** Where an output is written before it is renamed to `final`: a hidden sibling named for this process. */
export function asidePath(final: string): string {
  return join(dirname(final), `.${basename(final)}.${process.pid}.tmp`);
}

/** A path's stat (following links, or of the link itself), or undefined when there is nothing there. */
export function statOrUndefined(path: string, follow: boolean): Stats | undefined {
  try {
    return follow ? statSync(path) : lstatSync(path);
  } catch {
    return undefined;
  }
}
