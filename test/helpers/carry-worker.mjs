// Writes across 2^32 on command, for the carry tests. 'index': each round, sets its ring's write
// index just below 2^32 and writes across the carry.
// 'sequence': each round, writes `count` records stamped by the shared sequence clock.
import { workerData } from 'node:worker_threads';
import { Tracer } from '@tracegen/runtime';

const { buffer, layout, mode, rounds, count, control } = workerData;
const ctl = new Int32Array(control); // [0] round the parent started, [1] workers done with it
const tracer = new Tracer({ layout, eventName: () => 'x', schemaText: 'name: carry\n', schemaHash: '00'.repeat(32) });
tracer.attach(buffer);
for (let round = 1; round <= rounds; round++) {
  while (Atomics.load(ctl, 0) < round) Atomics.wait(ctl, 0, round - 1, 50);
  if (mode === 'index') tracer.setWriteIndexForTesting(2 ** 32 - count / 2);
  for (let n = 0; n < count; n++) tracer.write(1, round, 0, n, 0);
  Atomics.add(ctl, 1, 1);
  Atomics.notify(ctl, 1);
}
