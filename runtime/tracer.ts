/**
 * The ring-buffer runtime: per-thread rings in the kernel's own memory layout.
 *
 * How it works. One SharedArrayBuffer holds the image (`imageBytes(layout)`, byte for byte what
 * the kernel's `TRACE_RINGS` holds) and, after it, a control area the kernel does not have:
 * the enable flag, the event masks, the sequence clock, the timeline's zero and one claim word
 * per ring. Each thread that traces claims a ring of its own with a compare-and-swap, so a ring
 * has exactly one writer; its index is the cpu byte of its records. The main thread (or the first
 * thread to trace) takes ring 0.
 *
 * Invariants:
 * - Only the ring's owner writes its records and write index; readers only read.
 * - The write index is published (Atomics.store) after the record's bytes are written, so a
 *   reader that sees index w sees records < w whole unless they were overwritten since.
 * - `mask` is the effective mask: all zeros while tracing is disabled, else the user's mask.
 *   A tracepoint therefore tests one word: disabled and masked-off cost the same.
 */
import type { ClockKind } from './clock.js';
import { startCapture, type Capture, type CaptureOptions } from './capture.js';
import { copyRing, loadWriteIndex } from './ring-reader.js';
import { formatDump, type DumpOptions } from './dump.js';
import {
  CHUNK_HEADER_BYTES,
  encodeHeader,
  MAX_RING_NAME_BYTES,
  NAME_HEADER_BYTES,
  STRING_HEADER_BYTES,
  writeChunkHeader,
  writeNameSection,
  writeStringSection,
} from './trace-file.js';
import { STRING_TABLE_BYTES, STRING_TABLE_WORDS, StringTable } from './strings.js';
import {
  checkLayout,
  imageBytes,
  LITTLE_ENDIAN,
  RECORD_BYTES,
  RECORD_WORDS,
  ringOffset,
  TWO_32,
  writeIndexOffset,
  type Layout,
} from './layout.js';

/** Control area, in 32-bit words from its start (which follows the image). */
const C_MAGIC = 0;
const C_ENABLED = 1;
const C_MASK = 2; // 8 words: effective mask
const C_USER_MASK = 10; // 8 words
const C_SEQ = 18; // sequence clock, low word
const C_SEQ_HALVES = 19; // the sequence clock's value / 2^31, possibly one behind (see #stamp)
const C_CLOCK = 20; // 0 ns, 1 sequence
const C_FENCE = 21;
const C_ORIGIN = 22; // f64 over words 22-23: the timeline's zero, ms since the epoch
const C_CLAIMS = 24; // one word per ring: 0 free, else the owner's thread id + 1
const C_SUSPECT = C_CLAIMS + 256; // one word per ring: 1 when its writer was killed (see #releaseThread)
const C_CARRY = C_SUSPECT + 256; // one word per ring: the write index's carry seqlock (ring-reader.ts)
const C_RUN = C_CARRY + 256; // the run id every header of this buffer's captures carries (trace-file.ts)
// NAME_WORDS words per ring: its name's generation (odd while its owner writes it), its length
// in bytes, then MAX_RING_NAME_BYTES of UTF-8
const C_NAMES = C_RUN + 1;
const NAME_WORDS = 2 + MAX_RING_NAME_BYTES / 4;
const C_STRINGS = C_NAMES + 256 * NAME_WORDS; // the string table (strings.ts)
const CONTROL_WORDS = C_STRINGS + STRING_TABLE_WORDS;
const CONTROL_MAGIC = 0x54524735; // "TRG5": the control area grew the string table (C_STRINGS); an older runtime must not attach

/** Node's built-in modules when running on Node (20.16+), nothing in a browser. */
const builtin = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule;
const workerThreads = builtin?.('node:worker_threads') as { threadId: number; isMainThread: boolean } | undefined;
const diagnostics = builtin?.('node:diagnostics_channel') as { subscribe(name: string, fn: (message: unknown) => void): void } | undefined;
/** This thread's claim value: its thread id + 1 (0 means free). */
const CLAIM = (workerThreads?.threadId ?? 0) + 1;

/**
 * How a writer publishes its write index. On x86-64 stores become visible in program order
 * (TSO) and V8 keeps typed-array stores in program order, so a plain store publishes the record
 * written before it; it costs 2 ns where Atomics.store (a full fence there) costs 18. Elsewhere
 * the release of Atomics.store is needed and used.
 */
const PLAIN_PUBLISH = (globalThis as { process?: { arch?: string } }).process?.arch === 'x64';
/** Read once: the global `performance` is an accessor, and the hot path calls `now()` per event. */
const perf = performance;
const NO_MASK = new Int32Array(8);
const NO_U32 = new Uint32Array(0);
const NO_U64 = new BigUint64Array(0);

/** What a generated module tells the runtime about its schema. */
export interface TracerConfig {
  readonly layout: Layout;
  /** Printed name of an event id, `'unknown'` for others (the seed's `event_type_name`). */
  readonly eventName: (id: number) => string;
  /** The schema's text and SHA-256, carried by every trace file so it decodes alone. */
  readonly schemaText: string;
  readonly schemaHash: string;
}

/** Per-ring counts, which the kernel's dump never tells. */
export interface RingStats {
  readonly ring: number;
  /** Events ever written to the ring (its write index). */
  readonly written: number;
  /** Events the ring holds now. */
  readonly held: number;
  /** Events overwritten by newer ones. */
  readonly overwritten: number;
  /** Records dropped because they were overwritten while a snapshot or drain copied them. */
  readonly dropped: number;
  readonly claimed: boolean;
}

/** Attaching failed: every ring is taken, or the buffer is not a tracing buffer. */
export class TracingError extends Error {
  override readonly name = 'TracingError';
}

export class Tracer {
  /** Effective event mask: tracepoints test `mask[id >> 5] & (1 << (id & 31))`. */
  mask: Int32Array = NO_MASK;
  /** The image as 32-bit words (internal: generated helpers write through it). */
  u32: Uint32Array = NO_U32;
  /** The image as 64-bit words (internal: generated helpers store bigint words through it). */
  u64: BigUint64Array = NO_U64;

  readonly layout: Layout;
  readonly config: TracerConfig;
  /** The shared buffer this thread traces into and reads; kept after `detach()`. */
  #buffer: SharedArrayBuffer | undefined;
  #i32: Int32Array = new Int32Array(0);
  #ctl = 0; // word index of the control area
  #ring = -1; // the ring this thread writes, -1 while it writes none
  #base = 0; // u32 index of our ring's first record
  #slotMask = 0;
  #count = 0; // events written to our ring: the write index, kept locally by its only writer
  #countAtClaim = 0;
  #indexWord = 0; // i32 index of our ring's write index (low word)
  #carryWord = 0; // i32 index of our ring's carry seqlock
  #cpuBits = 0; // ring << 8, or'ed with the id into the record's third word
  #originMs = 0; // added to performance.now() to land on the shared timeline
  #sequence = false;
  #watching = false;
  // reader-side state, per thread: drain position and what readers left out, per ring
  #drainNext: number[] | undefined;
  /** Per ring, the generation of its name the drains last wrote. */
  #drainNames: Int32Array | undefined;
  /** The string table's entry word the drains have written up to. */
  #drainStrings = 0;
  #strings: StringTable | undefined;
  #dropped: DroppedRanges[];
  #scratch: Uint8Array | undefined;

  constructor(config: TracerConfig) {
    checkLayout(config.layout);
    if (!LITTLE_ENDIAN) throw new TracingError('the trace format is little-endian; this platform is not');
    this.config = config;
    this.layout = config.layout;
    this.#dropped = Array.from({ length: config.layout.rings }, () => new DroppedRanges());
  }

  /** The ring this thread writes, or -1 while it writes none. */
  get ring(): number {
    return this.#ring;
  }

  /** The shared buffer, created (with ring 0 claimed) if this thread has none yet. */
  #ensure(): SharedArrayBuffer {
    if (this.#buffer) return this.#buffer;
    const sab = new SharedArrayBuffer(imageBytes(this.layout) + CONTROL_WORDS * 4);
    const i32 = new Int32Array(sab);
    const ctl = imageBytes(this.layout) >> 2;
    i32[ctl + C_MAGIC] = CONTROL_MAGIC;
    new Float64Array(sab, (ctl + C_ORIGIN) * 4, 1)[0] = performance.timeOrigin;
    i32.fill(-1, ctl + C_USER_MASK, ctl + C_USER_MASK + 8);
    i32[ctl + C_SEQ] = 1; // timestamp 0 means "no counter" to dump_trace: start at 1
    // a run id, so that readers tell this run's captures from another run's appended to one file
    i32[ctl + C_RUN] = globalThis.crypto.getRandomValues(new Int32Array(1))[0]! || 1;
    i32[ctl + C_CLAIMS] = CLAIM;
    this.#use(sab);
    this.#bind(0);
    return sab;
  }

  /** Makes `sab` the buffer this thread's controls and reads act on. */
  #use(sab: SharedArrayBuffer): void {
    this.#buffer = sab;
    this.#i32 = new Int32Array(sab);
    this.#ctl = imageBytes(this.layout) >> 2;
    const zero = new Float64Array(sab, (this.#ctl + C_ORIGIN) * 4, 1)[0]!;
    this.#originMs = performance.timeOrigin - zero;
    this.#sequence = Atomics.load(this.#i32, this.#ctl + C_CLOCK) === 1;
    this.#strings = new StringTable(this.#i32, this.#ctl + C_STRINGS);
    this.#watchThreads();
  }

  /** Starts writing `ring`, already claimed for this thread. */
  #bind(ring: number): void {
    const sab = this.#buffer!;
    this.#ring = ring;
    this.#base = ringOffset(this.layout, ring) >> 2;
    this.#slotMask = this.layout.ringSize - 1;
    this.#indexWord = writeIndexOffset(this.layout, ring) >> 2;
    this.#carryWord = this.#ctl + C_CARRY + ring;
    // the write index continues where the ring's last writer stopped: no index is reused
    this.#count = loadWriteIndex(this.#i32, this.layout, ring, this.#carryWord);
    this.#countAtClaim = this.#count;
    this.#cpuBits = ring << 8;
    this.u32 = new Uint32Array(sab, 0, imageBytes(this.layout) >> 2);
    this.u64 = new BigUint64Array(sab, 0, imageBytes(this.layout) >> 3);
    this.mask = new Int32Array(sab, (this.#ctl + C_MASK) * 4, 8);
  }

  /**
   * Rings of threads that end come back. A thread that exits (normally or by `process.exit`)
   * gives its ring back itself. A worker stopped by `terminate()` runs no code of its own, so
   * the thread that created it gives the ring back when the Worker reports its exit; that writer
   * may have stopped part-way through a record, so the ring is marked suspect (see #releaseThread).
   */
  #watchThreads(): void {
    if (this.#watching) return;
    this.#watching = true;
    const proc = (globalThis as { process?: { once?(event: string, fn: () => void): void } }).process;
    if (workerThreads && !workerThreads.isMainThread) proc?.once?.('exit', () => this.detach());
    diagnostics?.subscribe('worker_threads', (message) => {
      const worker = (message as { worker: { threadId: number; once(event: string, fn: () => void): void } }).worker;
      const id = worker.threadId;
      worker.once('exit', () => this.#releaseThread(id));
    });
  }

  /** Frees every ring still claimed by thread `id`, which has ended without giving it back. */
  #releaseThread(id: number): void {
    if (!this.#buffer) return;
    const ctl = this.#ctl;
    for (let ring = 0; ring < this.layout.rings; ring++) {
      // the suspect mark comes first: a reader that sees the ring free must also see the mark
      if (Atomics.load(this.#i32, ctl + C_CLAIMS + ring) !== id + 1) continue;
      Atomics.store(this.#i32, ctl + C_SUSPECT + ring, 1);
      if (Atomics.compareExchange(this.#i32, ctl + C_CLAIMS + ring, id + 1, 0) !== id + 1)
        Atomics.store(this.#i32, ctl + C_SUSPECT + ring, 0);
    }
  }

  /** The shared buffer to hand to workers (`postMessage(tracingBuffer())`). */
  tracingBuffer(): SharedArrayBuffer {
    return this.#ensure();
  }

  /**
   * Joins the tracing of the thread that made `buffer`: claims a free ring atomically; its
   * index becomes the cpu byte of this thread's records. Throws `TracingError` when every ring
   * is taken. Returns the ring. After `detach()`, attaching to the same buffer claims a ring again.
   */
  attach(buffer: SharedArrayBuffer, options: AttachOptions = {}): number {
    if (this.#buffer === buffer && this.#ring >= 0) {
      if (options.name !== undefined) this.setThreadName(options.name);
      return this.#ring;
    }
    if (this.#ring >= 0) throw new TracingError(`this thread already writes ring ${this.#ring} of another buffer`);
    const expected = imageBytes(this.layout) + CONTROL_WORDS * 4;
    if (!(buffer instanceof SharedArrayBuffer) || buffer.byteLength !== expected) {
      throw new TracingError(
        `not a tracing buffer of this schema's layout (${this.layout.ringSize} x ${this.layout.rings}): expected a SharedArrayBuffer of ${expected} bytes`,
      );
    }
    const i32 = new Int32Array(buffer);
    const ctl = imageBytes(this.layout) >> 2;
    if (Atomics.load(i32, ctl + C_MAGIC) !== CONTROL_MAGIC) throw new TracingError('not a tracing buffer (bad control magic)');
    for (let ring = 0; ring < this.layout.rings; ring++) {
      if (Atomics.compareExchange(i32, ctl + C_CLAIMS + ring, 0, CLAIM) === 0) {
        if (this.#buffer !== buffer) this.#use(buffer);
        this.#bind(ring);
        // the ring's name is its thread's: a name its last writer gave it goes
        if (options.name !== undefined || this.#nameLength(ring) > 0) this.#writeName(ring, options.name ?? '');
        return ring;
      }
    }
    throw new TracingError(
      `all ${this.layout.rings} rings are claimed: no ring left for this thread (layout.rings in the schema sets how many)`,
    );
  }

  /**
   * Names this thread's ring: readers show the name as its track (decode, stats, the report,
   * Chrome JSON and Perfetto tracks, CTF). The main thread names ring 0, which it takes on first
   * use. A name is at most 56 bytes of UTF-8: a longer one is cut at a character. `''` clears it.
   *
   * @example
   * setThreadName('http main');
   */
  setThreadName(name: string): void {
    this.#ensure();
    if (this.#ring < 0) throw new TracingError('this thread writes no ring: attach it first');
    this.#writeName(this.#ring, name);
  }

  /** This thread's ring's name ('' when it has none). */
  threadName(): string {
    if (this.#ring < 0) return '';
    return new TextDecoder().decode(this.#nameBytes(this.#ring).slice(0, this.#nameLength(this.#ring)));
  }

  #nameBytes(ring: number): Uint8Array {
    return new Uint8Array(this.#buffer!, (this.#ctl + C_NAMES + ring * NAME_WORDS + 2) * 4, MAX_RING_NAME_BYTES);
  }

  #nameLength(ring: number): number {
    return Atomics.load(this.#i32, this.#ctl + C_NAMES + ring * NAME_WORDS + 1);
  }

  /** Writes a ring's name slot; only the ring's owner does, under the slot's generation (a seqlock). */
  #writeName(ring: number, name: string): void {
    const bytes = nameBytes(name);
    const slot = this.#ctl + C_NAMES + ring * NAME_WORDS;
    Atomics.add(this.#i32, slot, 1);
    const dest = this.#nameBytes(ring);
    dest.fill(0);
    dest.set(bytes);
    Atomics.store(this.#i32, slot + 1, bytes.length);
    Atomics.add(this.#i32, slot, 1);
  }

  /**
   * Name sections for the rings whose name changed since `seen` (their generations, updated),
   * or for every named ring when `seen` is undefined, written at `at` of `out`; returns the end.
   * A name being written is left for the next copy.
   */
  #nameSections(out: Uint8Array, at: number, seen: Int32Array | undefined): number {
    for (let ring = 0; ring < this.layout.rings; ring++) {
      const slot = this.#ctl + C_NAMES + ring * NAME_WORDS;
      const generation = Atomics.load(this.#i32, slot);
      if ((generation & 1) !== 0 || generation === (seen ? seen[ring]! : 0)) continue;
      const length = Math.min(this.#nameLength(ring), MAX_RING_NAME_BYTES);
      if (!seen && length === 0) continue;
      const bytes = this.#nameBytes(ring).slice(0, length);
      if (Atomics.load(this.#i32, slot) !== generation) continue;
      at += writeNameSection(out, at, ring, bytes);
      if (seen) seen[ring] = generation;
    }
    return at;
  }

  /**
   * Gives this thread's ring back: later tracepoints here do nothing until it attaches again,
   * and another thread may claim the ring and continue its write index. Its records stay
   * readable until overwritten, and this thread's controls, snapshots and drains keep acting on
   * the same buffer.
   */
  detach(): void {
    if (this.#ring < 0) return;
    const ring = this.#ring;
    this.mask = NO_MASK;
    this.u32 = NO_U32;
    this.u64 = NO_U64;
    this.#ring = -1;
    // a record written since the claim overwrote any torn slot a killed writer left
    if (this.#count > this.#countAtClaim) Atomics.store(this.#i32, this.#ctl + C_SUSPECT + ring, 0);
    Atomics.store(this.#i32, this.#ctl + C_CLAIMS + ring, 0);
  }

  /** Turns tracing on for every thread sharing the buffer. */
  enable(): void {
    this.#ensure();
    Atomics.store(this.#i32, this.#ctl + C_ENABLED, 1);
    this.#applyMask();
  }

  /** Turns tracing off for every thread: tracepoints cost one load and one branch. */
  disable(): void {
    this.#ensure();
    Atomics.store(this.#i32, this.#ctl + C_ENABLED, 0);
    this.#applyMask();
  }

  isEnabled(): boolean {
    return this.#buffer !== undefined && Atomics.load(this.#i32, this.#ctl + C_ENABLED) === 1;
  }

  /** Traces only the given event ids (all threads). */
  setEventMask(ids: Iterable<number>): void {
    this.#ensure();
    const words = new Int32Array(8);
    for (const id of ids) {
      if (!Number.isInteger(id) || id < 0 || id > 255) throw new RangeError(`event id ${id} is not 0-255`);
      words[id >> 5]! |= 1 << (id & 31);
    }
    for (let i = 0; i < 8; i++) Atomics.store(this.#i32, this.#ctl + C_USER_MASK + i, words[i]!);
    this.#applyMask();
  }

  /** Turns one event on or off in the user mask. */
  setEventEnabled(id: number, on: boolean): void {
    this.#ensure();
    const w = this.#ctl + C_USER_MASK + (id >> 5);
    if (on) Atomics.or(this.#i32, w, 1 << (id & 31));
    else Atomics.and(this.#i32, w, ~(1 << (id & 31)));
    this.#applyMask();
  }

  /** True when the event is in the user mask (whether or not tracing is enabled). */
  isEventEnabled(id: number): boolean {
    this.#ensure();
    return (Atomics.load(this.#i32, this.#ctl + C_USER_MASK + (id >> 5)) & (1 << (id & 31))) !== 0;
  }

  #applyMask(): void {
    const on = Atomics.load(this.#i32, this.#ctl + C_ENABLED) === 1;
    for (let i = 0; i < 8; i++) {
      Atomics.store(this.#i32, this.#ctl + C_MASK + i, on ? Atomics.load(this.#i32, this.#ctl + C_USER_MASK + i) : 0);
    }
  }

  /** Chooses the clock for every thread. Set it before tracing starts: one trace has one clock. */
  setClock(kind: ClockKind): void {
    this.#ensure();
    Atomics.store(this.#i32, this.#ctl + C_CLOCK, kind === 'sequence' ? 1 : 0);
    this.#sequence = kind === 'sequence';
  }

  get clock(): ClockKind {
    return this.#sequence ? 'sequence' : 'ns';
  }

  /**
   * Writes one record with its data words as 32-bit halves. Call only after testing `mask`.
   * No allocation, no BigInt: the hot path of every all-number event. `misfits` has a bit set
   * per field whose argument did not fit (field-codec.ts); 0 keeps the record the kernel's.
   */
  write(id: number, d0lo: number, d0hi: number, d1lo: number, d1hi: number, misfits = 0): void {
    const u32 = this.u32;
    const n = this.#count;
    const i = this.#base + (n & this.#slotMask) * RECORD_WORDS;
    this.#stamp(u32, i);
    u32[i + 2] = id | this.#cpuBits;
    u32[i + 3] = misfits;
    u32[i + 4] = d0lo;
    u32[i + 5] = d0hi;
    u32[i + 6] = d1lo;
    u32[i + 7] = d1hi;
    this.#publish(n + 1);
  }

  /**
   * Starts a record whose data words the caller stores itself (through `u32` or `u64`, at the
   * returned u32 index + 4..7), then `commit()`s. For events with bigint fields.
   */
  begin(id: number, misfits = 0): number {
    const u32 = this.u32;
    const i = this.#base + (this.#count & this.#slotMask) * RECORD_WORDS;
    this.#stamp(u32, i);
    u32[i + 2] = id | this.#cpuBits;
    u32[i + 3] = misfits;
    return i;
  }

  /**
   * The id of a string field's text: one map lookup once this thread has traced the text, else
   * it is added to the buffer's string table (strings.ts). 0 when the table is full (counted in
   * `stringStats`). Call only after testing `mask`.
   */
  intern(text: string): number {
    return this.#strings!.intern(text);
  }

  /** The string table: texts interned, bytes they take of STRING_TABLE_BYTES, and texts refused because it was full. */
  stringStats(): StringStats {
    this.#ensure();
    const { entries } = this.#strings!.entriesFrom(0);
    return {
      strings: entries.length,
      bytes: entries.reduce((n, [, b]) => n + 4 + ((b.length + 3) & ~3), 0),
      refused: this.#strings!.refused(),
    };
  }

  /** The text of a string id of this buffer's records, or undefined (the generated decoders' lookup). */
  stringText(id: number): string | undefined {
    return this.#strings?.text(id);
  }

  /** Publishes the record started by `begin`. */
  commit(): void {
    this.#publish(this.#count + 1);
  }

  #stamp(u32: Uint32Array, i: number): void {
    if (this.#sequence) this.#stampSequence(u32, i);
    else {
      const ns = (perf.now() + this.#originMs) * 1e6;
      u32[i] = ns >>> 0;
      u32[i + 1] = (ns / TWO_32) >>> 0;
    }
  }

  // Kept apart from #stamp so that the ns path stays small enough to inline into write().
  #stampSequence(u32: Uint32Array, i: number): void {
    // A 64-bit counter from 32-bit atomics, without a lock: the low word is the atomic counter,
    // and C_SEQ_HALVES counts its halves (value / 2^31), bumped by the thread whose increment
    // crosses a half. A thread reads the halves just after its increment, and may see them one
    // off: one behind if its value is just past a crossing whose bump is still to come, one
    // ahead if it stalled and others crossed the next half meanwhile. The low word's top bit is
    // the parity of the true count, and its next bit says which case can apply (a value in the
    // first 2^30 of its half is that far from the next crossing, so can only be behind; one in
    // the last 2^30 only ahead): the count is exact unless a thread stalls for 2^30 events.
    const lo = Atomics.add(this.#i32, this.#ctl + C_SEQ, 1) >>> 0;
    let halves = Atomics.load(this.#i32, this.#ctl + C_SEQ_HALVES) >>> 0;
    if ((halves & 1) !== lo >>> 31) halves = (lo & 0x40000000) === 0 ? halves + 1 : halves - 1;
    u32[i] = lo;
    u32[i + 1] = halves >>> 1;
    if ((lo & 0x7fffffff) === 0x7fffffff) Atomics.add(this.#i32, this.#ctl + C_SEQ_HALVES, 1);
  }

  #publish(n: number): void {
    this.#count = n;
    if ((n | 0) === 0) this.#carry(n);
    else if (PLAIN_PUBLISH) this.#i32[this.#indexWord] = n;
    else Atomics.store(this.#i32, this.#indexWord, n);
  }

  /** Once every 2^32 events the high word changes too: both under the carry seqlock. */
  #carry(n: number): void {
    Atomics.add(this.#i32, this.#carryWord, 1);
    Atomics.store(this.#i32, this.#indexWord, 0);
    Atomics.store(this.#i32, this.#indexWord + 1, (n / TWO_32) | 0);
    Atomics.add(this.#i32, this.#carryWord, 1);
  }

  /**
   * Sets the sequence clock's next value. For tests of the 2^32 carry; never needed otherwise.
   * @internal
   */
  setSequenceForTesting(next: number): void {
    this.#ensure();
    Atomics.store(this.#i32, this.#ctl + C_SEQ, next >>> 0);
    Atomics.store(this.#i32, this.#ctl + C_SEQ_HALVES, Math.floor(next / 2 ** 31));
  }

  /**
   * Sets this thread's ring's write index, as the writer would store it. For tests of the 2^32
   * carry; never needed otherwise.
   * @internal
   */
  setWriteIndexForTesting(index: number): void {
    if (this.#ring < 0) throw new TracingError('this thread writes no ring');
    this.#count = index;
    this.#countAtClaim = index;
    this.#carry(index);
  }

  #writeIndex(ring: number): number {
    return loadWriteIndex(this.#i32, this.layout, ring, this.#ctl + C_CARRY + ring);
  }

  /** Events written to all rings since tracing began (the seed's `total_events`). */
  totalEvents(): number {
    if (!this.#buffer) return 0;
    let total = 0;
    for (let r = 0; r < this.layout.rings; r++) total += this.#writeIndex(r);
    return total;
  }

  /**
   * Per-ring counts: written = held + overwritten + dropped, where dropped counts (once each) the
   * records this thread's snapshots and drains left out as possibly torn.
   */
  ringStats(): RingStats[] {
    return Array.from({ length: this.layout.rings }, (_, ring) => {
      const written = this.#buffer ? this.#writeIndex(ring) : 0;
      const window = Math.min(written, this.layout.ringSize);
      const dropped = this.#dropped[ring]!;
      const droppedHeld = dropped.countFrom(written - window);
      return {
        ring,
        written,
        held: window - droppedHeld,
        overwritten: written - window - (dropped.total - droppedHeld),
        dropped: dropped.total,
        claimed: this.#buffer !== undefined && Atomics.load(this.#i32, this.#ctl + C_CLAIMS + ring) !== 0,
      };
    });
  }

  /** The live image: exactly the kernel's `TRACE_RINGS` bytes for the same events. */
  image(): Uint8Array {
    return new Uint8Array(this.#ensure(), 0, imageBytes(this.layout));
  }

  /**
   * A trace file of everything the rings hold, taken while writers run. A record overwritten
   * while it was copied is dropped and counted in its chunk, never returned torn.
   */
  snapshot(): Uint8Array {
    return this.#capture(new Array<number>(this.layout.rings).fill(0), true, undefined, { next: 0 });
  }

  /**
   * Bytes to append to a capture file: the first call's start with the header, later calls hold
   * only what was written since the previous call, with events lost to overwriting counted.
   *
   * @example
   * setInterval(() => fs.appendFileSync('app.trace', drain()), 100);
   */
  drain(): Uint8Array {
    const first = this.#drainNext === undefined;
    this.#drainNext ??= new Array<number>(this.layout.rings).fill(0);
    this.#drainNames ??= new Int32Array(this.layout.rings);
    const strings = { next: this.#drainStrings };
    const out = this.#capture(this.#drainNext, first, this.#drainNames, strings);
    this.#drainStrings = strings.next;
    return out;
  }

  /**
   * Records from `from` per ring (advanced), after the header when asked, the names `names` has
   * not seen (all, without) and the string table's entries from `strings.next` (advanced).
   */
  #capture(from: number[], withHeader: boolean, names: Int32Array | undefined, strings: { next: number }): Uint8Array {
    this.#ensure();
    const header = withHeader ? this.#header() : new Uint8Array(0);
    const image = this.image();
    const rings = this.layout.rings;
    // worst case: every ring named and full; trimmed to what was copied
    const room =
      header.length +
      rings * (NAME_HEADER_BYTES + MAX_RING_NAME_BYTES + CHUNK_HEADER_BYTES + this.layout.ringSize * RECORD_BYTES) +
      STRING_SECTIONS_ROOM;
    // one worst-case buffer per tracer, reused: a drain loop allocates only what it returns
    if (!this.#scratch || this.#scratch.length < room) this.#scratch = new Uint8Array(room);
    const out = this.#scratch;
    out.set(header, 0);
    // the names before the records: a reader shows a ring's records under the name it had
    let at = this.#nameSections(out, header.length, names);
    const chunksAt = at;
    for (let ring = 0; ring < rings; ring++) {
      // no writer can be part-way through a record of our own ring or of a free one, unless
      // the free ring's last writer was killed (suspect): then its oldest slot may be torn
      const quiescent =
        ring === this.#ring ||
        (Atomics.load(this.#i32, this.#ctl + C_SUSPECT + ring) === 0 && Atomics.load(this.#i32, this.#ctl + C_CLAIMS + ring) === 0);
      const copy = copyRing(
        image,
        this.#i32,
        this.layout,
        ring,
        from[ring]!,
        out,
        at + CHUNK_HEADER_BYTES,
        this.#ctl + C_FENCE,
        quiescent,
        this.#ctl + C_CARRY + ring,
      );
      from[ring] = copy.next;
      if (copy.dropped > 0) this.#dropped[ring]!.add(copy.firstIndex - copy.dropped, copy.firstIndex);
      if (copy.count === 0 && copy.overwritten === 0 && copy.dropped === 0) continue;
      writeChunkHeader(out, at, copy);
      at += CHUNK_HEADER_BYTES + copy.count * RECORD_BYTES;
    }
    // The table is read after the rings, so it holds every text the copied records use (a
    // thread interns before it writes), and written before them, so a reader has the texts first.
    const { entries, next } = this.#strings!.entriesFrom(strings.next);
    strings.next = next;
    if (entries.length > 0) {
      const size = entries.reduce((n, [, text]) => n + STRING_HEADER_BYTES + ((text.length + 7) & ~7), 0);
      out.copyWithin(chunksAt + size, chunksAt, at);
      let p = chunksAt;
      for (const [id, text] of entries) p += writeStringSection(out, p, id, text);
      at += size;
    }
    return out.slice(0, at);
  }

  /**
   * Captures this tracer's rings into a file: drains on an interval and on the way out (exit,
   * SIGINT, SIGTERM, an uncaught exception), optionally rotating (capture.ts). Its drains are this
   * thread's: do not call `drain()` beside it.
   *
   * @example
   * const capture = tracer.startCapture('app.trace');
   */
  startCapture(path: string, options?: CaptureOptions): Capture {
    return startCapture(this, path, options);
  }

  /** The header a capture file of this run begins with (a rotated capture's new file too), with the rings' names. */
  captureHeader(): Uint8Array {
    const header = this.#header();
    const out = new Uint8Array(header.length + this.layout.rings * (NAME_HEADER_BYTES + MAX_RING_NAME_BYTES) + STRING_SECTIONS_ROOM);
    out.set(header);
    let at = this.#nameSections(out, header.length, undefined);
    // a new file of a rotated capture: its records may use any text interned before
    for (const [id, text] of this.#strings!.entriesFrom(0).entries) at += writeStringSection(out, at, id, text);
    return out.slice(0, at);
  }

  #header(): Uint8Array {
    const zero = new Float64Array(this.#ensure(), (this.#ctl + C_ORIGIN) * 4, 1)[0]!;
    return encodeHeader({
      layout: this.layout,
      clock: this.#sequence ? 'sequence' : 'ns',
      frequency: this.#sequence ? 0 : 1e9,
      wallClockZeroMs: zero,
      schemaHash: this.config.schemaHash,
      schemaText: this.config.schemaText,
      runId: Atomics.load(this.#i32, this.#ctl + C_RUN) >>> 0,
    });
  }

  /**
   * Prints the most recent `count` events of each ring in the kernel's serial format
   * (`dump_trace`), then a total and, unlike the kernel, what each ring lost. Like the kernel,
   * tracing is paused while it reads. `write` takes one line without its newline.
   */
  dumpTrace(count = 20, write: (line: string) => void = defaultWrite, options: DumpOptions = {}): void {
    const wasEnabled = this.isEnabled();
    if (wasEnabled) this.disable();
    try {
      for (const line of formatDump(this.image(), this.layout, count, this.config.eventName)) write(line);
      if (options.lossReport !== false) {
        for (const s of this.ringStats()) {
          if (s.overwritten > 0 || s.dropped > 0) write(`=== Ring ${s.ring}: ${s.overwritten} overwritten, ${s.dropped} dropped ===`);
        }
      }
    } finally {
      if (wasEnabled) this.enable();
    }
  }
}

/** The string table's use (Tracer.stringStats). */
export interface StringStats {
  /** Texts in the table. */
  readonly strings: number;
  /** Bytes their entries take, of STRING_TABLE_BYTES. */
  readonly bytes: number;
  /** Texts that found no room: their records hold id 0, which readers show as missing. */
  readonly refused: number;
}

/**
 * The most bytes of string sections a copy of the table can take: each entry is at least a word
 * of the table and becomes a section header plus its text padded to 8.
 */
const STRING_SECTIONS_ROOM = (STRING_TABLE_BYTES / 4) * STRING_HEADER_BYTES + 2 * STRING_TABLE_BYTES;

/** What a thread attaching to a tracing buffer may say of itself. */
export interface AttachOptions {
  /** Its ring's name, as `setThreadName` sets it. */
  readonly name?: string;
}

const nameEncoder = new TextEncoder();

/** A ring name's bytes: UTF-8, cut at a character to fit MAX_RING_NAME_BYTES. */
function nameBytes(name: string): Uint8Array {
  const out = new Uint8Array(MAX_RING_NAME_BYTES);
  return out.slice(0, nameEncoder.encodeInto(name, out).written);
}

/** Lines go to stdout on Node and to the console where there is no `process` (a browser page). */
function defaultWrite(line: string): void {
  const out = (globalThis as { process?: { stdout?: { write(text: string): unknown } } }).process?.stdout;
  if (out) out.write(line + '\n');
  else console.log(line);
}

/**
 * The indexes of one ring's records that readers left out, each counted once however many
 * snapshots left it out: a few merged ranges, since drops are rare and cluster at a ring's oldest slot.
 */
class DroppedRanges {
  #ranges: [number, number][] = [];
  total = 0;

  add(from: number, to: number): void {
    const merged: [number, number][] = [];
    let [a, b] = [from, to];
    for (const [x, y] of this.#ranges) {
      if (y < a || x > b) merged.push([x, y]);
      else [a, b] = [Math.min(a, x), Math.max(b, y)];
    }
    merged.push([a, b]);
    merged.sort((p, q) => p[0] - q[0]);
    // bounded: the oldest ranges fold into one (their gap then counts as dropped)
    while (merged.length > 64) merged.splice(0, 2, [merged[0]![0], merged[1]![1]]);
    this.#ranges = merged;
    this.total = merged.reduce((n, [x, y]) => n + y - x, 0);
  }

  /** How many left-out indexes are `>= index`. */
  countFrom(index: number): number {
    let n = 0;
    for (const [x, y] of this.#ranges) if (y > index) n += y - Math.max(x, index);
    return n;
  }
}
