import type { ReadEnd, View, ViewStart } from '../read/view.js';
import type { DecodedRecord } from '../read/record.js';
import type { SchemaDecoder } from '../read/schema-decoder.js';
import { ChunkAppender, CHUNK_ROWS } from './chunk-appender.js';
import type { Database } from './duckdb.js';
import { RECORD_COLUMNS, sqlString, stringsTableOf } from './event-columns.js';

/**
 * Appends decoded records to a DuckDB table of RECORD_COLUMNS (event-columns.ts) as they are
 * decoded, 2048 rows a chunk, with no BigInt and no object per value: a capture streams in at
 * millions of rows a second.
 *
 * @example
 * const raw = await RawEvents.create(db, 'raw_0');
 * readTraceFile(path, request, options, raw);
 * raw.close();
 */
export class RawEvents implements View {
  readonly #table: ChunkAppender;
  readonly #ts: Uint32Array;
  readonly #cpu: Uint8Array;
  readonly #id: Uint8Array;
  readonly #d0: Uint32Array;
  readonly #d1: Uint32Array;
  #n = 0;
  decoder: SchemaDecoder | undefined;
  frequency = 0;
  /** Serial rows whose printed name the schema lacks: they have no id, so no row. */
  nameless = 0;
  /** Also sees every record (the spans of `query`). */
  readonly #also: View | undefined;

  private constructor(table: ChunkAppender, also: View | undefined) {
    this.#table = table;
    this.#also = also;
    this.#ts = table.halves(0);
    this.#cpu = table.bytes(1);
    this.#id = table.bytes(2);
    this.#d0 = table.halves(3);
    this.#d1 = table.halves(4);
  }

  /** Creates the table and its appender. */
  static async create(db: Database, table: string, also?: View): Promise<RawEvents> {
    const columns = RECORD_COLUMNS.map((c) => `${c.name} ${c.type} NOT NULL`).join(', ');
    return new RawEvents(await ChunkAppender.create(db, table, columns), also);
  }

  /** Rows appended. */
  get count(): number {
    return this.#table.count;
  }

  start(start: ViewStart): void {
    this.decoder = start.decoder;
    this.frequency = start.frequency;
    this.#also?.start(start);
  }

  end(end: ReadEnd): void {
    this.#also?.end(end);
  }

  record(r: DecodedRecord): void {
    this.#also?.record(r);
    if (r.id < 0) {
      this.nameless++;
      return;
    }
    const n = this.#n;
    const w = n * 2;
    this.#ts[w] = r.tsLo;
    this.#ts[w + 1] = r.tsHi;
    this.#cpu[n] = r.cpu;
    this.#id[n] = r.id;
    this.#d0[w] = r.d0lo;
    this.#d0[w + 1] = r.d0hi;
    this.#d1[w] = r.d1lo;
    this.#d1[w + 1] = r.d1hi;
    if (++this.#n === CHUNK_ROWS) {
      this.#table.append(CHUNK_ROWS);
      this.#n = 0;
    }
  }

  /** Appends the last rows and closes the appender. */
  close(): void {
    if (this.#n) this.#table.append(this.#n);
    this.#n = 0;
    this.#table.close();
  }

  /**
   * Writes the run's string table as `<table>_strings(id, text)`, which the string fields'
   * columns read (event-columns.ts); nothing when the schema has no string field.
   */
  async saveStrings(db: Database, table: string): Promise<void> {
    const d = this.decoder;
    if (!d?.model.events.some((e) => e.fields.some((f) => f.type.kind === 'string'))) return;
    const name = stringsTableOf(table);
    await db.run(`CREATE TABLE ${name} (id UINTEGER PRIMARY KEY, text VARCHAR NOT NULL)`);
    const rows = [...d.strings].map(([id, text]) => `(${id}, ${sqlString(text)})`);
    // a few thousand rows a statement: the table holds at most what the runtime's does
    for (let i = 0; i < rows.length; i += 4096) await db.run(`INSERT INTO ${name} VALUES ${rows.slice(i, i + 4096).join(', ')}`);
  }
}
