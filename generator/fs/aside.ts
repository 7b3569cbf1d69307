/**
 * The file system rules every writer shares (decode, report, export, generate): where an output
 * is written aside before it is renamed into place, and how what an interrupted run left aside is
 * found and removed. Imports nothing of the generator, so every folder may use it.
 */
import { lstatSync, readdirSync, rmSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Removes what an interrupted export to the same path left aside (Ctrl-C stops the process with
 * no chance to clean up): `.NAME.PID.tmp` and `.NAME.PID.tmp.old` of processes no longer running.
 */
export function removeStale(final: string): void {
  const folder = dirname(final);
  const name = basename(final);
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
