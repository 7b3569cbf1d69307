/**
 * The trace file: self-describing and appendable (docs/trace-file.md has it byte by byte).
 *
 *   header  "TRACEGEN", version, layout, clock, wall-clock zero, schema hash and text
 *   name*   "NAME", ring, the name its thread gave it (version 2)
 *   string* "STRG", id, the text of a string field's id (version 3)
 *   chunk*  "CHNK", ring, record count, first record index, overwritten and dropped counts,
 *           then the records, 32 bytes each, exactly as the rings hold them
 *
 * All integers are little-endian; u64 counts are kept below 2^53 and read as numbers. A capture
 * is the first `drain()`'s bytes (a header and chunks) followed by later drains' bytes (chunks
 * only), so appending drains to one file makes one valid trace. A header may also appear again
 * later (two captures concatenated), provided it describes the same schema and layout.
 */
import { RECORD_BYTES, readU64, writeU64, type Layout } from './layout.js';
import { CLOCK_CODES, clockName, type ClockUnitName } from './clock.js';
import { MAX_STRING_BYTES } from './strings.js';

/** The version writers write; readers read every version from 1 up to it (1 has no names, 2 no strings). */
export const TRACE_FILE_VERSION = 3;
export const HEADER_MAGIC = 'TRACEGEN';
export const CHUNK_MAGIC = 'CHNK';
export const NAME_MAGIC = 'NAME';
/** A name section's fixed part; the name follows, padded to 8 bytes. */
export const NAME_HEADER_BYTES = 16;
/** The longest ring name, in UTF-8 bytes: what the runtime's name slot holds (tracer.ts). */
export const MAX_RING_NAME_BYTES = 56;
/** Byte offsets of a name section's fields. */
export const NAME_AT = { magic: 0, ring: 4, length: 8 } as const;
export const STRING_MAGIC = 'STRG';
/** A string section's fixed part; the text follows, padded to 8 bytes. */
export const STRING_HEADER_BYTES = 16;
/** Byte offsets of a string section's fields. */
export const STRING_AT = { magic: 0, id: 4, length: 8 } as const;
export const HEADER_FIXED_BYTES = 88;
/**
 * The largest schema text a header may carry: the schema loader's limit too (schemas are
 * hand-written; anything larger is a mistake or an attack, and is refused before it is parsed).
 */
export const MAX_SCHEMA_BYTES = 1024 * 1024;
/**
 * Clock frequencies a trace may state, in Hz (0 means unknown): below 1 Hz or above 10^15 Hz
 * no clock counts, and a time computed from them would not be a number worth printing.
 */
export const MIN_FREQUENCY = 1;
export const MAX_FREQUENCY = 1e15;
export const CHUNK_HEADER_BYTES = 40;
/** Byte offsets of the header's fields (docs/trace-file.md has the table). */
export const HEADER_AT = {
  magic: 0,
  version: 8,
  flags: 10,
  length: 12,
  ringSize: 16,
  rings: 20,
  clock: 24,
  frequency: 32,
  wallClockZero: 40,
  schemaHash: 48,
  schemaTextLength: 80,
  runId: 84,
} as const;
/** Byte offsets of a chunk header's fields, from the chunk's start. */
export const CHUNK_AT = { magic: 0, ring: 4, count: 8, firstIndex: 16, overwritten: 24, dropped: 32 } as const;

export interface TraceHeader {
  readonly version: number;
  readonly layout: Layout;
  readonly clock: ClockUnitName | 'unknown';
  /** Clock counts per second; 0 when unknown. */
  readonly frequency: number;
  /** Wall-clock time of timestamp 0, in ms since the Unix epoch; 0 when unknown. */
  readonly wallClockZeroMs: number;
  /** SHA-256 of the schema text, lower-case hex. */
  readonly schemaHash: string;
  readonly schemaText: string;
  /**
   * The run that wrote it: a random non-zero number a tracing process draws once, which every
   * header it writes repeats (0 in files of older writers: each header is then a run of its own).
   */
  readonly runId: number;
  /** Bytes the header takes in the file. */
  readonly byteLength: number;
}

export interface TraceChunk {
  readonly ring: number;
  /** Index (in the ring's count of events ever written) of the first record here. */
  readonly firstIndex: number;
  /** Events lost to overwriting before the first record, since the previous chunk of this ring. */
  readonly overwritten: number;
  /** Records overwritten while they were being copied, so left out. */
  readonly dropped: number;
  /** `count * 32` bytes of records. */
  readonly records: Uint8Array;
  readonly count: number;
  /** Which run of the file wrote it: 1 for the first header's, 2 from the next header of another run on. */
  readonly run: number;
}

/** A trace file that cannot be read: the message says where and why. */
export class TraceFileError extends Error {
  override readonly name = 'TraceFileError';
}

const encoder = new TextEncoder();

/** Builds a trace file header. */
export function encodeHeader(h: Omit<TraceHeader, 'byteLength' | 'version' | 'runId'> & { readonly runId?: number }): Uint8Array {
  const text = encoder.encode(h.schemaText);
  const byteLength = HEADER_FIXED_BYTES + align8(text.length);
  const out = new Uint8Array(byteLength);
  const view = new DataView(out.buffer);
  out.set(encoder.encode(HEADER_MAGIC), 0);
  view.setUint16(HEADER_AT.version, TRACE_FILE_VERSION, true);
  view.setUint16(HEADER_AT.flags, 0, true);
  view.setUint32(HEADER_AT.length, byteLength, true);
  view.setUint32(HEADER_AT.ringSize, h.layout.ringSize, true);
  view.setUint32(HEADER_AT.rings, h.layout.rings, true);
  view.setUint8(HEADER_AT.clock, h.clock === 'unknown' ? 255 : CLOCK_CODES[h.clock]);
  view.setFloat64(HEADER_AT.frequency, h.frequency, true);
  view.setFloat64(HEADER_AT.wallClockZero, h.wallClockZeroMs, true);
  out.set(hexToBytes(h.schemaHash), HEADER_AT.schemaHash);
  view.setUint32(HEADER_AT.schemaTextLength, text.length, true);
  view.setUint32(HEADER_AT.runId, h.runId ?? 0, true);
  out.set(text, HEADER_FIXED_BYTES);
  return out;
}

/**
 * Writes a name section at `offset` of `out`: ring `ring` is named by the `name` bytes (UTF-8,
 * at most MAX_RING_NAME_BYTES; none: the ring's name is cleared). Returns the bytes written.
 */
export function writeNameSection(out: Uint8Array, offset: number, ring: number, name: Uint8Array): number {
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const size = NAME_HEADER_BYTES + align8(name.length);
  out.fill(0, offset, offset + size);
  out.set(NAME_MAGIC_BYTES, offset + NAME_AT.magic);
  view.setUint16(offset + NAME_AT.ring, ring, true);
  view.setUint32(offset + NAME_AT.length, name.length, true);
  out.set(name, offset + NAME_HEADER_BYTES);
  return size;
}

/**
 * Writes a string section at `offset` of `out`: id `id` stands for the `text` bytes (UTF-8, at
 * most MAX_STRING_BYTES). Returns the bytes written.
 */
export function writeStringSection(out: Uint8Array, offset: number, id: number, text: Uint8Array): number {
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const size = STRING_HEADER_BYTES + align8(text.length);
  out.fill(0, offset, offset + size);
  out.set(STRING_MAGIC_BYTES, offset + STRING_AT.magic);
  view.setUint32(offset + STRING_AT.id, id, true);
  view.setUint32(offset + STRING_AT.length, text.length, true);
  out.set(text, offset + STRING_HEADER_BYTES);
  return size;
}

/** Writes a chunk header at `offset` of `out`; the caller puts `count` records after it. */
export function writeChunkHeader(
  out: Uint8Array,
  offset: number,
  c: { ring: number; count: number; firstIndex: number; overwritten: number; dropped: number },
): void {
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  out.set(CHUNK_MAGIC_BYTES, offset + CHUNK_AT.magic);
  view.setUint16(offset + CHUNK_AT.ring, c.ring, true);
  view.setUint16(offset + 6, 0, true);
  view.setUint32(offset + CHUNK_AT.count, c.count, true);
  view.setUint32(offset + 12, 0, true);
  writeU64(view, offset + CHUNK_AT.firstIndex, c.firstIndex);
  writeU64(view, offset + CHUNK_AT.overwritten, c.overwritten);
  writeU64(view, offset + CHUNK_AT.dropped, c.dropped);
}

const CHUNK_MAGIC_BYTES = encoder.encode(CHUNK_MAGIC);
const NAME_MAGIC_BYTES = encoder.encode(NAME_MAGIC);
const STRING_MAGIC_BYTES = encoder.encode(STRING_MAGIC);
const nameDecoder = new TextDecoder('utf-8', { fatal: true });
const HEADER_MAGIC_BYTES = encoder.encode(HEADER_MAGIC);

/** True when `bytes` start like a trace file. */
export function isTraceFile(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && startsWith(bytes, 0, HEADER_MAGIC_BYTES);
}

/**
 * Reads a trace file fed in pieces of any size, so a capture of gigabytes streams through a
 * fixed amount of memory. Feed bytes, take chunks, then call `finish()`, which throws if the
 * file stopped in the middle of something.
 *
 * @example
 * const reader = new TraceFileReader();
 * reader.feed(bytes);
 * for (const chunk of reader.chunks()) console.log(chunk.ring, chunk.count);
 * reader.finish();
 */
export class TraceFileReader {
  #buf: Uint8Array = new Uint8Array(0);
  /** True when #buf is ours (not a block a caller fed), so its spare room may be filled. */
  #owned = false;
  #start = 0;
  #end = 0;
  /** Bytes consumed before `#buf[#start]`: for error positions. */
  #consumed = 0;
  #header: TraceHeader | undefined;
  #chunks = 0;
  readonly #runs: TraceHeader[] = [];
  #cut: { at: number; ring: number; count: number; declared: number } | undefined;
  readonly #names = new Map<number, string>();
  #newNames: [number, string][] = [];
  #newStrings: [number, string][] = [];

  /** The first header, once it has been read. */
  get header(): TraceHeader | undefined {
    return this.#header;
  }

  /**
   * The header of each run read so far (runs[0] is run 1). Captures of several runs appended to
   * one file (two processes' `drain()` loops) are told apart by the run id every header repeats.
   */
  get runs(): readonly TraceHeader[] {
    return this.#runs;
  }

  /** Each ring's name as last read (a ring its thread never named has none). */
  get names(): ReadonlyMap<number, string> {
    return this.#names;
  }

  /**
   * The names read since the last call, in file order, as `[ring, name]` (an empty name: the
   * ring's name was cleared). A name applies to the ring's records in the chunks after it.
   */
  takeNames(): [number, string][] {
    const names = this.#newNames;
    this.#newNames = [];
    return names;
  }

  /**
   * The strings read since the last call, in file order, as `[id, text]`. A string's id is its
   * run's: a reader keeps one table per run, and a text comes before the records that use it.
   */
  takeStrings(): [number, string][] {
    const strings = this.#newStrings;
    this.#newStrings = [];
    return strings;
  }

  /** Appends bytes to what is still to parse. */
  feed(bytes: Uint8Array): void {
    const pending = this.#end - this.#start;
    if (pending === 0) {
      this.#consumed += this.#start;
      // Keep a reference instead of copying: most callers feed whole blocks.
      this.#buf = bytes;
      this.#owned = false;
      this.#start = 0;
      this.#end = bytes.length;
      return;
    }
    // a chunk spread over several blocks: append into spare room of a buffer of our own, grown
    // geometrically, so a large chunk costs linear time. Bytes before #end are never rewritten:
    // views handed out earlier stay valid.
    if (this.#owned && this.#end + bytes.length <= this.#buf.length) {
      this.#buf.set(bytes, this.#end);
      this.#end += bytes.length;
      return;
    }
    const next = new Uint8Array(Math.max(2 * (pending + bytes.length), 1 << 16));
    next.set(this.#buf.subarray(this.#start, this.#end), 0);
    next.set(bytes, pending);
    this.#consumed += this.#start;
    this.#buf = next;
    this.#owned = true;
    this.#start = 0;
    this.#end = pending + bytes.length;
  }

  /** Yields every complete chunk fed so far. Record views stay valid until the next `feed`. */
  *chunks(): Generator<TraceChunk> {
    for (;;) {
      const avail = this.#end - this.#start;
      if (avail < 8) return;
      const at = this.#start;
      if (startsWith(this.#buf, at, HEADER_MAGIC_BYTES)) {
        if (avail < HEADER_FIXED_BYTES) return;
        // what the header claims is checked before waiting for it: a hostile length or schema
        // size is an error at once, not gigabytes buffered first
        const fixed = new DataView(this.#buf.buffer, this.#buf.byteOffset + at, HEADER_FIXED_BYTES);
        const total = fixed.getUint32(HEADER_AT.length, true);
        const textLength = fixed.getUint32(HEADER_AT.schemaTextLength, true);
        if (textLength > MAX_SCHEMA_BYTES) {
          throw new TraceFileError(
            `at byte ${this.#consumed + at}: the schema inside is ${textLength} bytes; a schema may be at most ${MAX_SCHEMA_BYTES} bytes`,
          );
        }
        if (total < HEADER_FIXED_BYTES + textLength || total > HEADER_FIXED_BYTES + textLength + 8) {
          throw new TraceFileError(
            `at byte ${this.#consumed + at}: header is damaged (it claims ${total} bytes for ${textLength} bytes of schema)`,
          );
        }
        if (avail < total) return;
        const header = decodeHeader(this.#buf.subarray(at, at + total), this.#consumed + at);
        if (
          this.#header &&
          (header.schemaHash !== this.#header.schemaHash ||
            header.layout.ringSize !== this.#header.layout.ringSize ||
            header.layout.rings !== this.#header.layout.rings)
        ) {
          throw new TraceFileError(
            `at byte ${this.#consumed + at}: a second capture of a different schema or layout follows; split the file`,
          );
        }
        this.#header ??= header;
        // a header of the run before (same non-zero id) continues it; any other begins a run
        const current = this.#runs.at(-1);
        if (!current || header.runId === 0 || header.runId !== current.runId) this.#runs.push(header);
        this.#start += total;
        continue;
      }
      if (!this.#header) throw new TraceFileError('not a tracegen trace file (no TRACEGEN header)');
      if (startsWith(this.#buf, at, NAME_MAGIC_BYTES)) {
        if (avail < NAME_HEADER_BYTES) return;
        const view = new DataView(this.#buf.buffer, this.#buf.byteOffset + at, NAME_HEADER_BYTES);
        const ring = view.getUint16(NAME_AT.ring, true);
        const length = view.getUint32(NAME_AT.length, true);
        if (ring >= this.#header.layout.rings || length > MAX_RING_NAME_BYTES)
          throw new TraceFileError(
            `at byte ${this.#consumed + at}: name section for ring ${ring} of ${length} bytes (rings: ${this.#header.layout.rings}, names: at most ${MAX_RING_NAME_BYTES} bytes): the file is damaged`,
          );
        const size = NAME_HEADER_BYTES + align8(length);
        if (avail < size) return;
        let name: string;
        try {
          name = nameDecoder.decode(this.#buf.subarray(at + NAME_HEADER_BYTES, at + NAME_HEADER_BYTES + length));
        } catch {
          throw new TraceFileError(`at byte ${this.#consumed + at}: the name of ring ${ring} is not UTF-8: the file is damaged`);
        }
        if (name) this.#names.set(ring, name);
        else this.#names.delete(ring);
        this.#newNames.push([ring, name]);
        this.#start += size;
        continue;
      }
      if (startsWith(this.#buf, at, STRING_MAGIC_BYTES)) {
        if (avail < STRING_HEADER_BYTES) return;
        const view = new DataView(this.#buf.buffer, this.#buf.byteOffset + at, STRING_HEADER_BYTES);
        const id = view.getUint32(STRING_AT.id, true);
        const length = view.getUint32(STRING_AT.length, true);
        if (id === 0 || length > MAX_STRING_BYTES)
          throw new TraceFileError(
            `at byte ${this.#consumed + at}: string section of id ${id} and ${length} bytes (ids start at 1, texts are at most ${MAX_STRING_BYTES} bytes): the file is damaged`,
          );
        const size = STRING_HEADER_BYTES + align8(length);
        if (avail < size) return;
        let text: string;
        try {
          text = nameDecoder.decode(this.#buf.subarray(at + STRING_HEADER_BYTES, at + STRING_HEADER_BYTES + length));
        } catch {
          throw new TraceFileError(`at byte ${this.#consumed + at}: the text of string ${id} is not UTF-8: the file is damaged`);
        }
        this.#newStrings.push([id, text]);
        this.#start += size;
        continue;
      }
      if (!startsWith(this.#buf, at, CHUNK_MAGIC_BYTES)) {
        throw new TraceFileError(
          `at byte ${this.#consumed + at}: expected a chunk (CHNK), a name (NAME) or a string (STRG), found other bytes: the file is damaged`,
        );
      }
      if (avail < CHUNK_HEADER_BYTES) return;
      const view = new DataView(this.#buf.buffer, this.#buf.byteOffset + at, CHUNK_HEADER_BYTES);
      const ring = view.getUint16(CHUNK_AT.ring, true);
      const count = view.getUint32(CHUNK_AT.count, true);
      if (ring >= this.#header.layout.rings) {
        throw new TraceFileError(
          `at byte ${this.#consumed + at}: chunk for ring ${ring}, but the trace has ${this.#header.layout.rings} rings`,
        );
      }
      // a chunk is one copy of one ring: it never holds more than the ring does
      if (count > this.#header.layout.ringSize) {
        throw new TraceFileError(
          `at byte ${this.#consumed + at}: chunk claims ${count} records, but a ring holds ${this.#header.layout.ringSize}: the file is damaged`,
        );
      }
      for (const field of [CHUNK_AT.firstIndex, CHUNK_AT.overwritten, CHUNK_AT.dropped]) {
        if (view.getUint32(field + 4, true) >= 0x200000)
          throw new TraceFileError(`at byte ${this.#consumed + at}: chunk holds a count of 2^53 or more: the file is damaged`);
      }
      const size = CHUNK_HEADER_BYTES + count * RECORD_BYTES;
      if (avail < size) return;
      this.#start += size;
      this.#chunks++;
      yield {
        ring,
        count,
        firstIndex: readU64(view, CHUNK_AT.firstIndex),
        overwritten: readU64(view, CHUNK_AT.overwritten),
        dropped: readU64(view, CHUNK_AT.dropped),
        records: this.#buf.subarray(at + CHUNK_HEADER_BYTES, at + size),
        run: this.#runs.length,
      };
    }
  }

  /**
   * Once the input has ended: the whole records of a chunk the file was cut inside (a capture
   * whose last append was interrupted), as a chunk of those records, or undefined. Call it after
   * `chunks()` has yielded everything, then `finish()`, which still reports the cut.
   */
  cutChunk(): TraceChunk | undefined {
    const avail = this.#end - this.#start;
    const at = this.#start;
    if (!this.#header || avail < CHUNK_HEADER_BYTES || !startsWith(this.#buf, at, CHUNK_MAGIC_BYTES)) return undefined;
    const view = new DataView(this.#buf.buffer, this.#buf.byteOffset + at, CHUNK_HEADER_BYTES);
    const ring = view.getUint16(CHUNK_AT.ring, true);
    const declared = view.getUint32(CHUNK_AT.count, true);
    if (ring >= this.#header.layout.rings) return undefined;
    const count = Math.min(declared, Math.floor((avail - CHUNK_HEADER_BYTES) / RECORD_BYTES));
    this.#cut = { at: this.#consumed + at, ring, count, declared };
    // the header and the whole records are consumed; the partial record stays as the "left" bytes
    this.#start += CHUNK_HEADER_BYTES + count * RECORD_BYTES;
    if (count === 0 && readU64(view, CHUNK_AT.overwritten) === 0 && readU64(view, CHUNK_AT.dropped) === 0) return undefined;
    return {
      ring,
      count,
      firstIndex: readU64(view, CHUNK_AT.firstIndex),
      overwritten: readU64(view, CHUNK_AT.overwritten),
      dropped: readU64(view, CHUNK_AT.dropped),
      records: this.#buf.subarray(at + CHUNK_HEADER_BYTES, at + CHUNK_HEADER_BYTES + count * RECORD_BYTES),
      run: this.#runs.length,
    };
  }

  /** Throws if bytes are left that do not make a whole header or chunk, or a chunk was cut. */
  finish(): void {
    const left = this.#end - this.#start;
    if (!this.#header) {
      throw new TraceFileError(
        left === 0 && this.#consumed === 0 ? 'empty trace file' : 'not a tracegen trace file, or its header is cut off',
      );
    }
    const end = this.#consumed + this.#end;
    if (this.#cut) {
      const c = this.#cut;
      throw new TraceFileError(
        `cut off at byte ${end}, inside the chunk at byte ${c.at} (ring ${c.ring}): ${c.count} of its ${c.declared} records were whole and are kept`,
      );
    }
    if (left > 0) {
      throw new TraceFileError(`cut off at byte ${end}: ${left} bytes of an incomplete chunk header after ${this.#chunks} whole chunks`);
    }
  }
}

/** Reads a whole trace file held in memory. */
export function readTraceFile(bytes: Uint8Array): { header: TraceHeader; chunks: TraceChunk[] } {
  const reader = new TraceFileReader();
  reader.feed(bytes);
  const chunks = [...reader.chunks()];
  reader.cutChunk();
  reader.finish();
  return { header: reader.header!, chunks };
}

function decodeHeader(bytes: Uint8Array, at: number): TraceHeader {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint16(HEADER_AT.version, true);
  if (version < 1 || version > TRACE_FILE_VERSION) {
    throw new TraceFileError(
      `at byte ${at}: trace file format version ${version}; this tracegen reads versions 1 to ${TRACE_FILE_VERSION}`,
    );
  }
  const textLength = view.getUint32(HEADER_AT.schemaTextLength, true);
  if (HEADER_FIXED_BYTES + textLength > bytes.length)
    throw new TraceFileError(`at byte ${at}: header is damaged (schema text overruns it)`);
  const layout = { ringSize: view.getUint32(HEADER_AT.ringSize, true), rings: view.getUint32(HEADER_AT.rings, true) };
  if (layout.ringSize === 0 || (layout.ringSize & (layout.ringSize - 1)) !== 0 || layout.rings < 1 || layout.rings > 256) {
    throw new TraceFileError(`at byte ${at}: header is damaged (layout ${layout.ringSize} x ${layout.rings})`);
  }
  const frequency = view.getFloat64(HEADER_AT.frequency, true);
  if (!(frequency === 0 || (frequency >= MIN_FREQUENCY && frequency <= MAX_FREQUENCY))) {
    throw new TraceFileError(`at byte ${at}: header is damaged (clock frequency ${frequency})`);
  }
  const zero = view.getFloat64(HEADER_AT.wallClockZero, true);
  if (!Number.isFinite(zero)) throw new TraceFileError(`at byte ${at}: header is damaged (wall-clock zero ${zero})`);
  let schemaText: string;
  try {
    schemaText = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(HEADER_FIXED_BYTES, HEADER_FIXED_BYTES + textLength));
  } catch {
    throw new TraceFileError(`at byte ${at}: header is damaged (schema text is not UTF-8)`);
  }
  return {
    version,
    layout,
    clock: clockName(view.getUint8(HEADER_AT.clock)),
    frequency,
    wallClockZeroMs: zero,
    schemaHash: bytesToHex(bytes.subarray(HEADER_AT.schemaHash, HEADER_AT.schemaHash + 32)),
    schemaText,
    runId: view.getUint32(HEADER_AT.runId, true),
    byteLength: bytes.length,
  };
}

function align8(n: number): number {
  return (n + 7) & ~7;
}

function startsWith(bytes: Uint8Array, at: number, magic: Uint8Array): boolean {
  for (let i = 0; i < magic.length; i++) if (bytes[at + i] !== magic[i]) return false;
  return true;
}

function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32 && i * 2 < hex.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

function bytesToHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

/**
 * The records of a trace file as one DataView per chunk, for a decoder bound to one schema:
 * throws `TraceFileError` when the file was written with another schema (unless allowed), is
 * damaged, or is cut off (after yielding what came before). Returns the header. With `run`, only
 * that run's chunks (a file several runs appended to); without, every run in file order.
 */
export function* recordViews(
  fileBytes: Uint8Array,
  schema: { readonly name: string; readonly hash: string },
  allowSchemaMismatch = false,
  run?: number,
): Generator<DataView, TraceHeader> {
  const reader = new TraceFileReader();
  reader.feed(fileBytes);
  const check = () => {
    const written = reader.header!.schemaHash;
    if (written !== schema.hash && !allowSchemaMismatch) {
      throw new TraceFileError(
        `trace written with schema ${written.slice(0, 12)}, this module is ${schema.hash.slice(0, 12)} (${schema.name}): decode it with 'tracegen decode', which reads the schema inside the file`,
      );
    }
  };
  for (const chunk of reader.chunks()) {
    check();
    if (run !== undefined && chunk.run !== run) continue;
    yield new DataView(chunk.records.buffer, chunk.records.byteOffset, chunk.records.byteLength);
  }
  // a capture cut inside its last chunk: its whole records still come out, then the error
  const cut = reader.cutChunk();
  if (cut && cut.count > 0 && (run === undefined || cut.run === run)) {
    check();
    yield new DataView(cut.records.buffer, cut.records.byteOffset, cut.records.byteLength);
  }
  reader.finish();
  return reader.header!;
}
