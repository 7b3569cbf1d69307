/**
 * A worker pool that traces its tasks and writes a capture file.
 *
 *   npm run build
 *   node dist/examples/worker-pool/main.js pool.trace
 *   npx tracegen decode pool.trace
 *
 * The main thread hands the tracing buffer to each worker; each worker claims a ring of its own
 * and traces a `sched_switch_in` when it picks a task up and a `sched_switch_out` when it is
 * done (pid = task id, tid = worker ring). The main thread appends `drain()` to the capture
 * every 10 ms while they run, and once more at the end.
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import {
  drain,
  enable,
  ringStats,
  totalEvents,
  tracingBuffer,
  traceSyscallEntry,
  traceSyscallExit,
} from '../../generated/veridian/index.js';

const out = process.argv[2] ?? 'pool.trace';
const workers = Number(process.argv[3] ?? 3);
const tasks = Number(process.argv[4] ?? 2000);

enable();
writeFileSync(out, drain()); // the header starts the file
const timer = setInterval(() => appendFileSync(out, drain()), 10);

const queue = new Int32Array(new SharedArrayBuffer(4)); // next task id, shared by the workers
traceSyscallEntry(0, BigInt(tasks)); // the pool's own work, on ring 0
const pool = Array.from(
  { length: workers },
  () => new Worker(new URL('./worker.js', import.meta.url), { workerData: { buffer: tracingBuffer(), queue: queue.buffer, tasks } }),
);
const done = await Promise.all(pool.map((w) => new Promise<number>((resolve, reject) => w.once('message', resolve).once('error', reject))));
traceSyscallExit(0, BigInt(done.reduce((a, b) => a + b, 0)));

clearInterval(timer);
appendFileSync(out, drain());
const lost = ringStats().reduce((n, s) => n + s.dropped, 0);
console.log(`${out}: ${totalEvents()} events from ${workers} workers (${done.join(' + ')} tasks), ${lost} dropped`);
