/** One worker of the pool example: claims a ring, then traces every task it runs. */
import { parentPort, workerData } from 'node:worker_threads';
import { attachTracing, traceSchedSwitchIn, traceSchedSwitchOut } from '../../generated/veridian/index.js';

const { buffer, queue, tasks } = workerData as { buffer: SharedArrayBuffer; queue: SharedArrayBuffer; tasks: number };
const ring = attachTracing(buffer);
const next = new Int32Array(queue);
let ran = 0;
for (let task = Atomics.add(next, 0, 1); task < tasks; task = Atomics.add(next, 0, 1)) {
  traceSchedSwitchIn(task, ring);
  let x = 0;
  for (let i = 0; i < 20_000; i++) x = (x * 31 + i) | 0; // the task's work
  traceSchedSwitchOut(task, ring);
  ran += x === 42 ? 2 : 1;
}
parentPort!.postMessage(ran);
