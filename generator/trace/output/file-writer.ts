import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';

const SLOTS = 4;
const WORKER = new URL('./file-writer-worker.js', import.meta.url);

/**
 * Writes a file through a pool of shared buffers that a writer thread drains, so a decoder
 * producing gigabytes keeps computing while the disk writes. `slot()` hands out the buffer to
 * fill; `submit(n)` queues its first n bytes and returns the next free buffer (waiting only when
 * the disk is behind by every slot). Falls back to plain synchronous writes when the worker
 * script is not there (running from TypeScript sources).
 */
export class FileWriter {
  readonly #slotBytes: number;
  readonly #data: SharedArrayBuffer;
  readonly #ctl: Int32Array;
  readonly #worker: Worker;
  readonly #errors: MessagePort;
  #slot = 0;

  static available(): boolean {
    return existsSync(fileURLToPath(WORKER));
  }

  constructor(fd: number, slotBytes: number) {
    this.#slotBytes = slotBytes;
    this.#data = new SharedArrayBuffer(SLOTS * slotBytes);
    const control = new SharedArrayBuffer((SLOTS * 2 + 2) * 4);
    this.#ctl = new Int32Array(control);
    // errors come back on a port read synchronously: this thread never returns to the event loop
    const { port1, port2 } = new MessageChannel();
    this.#errors = port1;
    this.#worker = new Worker(WORKER, {
      workerData: { fd, slots: SLOTS, slotBytes, data: this.#data, control, errors: port2 },
      transferList: [port2],
    });
    this.#worker.unref();
  }

  /** The buffer to fill now. */
  slot(): Uint8Array {
    return new Uint8Array(this.#data, this.#slot * this.#slotBytes, this.#slotBytes);
  }

  /** Queues the current slot's first `length` bytes; returns the next slot to fill. */
  submit(length: number): Uint8Array {
    this.#check();
    Atomics.store(this.#ctl, SLOTS + this.#slot, length);
    Atomics.store(this.#ctl, this.#slot, 1);
    Atomics.notify(this.#ctl, this.#slot);
    this.#slot = (this.#slot + 1) % SLOTS;
    while (Atomics.load(this.#ctl, this.#slot) === 1) Atomics.wait(this.#ctl, this.#slot, 1, 100);
    return this.slot();
  }

  /** Waits until everything queued is on its way to disk, then stops the thread. */
  close(): void {
    for (let i = 0; i < SLOTS; i++) while (Atomics.load(this.#ctl, i) === 1) Atomics.wait(this.#ctl, i, 1, 100);
    Atomics.store(this.#ctl, SLOTS * 2 + 1, 1);
    for (let i = 0; i < SLOTS; i++) Atomics.notify(this.#ctl, i);
    this.#check();
    void this.#worker.terminate();
  }

  #check(): void {
    if (Atomics.load(this.#ctl, SLOTS * 2) === 1) {
      const m = receiveMessageOnPort(this.#errors);
      throw new Error(`write failed: ${m ? String(m.message) : 'unknown error'}`);
    }
  }
}
