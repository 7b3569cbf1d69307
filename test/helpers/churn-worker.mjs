// A short-lived tracing thread: attaches, writes records (data0 = its index, data1 = a count),
// and ends as told: 'exit' returns normally, 'process-exit' calls process.exit, 'spin' writes
// until the parent terminates it (mid-write, as a killed thread stops).
import { parentPort, workerData } from 'node:worker_threads';
import { Tracer } from '@tracegen/runtime';

const { buffer, layout, index, mode, count } = workerData;
const tracer = new Tracer({ layout, eventName: () => 'x', schemaText: 'name: churn\n', schemaHash: '00'.repeat(32) });
let ring;
try {
  ring = tracer.attach(buffer);
} catch (e) {
  parentPort.postMessage({ error: String(e.message) });
}
if (ring !== undefined) {
  if (mode === 'spin') {
    parentPort.postMessage({ ring });
    for (let n = 0; ; n++) tracer.write(1, index, 0, n >>> 0, 0);
  }
  for (let n = 0; n < count; n++) tracer.write(1, index, 0, n, 0);
  parentPort.postMessage({ ring, wrote: count });
  if (mode === 'process-exit') process.exit(0);
}
