/**
 * A flight recorder in one call: a capture file that drains the rings on an interval and on the
 * way out, so that a program records its trace without writing the loop itself.
 *
 * Invariants:
 * - The file is a trace file from its first write: the first drain carries the header (with the
 *   run id, trace-file.ts), later drains only chunks, each written whole by one `writeSync`. A
 *   process killed at any moment (SIGKILL included) leaves a file that decodes up to its last
 *   drain; at worst the last chunk is cut, which decoders read up to the cut.
 * - Nothing blocks the traced thread longer than one drain: drains run on a timer (unref'd, so
 *   it never keeps the process alive) and once more on exit, SIGINT, SIGTERM and an uncaught
 *   exception. A signal the program does not handle itself still ends it, after the last drain.
 * - With `maxBytes`, a file past that size is renamed to `PATH.1` (older ones shift to `.2` ...,
 *   the oldest beyond `files` is removed) and a new file begins with a header of the same run:
 *   the newest `files` files hold the last stretch of the trace.
 */
import { CHUNK_AT, CHUNK_HEADER_BYTES, HEADER_AT, HEADER_MAGIC, NAME_AT, NAME_HEADER_BYTES, NAME_MAGIC } from './trace-file.js';
import { RECORD_BYTES, readU64 } from './layout.js';

/** What the capture needs of a tracer: its drains, and a header to begin a rotated file. */
export interface CaptureSource {
  drain(): Uint8Array;
  /** The trace file header a new file of this run begins with. */
  captureHeader(): Uint8Array;
  readonly layout: { readonly rings: number };
}

export interface CaptureOptions {
  /** How often to drain, in ms (default 100). */
  readonly intervalMs?: number;
  /** Rotate once a file passes this many bytes (default: never). */
  readonly maxBytes?: number;
  /** With `maxBytes`: how many files to keep, the current one included (default 2). */
  readonly files?: number;
}

/** Per ring: what the capture files hold, and what they missed. */
export interface CaptureRingStats {
  readonly ring: number;
  /** Records written to the files. */
  readonly recorded: number;
  /** Events the ring overwrote before a drain could copy them: never in any file. */
  readonly overwritten: number;
  /** Records overwritten while a drain copied them, left out. */
  readonly dropped: number;
}

export interface CaptureStats {
  readonly path: string;
  /** Bytes written to all files, and the drains that wrote them. */
  readonly bytes: number;
  readonly drains: number;
  /** Files begun (1 without rotation). */
  readonly files: number;
  readonly rings: readonly CaptureRingStats[];
}

/** A running capture: `stop()` drains one last time and closes the file. */
export interface Capture {
  stop(): void;
  stats(): CaptureStats;
}

interface NodeFs {
  openSync(path: string, flags: string): number;
  writeSync(fd: number, bytes: Uint8Array, offset?: number, length?: number): number;
  closeSync(fd: number): void;
  renameSync(from: string, to: string): void;
  rmSync(path: string, options: { force: boolean }): void;
}
interface NodeProcess {
  on(event: string, fn: (...args: unknown[]) => void): void;
  off(event: string, fn: (...args: unknown[]) => void): void;
  listenerCount(event: string): number;
  kill(pid: number, signal: string): void;
  pid: number;
  getBuiltinModule?: (id: string) => unknown;
}

const proc = (globalThis as { process?: NodeProcess }).process;

/**
 * Starts capturing `source` into the file at `path` (replaced if it exists).
 *
 * @example
 * const capture = startCapture(tracer, 'app.trace', { intervalMs: 100 });
 * // ... on shutdown:
 * capture.stop();
 */
export function startCapture(source: CaptureSource, path: string, options: CaptureOptions = {}): Capture {
  const fs = proc?.getBuiltinModule?.('node:fs') as NodeFs | undefined;
  if (!fs || !proc) throw new Error('startCapture writes files: it needs Node.js 20.16 or later');
  const intervalMs = options.intervalMs ?? 100;
  const maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY;
  const keep = Math.max(1, options.files ?? 2);
  if (!(intervalMs > 0)) throw new RangeError(`startCapture: intervalMs must be above 0, not ${intervalMs}`);
  if (!(maxBytes > 0)) throw new RangeError(`startCapture: maxBytes must be above 0, not ${maxBytes}`);

  const rings = Array.from({ length: source.layout.rings }, (_, ring) => ({ ring, recorded: 0, overwritten: 0, dropped: 0 }));
  let fd = fs.openSync(path, 'w');
  let fileBytes = 0;
  let bytes = 0;
  let drains = 0;
  let files = 1;
  let stopped = false;

  const write = (chunk: Uint8Array) => {
    for (let at = 0; at < chunk.length; ) at += fs.writeSync(fd, chunk, at, chunk.length - at);
    fileBytes += chunk.length;
    bytes += chunk.length;
  };
  const rotate = () => {
    fs.closeSync(fd);
    fs.rmSync(`${path}.${keep - 1}`, { force: true });
    for (let k = keep - 2; k >= 1; k--) {
      try {
        fs.renameSync(`${path}.${k}`, `${path}.${k + 1}`);
      } catch {
        // not there yet
      }
    }
    if (keep > 1) fs.renameSync(path, `${path}.1`);
    fd = fs.openSync(path, 'w');
    fileBytes = 0;
    files++;
    write(source.captureHeader());
  };
  const drain = () => {
    const chunk = source.drain();
    drains++;
    count(chunk, rings);
    if (chunk.length === 0) return;
    if (fileBytes > 0 && fileBytes + chunk.length > maxBytes) rotate();
    write(chunk);
  };

  const timer = setInterval(() => {
    if (!stopped) drain();
  }, intervalMs);
  (timer as { unref?: () => void }).unref?.();

  const onExit = () => stop();
  const onSignal = (signal: unknown) => {
    stop();
    // the program's own handlers decide; without any, the signal ends it as it would have
    if (proc.listenerCount(signal as string) === 0) proc.kill(proc.pid, signal as string);
  };
  const onCrash = () => stop();
  proc.on('exit', onExit);
  proc.on('SIGINT', onSignal);
  proc.on('SIGTERM', onSignal);
  proc.on('uncaughtExceptionMonitor', onCrash);

  function stop(): void {
    if (stopped) return;
    stopped = true;
    clearInterval(timer);
    proc!.off('exit', onExit);
    proc!.off('SIGINT', onSignal);
    proc!.off('SIGTERM', onSignal);
    proc!.off('uncaughtExceptionMonitor', onCrash);
    try {
      drain();
    } finally {
      fs!.closeSync(fd);
    }
  }

  return {
    stop,
    stats: () => ({ path, bytes, drains, files, rings: rings.map((r) => ({ ...r })) }),
  };
}

const NAME_MAGIC_WORD = new DataView(new TextEncoder().encode(NAME_MAGIC).buffer).getUint32(0, true);
const HEADER_MAGIC_WORD = new DataView(new TextEncoder().encode(HEADER_MAGIC).buffer).getUint32(0, true);

/** Adds what a drain's chunks hold and report lost to the per-ring counts. */
function count(bytes: Uint8Array, rings: { recorded: number; overwritten: number; dropped: number }[]): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  while (at + CHUNK_HEADER_BYTES <= bytes.length) {
    // a first drain begins with the header, and names come before the chunks: their lengths are in them
    const magic = view.getUint32(at, true);
    if (magic === HEADER_MAGIC_WORD) {
      at += view.getUint32(at + HEADER_AT.length, true);
      continue;
    }
    if (magic === NAME_MAGIC_WORD) {
      at += NAME_HEADER_BYTES + ((view.getUint32(at + NAME_AT.length, true) + 7) & ~7);
      continue;
    }
    const ring = rings[view.getUint16(at + CHUNK_AT.ring, true)];
    const n = view.getUint32(at + CHUNK_AT.count, true);
    if (ring) {
      ring.recorded += n;
      ring.overwritten += readU64(view, at + CHUNK_AT.overwritten);
      ring.dropped += readU64(view, at + CHUNK_AT.dropped);
    }
    at += CHUNK_HEADER_BYTES + n * RECORD_BYTES;
  }
}
