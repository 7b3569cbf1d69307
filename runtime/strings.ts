/**
 * The string table: the texts of `string` fields, shared by every thread that traces into one
 * buffer. A record holds a text's id (a u32); the table lives in the tracing buffer's control
 * area and the trace file carries each text once (a string section, trace-file.ts).
 *
 * Layout, in 32-bit words from the table's start:
 *
 *   0  words of entries published: every entry below it is whole
 *   1  texts refused because the table was full (or its lock was never freed)
 *   2  the lock a thread holds while it appends an entry (0 free, 1 held)
 *   3  the entries, STRING_TABLE_BYTES in all; an entry at entry word w has id w + 1:
 *        [length in bytes] [UTF-8 bytes, padded to 4]
 *
 * Invariants:
 * - One thread at a time appends, under the lock, and publishes the used count (Atomics.store)
 *   after the entry's bytes: a reader that sees count u sees every entry below u whole, and never
 *   waits. Ids are never reused while the buffer lives (the table only grows).
 * - A thread interns a text before writing the record that carries its id, so a reader that
 *   copies a record and then the table finds the text.
 * - Appends are rare (once per text per thread), so the lock is a spin on one word. A thread
 *   killed while holding it (terminate() inside an append) leaves it held: later new texts are
 *   refused and counted, and texts already interned keep working.
 * - Each thread keeps its own map from text to id: the hot path is one map lookup. Two threads
 *   that intern one text get two ids of the same text; readers show both as the text.
 * - The table is bounded: a text that does not fit is recorded as id 0 (STRING_TABLE_FULL) and
 *   counted, never silently lost; readers show it as missing.
 */

/** Bytes of entries a tracing buffer holds. */
export const STRING_TABLE_BYTES = 64 * 1024;
/** A text longer than this many bytes of UTF-8 is cut at a character. */
export const MAX_STRING_BYTES = 1024;
/** Bits of the id a string field's record holds. */
export const STRING_ID_BITS = 32;
/** The id a record holds when its text found no room in the table. */
export const STRING_TABLE_FULL = 0;
/** Words of the table in the control area: its two counts, then its entries. */
export const STRING_TABLE_WORDS = 3 + STRING_TABLE_BYTES / 4;

const T_USED = 0;
const T_REFUSED = 1;
const T_LOCK = 2;
const T_ENTRIES = 3;
/** Spins before a new text is refused because another thread holds the lock (far longer than an append takes). */
const LOCK_SPINS = 1 << 22;
const ENTRY_WORDS = STRING_TABLE_BYTES / 4;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** One thread's view of a buffer's string table (at i32 word `base`). */
export class StringTable {
  readonly #i32: Int32Array;
  readonly #bytes: Uint8Array;
  readonly #base: number;
  readonly #ids = new Map<string, number>();

  constructor(i32: Int32Array, base: number) {
    this.#i32 = i32;
    this.#bytes = new Uint8Array(i32.buffer, i32.byteOffset, i32.byteLength);
    this.#base = base;
  }

  /**
   * The id of `text`, adding it to the table the first time this thread sees it; 0 when the
   * table is full (counted). Anything not a string is traced as its `String()`.
   *
   * @example
   * const id = table.intern('/users/17'); // 1 the first time, the same id after
   */
  intern(text: string): number {
    const id = this.#ids.get(text);
    return id === undefined ? this.#add(text) : id;
  }

  #add(value: unknown): number {
    const text = typeof value === 'string' ? value : String(value);
    const known = this.#ids.get(text);
    if (known !== undefined) return known;
    const bytes = cutUtf8(encoder.encode(text), MAX_STRING_BYTES);
    const words = 1 + ((bytes.length + 3) >> 2);
    const lock = this.#base + T_LOCK;
    let spins = 0;
    while (Atomics.compareExchange(this.#i32, lock, 0, 1) !== 0) {
      if (++spins === LOCK_SPINS) return this.#refuse();
    }
    const at = Atomics.load(this.#i32, this.#base + T_USED);
    if (at + words > ENTRY_WORDS) {
      Atomics.store(this.#i32, lock, 0);
      return this.#refuse();
    }
    const entry = this.#base + T_ENTRIES + at;
    this.#i32[entry] = bytes.length;
    this.#bytes.set(bytes, (entry + 1) * 4);
    Atomics.store(this.#i32, this.#base + T_USED, at + words);
    Atomics.store(this.#i32, lock, 0);
    this.#ids.set(text, at + 1);
    return at + 1;
  }

  #refuse(): number {
    Atomics.add(this.#i32, this.#base + T_REFUSED, 1);
    return STRING_TABLE_FULL;
  }

  /** Texts refused because the table was full. */
  refused(): number {
    return Atomics.load(this.#i32, this.#base + T_REFUSED);
  }

  /**
   * The entries published from entry word `from` on, as `[id, UTF-8 bytes]`, and where the
   * next read starts.
   */
  entriesFrom(from: number): { entries: [number, Uint8Array][]; next: number } {
    const end = this.#published();
    const entries: [number, Uint8Array][] = [];
    let at = from;
    while (at < end) {
      const entry = this.#base + T_ENTRIES + at;
      const length = Math.min(this.#i32[entry]!, MAX_STRING_BYTES);
      entries.push([at + 1, this.#bytes.slice((entry + 1) * 4, (entry + 1) * 4 + length)]);
      at += 1 + ((length + 3) >> 2);
    }
    return { entries, next: at };
  }

  #published(): number {
    return Math.min(Atomics.load(this.#i32, this.#base + T_USED), ENTRY_WORDS);
  }

  /** The text of id `id` in this buffer, or undefined (for the generated decoders of this process's records). */
  text(id: number): string | undefined {
    const at = id - 1;
    if (at < 0 || at >= this.#published()) return undefined;
    const entry = this.#base + T_ENTRIES + at;
    const length = Math.min(this.#i32[entry]!, MAX_STRING_BYTES);
    return decoder.decode(this.#bytes.subarray((entry + 1) * 4, (entry + 1) * 4 + length));
  }
}

/** UTF-8 `bytes` cut to at most `max` bytes, at a character. */
export function cutUtf8(bytes: Uint8Array, max: number): Uint8Array {
  if (bytes.length <= max) return bytes;
  let end = max;
  // a continuation byte (10xxxxxx) is inside a character: back up to its first byte
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end);
}
