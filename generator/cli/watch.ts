import { existsSync, type FSWatcher, statSync, watch } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { UnreadableFileError } from '../schema/load/read-source.js';
import { CliError, EXIT_OK, type CliIo } from './io.js';

/** What one round of `generate --watch` works from. */
export interface WatchRound<T> {
  /** What the run acts on; undefined when planning failed (the message is printed). */
  readonly input: T | undefined;
  /** The files (schemas, the config) and folders (templates) whose change calls for another round. */
  readonly watched: readonly string[];
}

/** How long to wait after the last change before running: an editor's save is several events. */
export const WATCH_DEBOUNCE_MS = 150;
/** How often to look for a watched folder that disappeared. */
const MISSING_POLL_MS = 500;

/**
 * Runs, then runs again whenever a watched file changes, until SIGINT or SIGTERM (or `stop`
 * aborts). A round that fails prints its diagnostics and watching goes on; a watched folder that
 * disappears is reported and looked for until it comes back. A run in progress finishes before
 * the process stops, and every write is a rename, so no file is left half-written.
 */
export async function watchRounds<T>(
  plan: () => WatchRound<T>,
  run: (input: T) => Promise<unknown>,
  io: CliIo,
  stop: AbortSignal = stopSignal(),
): Promise<number> {
  let watchers: FSWatcher[] = [];
  let timer: NodeJS.Timeout | undefined;
  let poll: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let pending = false;
  let lastWatched: readonly string[] = [];

  const close = () => {
    for (const w of watchers) w.close();
    watchers = [];
    clearInterval(poll);
    poll = undefined;
  };

  /** Reports what stops a round (a schema deleted, renamed, replaced by a folder) and says so. */
  let unreadable = false;
  const survive = (e: unknown): void => {
    if (!(e instanceof CliError || e instanceof UnreadableFileError)) throw e;
    unreadable = true;
    io.stderr.write(`tracegen: ${e instanceof UnreadableFileError ? 'cannot read ' : ''}${e.message}; waiting for a change\n`);
  };
  const round = async (): Promise<void> => {
    unreadable = false;
    let next: WatchRound<T>;
    try {
      next = plan();
    } catch (e) {
      survive(e);
      next = { input: undefined, watched: lastWatched };
    }
    // a schema named on the command line is read by the run itself: what it cannot read is reported, not thrown
    if (next.input !== undefined) await run(next.input).catch(survive);
    lastWatched = next.watched.length ? next.watched : lastWatched;
    if (stop.aborted) return;
    rewatch(lastWatched);
    // what came back while the watchers were re-armed made no event: look once more
    if (unreadable && lastWatched.every((p) => statSync(p, { throwIfNoEntry: false })?.isFile() ?? false)) schedule();
  };
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      // one round at a time: a change during a round runs another after it
      if (pending) return;
      pending = true;
      running = running.then(async () => {
        pending = false;
        if (!stop.aborted) await round();
      });
    }, WATCH_DEBOUNCE_MS);
  };

  const rewatch = (paths: readonly string[]) => {
    close();
    // watch folders, not files: editors save by writing a new file and renaming it over the old
    const folders = new Map<string, Set<string> | 'all'>();
    for (const p of paths.map((x) => resolve(x))) {
      const isFolder = statSync(p, { throwIfNoEntry: false })?.isDirectory() ?? false;
      const folder = isFolder ? p : dirname(p);
      if (isFolder) folders.set(folder, 'all');
      else if (folders.get(folder) !== 'all') folders.set(folder, new Set([...((folders.get(folder) as Set<string>) ?? []), basename(p)]));
    }
    const missing: string[] = [];
    for (const [folder, names] of folders) {
      if (!existsSync(folder)) {
        missing.push(folder);
        continue;
      }
      try {
        const w = watch(folder, (_event, name) => {
          if (names === 'all' || name === null || names.has(String(name))) schedule();
          if (!existsSync(folder)) schedule(); // the folder itself went: the next round reports it
        });
        w.on('error', () => schedule());
        watchers.push(w);
      } catch {
        missing.push(folder);
      }
    }
    if (missing.length) {
      for (const m of missing) io.stderr.write(`tracegen: ${m} is gone; watching for it to come back\n`);
      poll = setInterval(() => {
        if (missing.some((m) => existsSync(m))) schedule();
      }, MISSING_POLL_MS);
    }
    io.stderr.write(`watching ${paths.length} path${paths.length === 1 ? '' : 's'} for changes (Ctrl-C to stop)\n`);
  };

  await round();
  await new Promise<void>((done) => stop.addEventListener('abort', () => done(), { once: true }));
  clearTimeout(timer);
  close();
  await running;
  io.stderr.write('tracegen: stopped watching\n');
  return EXIT_OK;
}

/** Aborts on the first SIGINT or SIGTERM. */
function stopSignal(): AbortSignal {
  const controller = new AbortController();
  const onSignal = () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return controller.signal;
}
