// A worker that attaches to a tracing buffer and writes records as fast as it can until told to
// stop. Each record is checkable on its own: data0 = its sequence number in this worker,
// data1 = a hash of data0 and the ring, so a torn record (halves of two writes) is caught.
import { parentPort, workerData } from 'node:worker_threads';
import { Tracer, TracingError } from '@tracegen/runtime';

const { buffer, layout, stop } = workerData;
const tracer = new Tracer({ layout, eventName: () => 'x', schemaText: 'name: stress\n', schemaHash: '00'.repeat(32) });
let ring;
try {
  ring = tracer.attach(buffer);
} catch (e) {
  parentPort.postMessage({ error: e instanceof TracingError ? e.message : String(e) });
  process.exit(0);
}
parentPort.postMessage({ ring });
const flag = new Int32Array(stop);
let n = 0;
while (Atomics.load(flag, 0) === 0) {
  for (let k = 0; k < 256; k++) {
    if ((tracer.mask[0] & 2) === 0) continue;
    const h = (Math.imul(n, 0x9e3779b1) ^ ring) >>> 0;
    tracer.write(1, n >>> 0, 0, h, ~h >>> 0);
    n++;
  }
}
parentPort.postMessage({ done: n });
