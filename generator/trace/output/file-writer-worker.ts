/**
 * The other half of `FileWriter`: a thread that writes full slots to the file while the decoder
 * fills the next ones, so decoding and disk writes overlap.
 *
 * Slot protocol (Int32 control words): state[i] = 0 free, 1 full; length[i] = bytes in slot i;
 * error = 0, or 1 once a write failed (the message is posted). Slots are filled and written in
 * order 0, 1, ..., n-1, 0, ...
 */
import { writeSync } from 'node:fs';
import { workerData, type MessagePort } from 'node:worker_threads';

const { fd, slots, slotBytes, data, control, errors } = workerData as {
  fd: number;
  slots: number;
  slotBytes: number;
  data: SharedArrayBuffer;
  control: SharedArrayBuffer;
  errors: MessagePort;
};
const ctl = new Int32Array(control);
const STATE = 0;
const LENGTH = slots;
const ERROR = slots * 2;
const STOP = slots * 2 + 1;

let slot = 0;
for (;;) {
  while (Atomics.load(ctl, STATE + slot) === 0) {
    if (Atomics.load(ctl, STOP) === 1) process.exit(0);
    Atomics.wait(ctl, STATE + slot, 0, 100);
  }
  const bytes = new Uint8Array(data, slot * slotBytes, Atomics.load(ctl, LENGTH + slot));
  try {
    for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at);
  } catch (e) {
    errors.postMessage(e instanceof Error ? e.message : String(e));
    Atomics.store(ctl, ERROR, 1);
  }
  Atomics.store(ctl, STATE + slot, 0);
  Atomics.notify(ctl, STATE + slot);
  slot = (slot + 1) % slots;
}
