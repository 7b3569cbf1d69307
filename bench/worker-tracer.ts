/**
 * A benchmark worker: attaches to the tracing buffer and calls a tracepoint as fast as it can
 * until the stop flag is set, then reports how many calls it made.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { attachTracing, traceSchedSwitchIn } from '../generated/veridian/index.js';

const { buffer, stop } = workerData as { buffer: SharedArrayBuffer; stop: SharedArrayBuffer };
attachTracing(buffer);
const flag = new Int32Array(stop);
parentPort!.postMessage({ ready: true });
while (Atomics.load(flag, 0) === 0) Atomics.wait(flag, 0, 0, 1); // wait for the start signal (1)
let n = 0;
while (Atomics.load(flag, 0) === 1) {
  for (let i = 0; i < 1000; i++) traceSchedSwitchIn(i, n);
  n += 1000;
}
parentPort!.postMessage({ count: n });
