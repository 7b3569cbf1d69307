/**
 * What `npm run bench` measures. Each function returns numbers; `run.ts` turns them into one
 * table of ratios measured in the same run.
 */
import { spawnSync } from 'node:child_process';
import { channel } from 'node:diagnostics_channel';
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { measure } from 'mitata';
import pino from 'pino';
import * as v from '../generated/veridian/index.js';
import { Tracer } from '@tracegen/runtime';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'dist/generator/cli/bin.js');

/** Calls per measured function: per-call costs are the difference between loops, divided by this. */
export const LOOP = 1000;

let sink = 0;
export const consume = () => sink;

/**
 * ns per call of a function that makes LOOP calls: mitata's fastest sample, divided by LOOP.
 * The minimum, not the mean: a shared machine only ever adds time, so for costs of a few
 * nanoseconds the fastest sample is the one least disturbed.
 */
async function perCall(fn: () => void, quick: boolean): Promise<number> {
  const stats = await measure(fn, quick ? { min_cpu_time: 20e6, max_samples: 200 } : { min_cpu_time: 400e6 });
  return stats.min / LOOP;
}

export interface TracepointCosts {
  loop: number;
  disabled: number;
  maskedOff: number;
  enabledNs: number;
  enabledSequence: number;
  clock: number;
  naive: number;
  diagnosticsChannel: number;
  pino: number;
}

/** The tracepoint, on and off, next to the clock, a naive writer and the peers. */
export async function tracepointCosts(quick: boolean): Promise<TracepointCosts> {
  const loop = () => {
    let acc = 0;
    for (let i = 0; i < LOOP; i++) acc = (acc + i) | 0;
    sink = acc;
  };
  const traced = () => {
    let acc = 0;
    for (let i = 0; i < LOOP; i++) {
      acc = (acc + i) | 0;
      v.traceSchedSwitchIn(i, acc);
    }
    sink = acc;
  };
  const clock = () => {
    let t = 0;
    for (let i = 0; i < LOOP; i++) t += performance.now();
    sink = t;
  };

  // a naive writer: DataView and BigInt, what one writes without the design
  const naiveBuf = new DataView(new ArrayBuffer(4096 * 32 + 8));
  let naiveIdx = 0;
  const naive = () => {
    for (let i = 0; i < LOOP; i++) {
      const at = (naiveIdx++ & 4095) * 32;
      naiveBuf.setBigUint64(at, BigInt(Math.round(performance.now() * 1e6)), true);
      naiveBuf.setUint8(at + 8, 3);
      naiveBuf.setUint8(at + 9, 0);
      naiveBuf.setBigUint64(at + 16, BigInt(i), true);
      naiveBuf.setBigUint64(at + 24, BigInt(i), true);
      naiveBuf.setBigUint64(4096 * 32, BigInt(naiveIdx), true);
    }
  };

  const ch = channel('tracegen.bench');
  let seen: unknown;
  ch.subscribe((m) => (seen = m));
  const dc = () => {
    for (let i = 0; i < LOOP; i++) ch.publish({ pid: i, tid: i });
    sink = seen === undefined ? 0 : 1;
  };

  const logger = pino(pino.destination({ dest: '/dev/null', sync: true }));
  const logged = () => {
    for (let i = 0; i < LOOP; i++) logger.info({ pid: i, tid: i }, 'sched_switch_in');
  };

  v.setEventMask(Object.values(v.TraceEventType));
  const r: Partial<TracepointCosts> = { loop: Infinity, disabled: Infinity, maskedOff: Infinity };
  // costs of a nanosecond or two: interleave the three loops and keep each one's best
  for (let rep = 0; rep < 3; rep++) {
    r.loop = Math.min(r.loop!, await perCall(loop, quick));
    v.disable();
    r.disabled = Math.min(r.disabled!, await perCall(traced, quick));
    v.enable();
    v.disableEvent('sched_switch_in');
    r.maskedOff = Math.min(r.maskedOff!, await perCall(traced, quick));
    v.enableEvent('sched_switch_in');
    v.disable();
  }
  v.enable();
  v.setClock('ns');
  r.enabledNs = await perCall(traced, quick);
  v.setClock('sequence');
  r.enabledSequence = await perCall(traced, quick);
  v.setClock('ns');
  v.disable();
  r.clock = await perCall(clock, quick);
  r.naive = await perCall(naive, quick);
  r.diagnosticsChannel = await perCall(dc, quick);
  r.pino = await perCall(logged, quick);
  return r as TracepointCosts;
}

/**
 * What checking a tracepoint's arguments against their fields costs (docs/runtime.md, "Arguments
 * that do not fit"): the generated `traceSchedSwitchIn` against the same record written without
 * the check, through a tracer of the same schema, both with the sequence clock (the cheaper
 * clock, so the check is the larger share), interleaved and each the best of seven.
 */
export async function argumentCheckCost(quick: boolean): Promise<{ checked: number; unchecked: number }> {
  const t = new Tracer({
    layout: { ringSize: v.RING_SIZE, rings: v.RING_COUNT },
    eventName: v.eventTypeName,
    schemaText: v.SCHEMA_TEXT,
    schemaHash: v.SCHEMA_HASH,
  });
  t.setClock('sequence');
  t.enable();
  const bit = 1 << v.TraceEventType.SchedSwitchIn;
  const unchecked = () => {
    let acc = 0;
    for (let i = 0; i < LOOP; i++) {
      acc = (acc + i) | 0;
      if ((t.mask[0]! & bit) !== 0) t.write(v.TraceEventType.SchedSwitchIn, i >>> 0, 0, acc >>> 0, 0);
    }
    sink = acc;
  };
  const checked = () => {
    let acc = 0;
    for (let i = 0; i < LOOP; i++) {
      acc = (acc + i) | 0;
      v.traceSchedSwitchIn(i, acc);
    }
    sink = acc;
  };
  v.setClock('sequence');
  v.enable();
  const r = { checked: Infinity, unchecked: Infinity };
  // a difference of a nanosecond in ~30: more rounds than elsewhere, so each minimum settles
  for (let rep = 0; rep < (quick ? 1 : 7); rep++) {
    r.unchecked = Math.min(r.unchecked, await perCall(unchecked, quick));
    r.checked = Math.min(r.checked, await perCall(checked, quick));
  }
  v.setClock('ns');
  v.disable();
  return r;
}

/** Aggregate events/s of `threads` workers tracing at once for `ms`. */
export async function threadThroughput(threads: number, ms: number): Promise<number> {
  v.enable();
  const stop = new SharedArrayBuffer(4);
  const flag = new Int32Array(stop);
  const workers = await Promise.all(
    Array.from({ length: threads }, () => {
      const w = new Worker(new URL('./worker-tracer.js', import.meta.url), { workerData: { buffer: v.tracingBuffer(), stop } });
      return new Promise<Worker>((resolve) => w.once('message', () => resolve(w)));
    }),
  );
  const counts = workers.map((w) => new Promise<number>((resolve) => w.once('message', (m: { count: number }) => resolve(m.count))));
  const t0 = performance.now();
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
  await new Promise((r) => setTimeout(r, ms));
  Atomics.store(flag, 0, 2);
  const total = (await Promise.all(counts)).reduce((a, b) => a + b, 0);
  const seconds = (performance.now() - t0) / 1000;
  await Promise.all(workers.map((w) => w.terminate()));
  v.disable();
  return total / seconds;
}

/** Garbage collections during `n` calls of `fn`. */
async function gcCount(fn: () => void, n: number): Promise<number> {
  let gcs = 0;
  const obs = new PerformanceObserver((list) => (gcs += list.getEntries().length));
  obs.observe({ entryTypes: ['gc'] });
  for (let i = 0; i < n / LOOP; i++) fn();
  await new Promise((r) => setTimeout(r, 50)); // entries are delivered asynchronously
  obs.disconnect();
  return gcs;
}

export async function allocation(n: number): Promise<{ tracepoint: number; sequence: number; clock: number }> {
  v.enable();
  v.setClock('ns');
  const traced = () => {
    for (let i = 0; i < LOOP; i++) v.traceSchedSwitchIn(i, i);
  };
  const clock = () => {
    let t = 0;
    for (let i = 0; i < LOOP; i++) t += performance.now();
    sink = t;
  };
  traced();
  clock();
  const tracepoint = await gcCount(traced, n);
  const clockGcs = await gcCount(clock, n);
  v.setClock('sequence');
  traced();
  const sequence = await gcCount(traced, n);
  v.setClock('ns');
  v.disable();
  return { tracepoint, sequence, clock: clockGcs };
}

/** Generated decoder speed on an in-memory trace of `n` records, events with number fields or with bigint fields. */
type Speed = { recordsPerSecond: number; mbPerSecond: number };

export function decodeSpeed(n: number): { numbers: Speed; mixed: Speed; iterator: Speed } {
  const build = (mixed: boolean): Uint8Array => {
    v.enable();
    const parts: Uint8Array[] = [v.snapshot()]; // a header and what the ring holds now
    v.drain(); // start draining from here
    for (let done = 0; done < n; done += 4000) {
      for (let i = 0; i < 4000; i++) {
        if (mixed && i % 2) v.traceSyscallEntry(i, BigInt(i));
        else v.traceSchedSwitchIn(i, done);
      }
      parts.push(v.drain());
    }
    v.disable();
    return Buffer.concat(parts);
  };
  const time = (bytes: Uint8Array, iterate: boolean) => {
    let best = Infinity;
    let count = 0;
    const visit = (r: v.TraceRecord) => {
      count++;
      sink = r.cpu;
    };
    for (let rep = 0; rep < 5; rep++) {
      const t0 = performance.now();
      count = 0;
      if (iterate) for (const r of v.decodeTrace(bytes)) visit(r);
      else v.forEachRecord(bytes, visit);
      best = Math.min(best, performance.now() - t0);
    }
    return { recordsPerSecond: count / (best / 1000), mbPerSecond: bytes.length / 2 ** 20 / (best / 1000) };
  };
  const numbers = build(false);
  const mixed = build(true);
  return { numbers: time(numbers, false), mixed: time(mixed, false), iterator: time(numbers, true) };
}

/** Wall time of a whole CLI process, best of `reps`. */
function processSeconds(args: string[], reps: number): number {
  let best = Infinity;
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    const t = (performance.now() - t0) / 1000;
    if (r.status !== 0) throw new Error(`tracegen ${args.join(' ')} failed: ${r.stderr.toString()}`);
    best = Math.min(best, t);
  }
  return best;
}

export function cliTimes(quick: boolean): {
  validate: number;
  generate256: number;
  bareNode: number;
  decodeSmall: number;
  version: number;
} {
  const dir = mkdtempSync(join(tmpdir(), 'tracegen-bench-'));
  try {
    const reps = quick ? 1 : 7;
    const small = join(dir, 'one.trace');
    const tracer = new Tracer({
      layout: { ringSize: 16, rings: 1 },
      eventName: () => 'x',
      schemaText: v.SCHEMA_TEXT,
      schemaHash: v.SCHEMA_HASH,
    });
    tracer.enable();
    tracer.write(0, 1, 0, 2, 0);
    writeFileSync(small, tracer.snapshot());
    const validate = processSeconds(['validate', 'schema/veridian.yaml'], reps);
    const decodeSmall = processSeconds(['decode', small, '-o', join(dir, 'one.txt')], reps);
    const version = processSeconds(['--version'], reps);
    const generate256 = processSeconds(['generate', 'test/golden/many/schema.yaml', '--out', join(dir, 'many')], reps);
    let bare = Infinity;
    for (let i = 0; i < reps; i++) {
      const t0 = performance.now();
      spawnSync(process.execPath, ['-e', '0']);
      bare = Math.min(bare, (performance.now() - t0) / 1000);
    }
    return { validate, generate256, bareNode: bare, decodeSmall, version };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The CLI's jsonl events/s and peak memory on a capture file of `mb` megabytes made with drain(). */
export function cliDecode(mb: number): {
  eventsPerSecond: number;
  events: number;
  bytes: number;
  peakMb: number;
  /** `export --format parquet` of the same capture; undefined when DuckDB is not installed. */
  parquet: { eventsPerSecond: number; peakMb: number } | undefined;
  /** `decode --format chrome` of the same capture, timed in turn with jsonl (`jsonlSeconds` is that jsonl's). */
  chrome: { eventsPerSecond: number; peakMb: number; seconds: number; jsonlSeconds: number; bytes: number };
  /** `export --format perfetto` of the same capture, after chrome: its time and file size beside Chrome JSON's. */
  perfetto: { eventsPerSecond: number; peakMb: number; seconds: number; bytes: number };
} {
  const dir = mkdtempSync(join(tmpdir(), 'tracegen-bench-'));
  try {
    const capture = join(dir, 'capture.trace');
    // a process of its own, as an application would be (and this one has drained already)
    const made = spawnSync(process.execPath, [join(ROOT, 'dist/bench/make-capture.js'), capture, String(mb)], { encoding: 'utf8' });
    const events = Number(/(\d+) events/.exec(made.stderr)?.[1]);
    if (made.status !== 0 || !events) throw new Error(`make-capture failed: ${made.stderr}`);
    const out = join(dir, 'capture.out');
    const rss = pathToFileURL(join(ROOT, 'bench/report-rss.mjs')).href;
    /** One `decode --format F -o FILE` of the capture: seconds and peak MB. */
    const decode = (format: string, command = 'decode'): { seconds: number; peakMb: number; bytes: number } => {
      const t0 = performance.now();
      const r = spawnSync(process.execPath, ['--import', rss, BIN, command, capture, '--format', format, '-o', out], { cwd: ROOT });
      const seconds = (performance.now() - t0) / 1000;
      if (r.status !== 0) throw new Error(`${command} failed: ${r.stderr.toString()}`);
      const bytes = statSync(out).size;
      rmSync(out, { force: true });
      return { seconds, peakMb: Number(/maxrss (\d+)/.exec(r.stderr.toString())?.[1]) / 1024, bytes };
    };
    // jsonl and chrome in turn, three times each, the fastest of each: the ratio of one run
    type Run = { seconds: number; peakMb: number; bytes: number };
    const jsonlRuns: Run[] = [];
    const chromeRuns: Run[] = [];
    const perfettoRuns: Run[] = [];
    for (let i = 0; i < 3; i++) {
      jsonlRuns.push(decode('jsonl'));
      chromeRuns.push(decode('chrome'));
      perfettoRuns.push(decode('perfetto', 'export'));
    }
    const fastest = (runs: Run[]) => runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
    const perfetto = fastest(perfettoRuns);
    const { seconds, peakMb } = fastest(jsonlRuns);
    const chrome = fastest(chromeRuns);
    const parquet = join(dir, 'capture.parquet');
    const t1 = performance.now();
    const p = spawnSync(process.execPath, ['--import', rss, BIN, 'export', capture, '--format', 'parquet', '-o', parquet], { cwd: ROOT });
    const parquetSeconds = (performance.now() - t1) / 1000;
    const duckdbMissing = /needs DuckDB/.test(p.stderr.toString());
    if (p.status !== 0 && !duckdbMissing) throw new Error(`export failed: ${p.stderr.toString()}`);
    return {
      eventsPerSecond: events / seconds,
      events,
      bytes: statSync(capture).size,
      peakMb,
      chrome: {
        eventsPerSecond: events / chrome.seconds,
        peakMb: chrome.peakMb,
        seconds: chrome.seconds,
        jsonlSeconds: seconds,
        bytes: chrome.bytes,
      },
      perfetto: { eventsPerSecond: events / perfetto.seconds, peakMb: perfetto.peakMb, seconds: perfetto.seconds, bytes: perfetto.bytes },
      parquet: duckdbMissing
        ? undefined
        : { eventsPerSecond: events / parquetSeconds, peakMb: Number(/maxrss (\d+)/.exec(p.stderr.toString())?.[1]) / 1024 },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One reader's pass over a data set: events a second and peak memory (NaN where not measured). */
export interface ReaderRun {
  readonly eventsPerSecond: number;
  readonly peakMb: number;
}

export interface RaceResult {
  readonly dataSet: string;
  readonly events: number;
  /** undefined when babeltrace2 is not installed. */
  readonly babeltrace: ReaderRun | undefined;
  readonly table: ReaderRun;
  readonly jsonl: ReaderRun;
}

/** Runs a command with stdout to /dev/null: 1/seconds, and the peak RSS a preload reported (else NaN). */
function timedToNull(command: string, args: string[]): ReaderRun {
  const nul = openSync('/dev/null', 'w');
  try {
    const t0 = performance.now();
    const r = spawnSync(command, args, { cwd: ROOT, stdio: ['ignore', nul, 'pipe'], maxBuffer: 1 << 26 });
    const seconds = (performance.now() - t0) / 1000;
    if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${r.stderr.toString().slice(0, 500)}`);
    const kb = Number(/maxrss (\d+)/.exec(r.stderr.toString())?.[1] ?? NaN);
    return { eventsPerSecond: 1 / seconds, peakMb: kb / 1024 };
  } finally {
    closeSync(nul);
  }
}

function hasBabeltrace(): boolean {
  return spawnSync('babeltrace2', ['--version'], { stdio: 'ignore' }).status === 0;
}

/**
 * `tracegen decode --format table` and `jsonl` against `babeltrace2` reading the same records:
 * a runtime capture and a capture of kernel records (test/fixtures' real data, where many values
 * do not fit their fields), each decoded by tracegen and, exported as CTF, read by babeltrace2;
 * all three print to /dev/null. Peak memory is tracegen's, reported by its own process.
 */
export function babeltraceRace(events: number): RaceResult[] {
  const dir = mkdtempSync(join(tmpdir(), 'tracegen-race-'));
  const rss = pathToFileURL(join(ROOT, 'bench/report-rss.mjs')).href;
  const bt = hasBabeltrace();
  try {
    const sets = [
      { name: 'runtime capture', make: ['dist/bench/make-capture.js', String(Math.max(1, Math.round((events * 32) / 2 ** 20)))] },
      { name: 'kernel records', make: ['dist/bench/make-kernel-capture.js', String(events)] },
    ];
    return sets.map(({ name, make }) => {
      const trace = join(dir, 'race.trace');
      const made = spawnSync(process.execPath, [join(ROOT, make[0]!), trace, make[1]!], { cwd: ROOT, encoding: 'utf8' });
      const n = Number(/(\d+) (?:kernel )?events/.exec(made.stderr)?.[1]);
      if (made.status !== 0 || !n) throw new Error(`making the ${name} failed: ${made.stderr}`);
      let babeltrace: ReaderRun | undefined;
      if (bt) {
        const ctf = join(dir, 'race.ctf');
        const e = spawnSync(process.execPath, [BIN, 'export', trace, '--format', 'ctf', '-o', ctf], { cwd: ROOT, encoding: 'utf8' });
        if (e.status !== 0) throw new Error(`export failed: ${e.stderr}`);
        const r = timedToNull('babeltrace2', [ctf]);
        babeltrace = { eventsPerSecond: n * r.eventsPerSecond, peakMb: NaN };
        rmSync(ctf, { recursive: true, force: true });
      }
      const run = (format: string): ReaderRun => {
        const r = timedToNull(process.execPath, ['--import', rss, BIN, 'decode', trace, '--format', format]);
        return { eventsPerSecond: n * r.eventsPerSecond, peakMb: r.peakMb };
      };
      const table = run('table');
      const jsonl = run('jsonl');
      rmSync(trace, { force: true });
      return { dataSet: name, events: n, babeltrace, table, jsonl };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `startCapture` under a steady load: the CPU its drains take, its peak memory, what it missed. */
export function captureCost(
  seconds: number,
  rate = 1_000_000,
): { cpuShare: number; peakMb: number; lostShare: number; mbPerSecond: number } {
  const dir = mkdtempSync(join(tmpdir(), 'tracegen-bench-'));
  try {
    const rss = pathToFileURL(join(ROOT, 'bench/report-rss.mjs')).href;
    const load = (path: string) => {
      const r = spawnSync(
        process.execPath,
        ['--import', rss, join(ROOT, 'dist/bench/capture-load.js'), path, String(seconds), String(rate), '3'],
        {
          encoding: 'utf8',
        },
      );
      if (r.status !== 0) throw new Error(`capture-load failed: ${r.stderr}`);
      const out = JSON.parse(r.stdout) as { cpuMs: number; wallMs: number; events: number; overwritten: number; bytes: number };
      return { ...out, peakKb: Number(/maxrss (\d+)/.exec(r.stderr)?.[1]) };
    };
    // the same load without a capture: what remains is the drains' (and the file's) share
    const bare = load('-');
    const captured = load(join(dir, 'capture.trace'));
    return {
      cpuShare: (captured.cpuMs - bare.cpuMs) / captured.wallMs,
      peakMb: captured.peakKb / 1024,
      lostShare: captured.overwritten / captured.events,
      mbPerSecond: captured.bytes / 1024 / 1024 / (captured.wallMs / 1000),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
