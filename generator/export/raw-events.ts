import type { DuckDBAppender, DuckDBDataChunk, DuckDBVector } from '@duckdb/node-api';
import type { RecordConsumer } from '../decode/decode-run.js';
import type { DecodedRecord } from '../decode/record.js';
import type { SchemaDecoder } from '../decode/schema-decoder.js';
import type { Database } from './duckdb.js';
import { RECORD_COLUMNS, quoteIdent } from './event-columns.js';

/** DuckDB's vector size: rows per appended chunk. */
const CHUNK_ROWS = 2048;

type Items = { items: Uint8Array | BigUint64Array; flush(): void };

/**
 * Appends decoded records to a DuckDB table of RECORD_COLUMNS (event-columns.ts), a chunk of
 * 2048 rows at a time, written straight into the vectors' typed arrays: no BigInt and no
 * object per value, so a capture streams in at millions of rows a second.
 *
 * @example
 * const raw = await RawEvents.create(db, 'raw_0');
 * consumeInput(path, request, options, raw, io);
 * raw.close();
 */
export class RawEvents implements RecordConsumer {
  readonly #appender: DuckDBAppender;
  readonly #chunk: DuckDBDataChunk;
  readonly #vectors: DuckDBVector[];
  readonly #ts: Uint32Array;
  readonly #cpu: Uint8Array;
  readonly #id: Uint8Array;
  readonly #d0: Uint32Array;
  readonly #d1: Uint32Array;
  #n = 0;
  decoder: SchemaDecoder | undefined;
  frequency = 0;
  /** Rows appended. */
  count = 0;
  /** Serial rows whose printed name the schema lacks: they have no id, so no row. */
  nameless = 0;
  /** Also sees every record (the spans of `query`). */
  readonly #also: RecordConsumer | undefined;

  private constructor(appender: DuckDBAppender, chunk: DuckDBDataChunk, also: RecordConsumer | undefined) {
    this.#appender = appender;
    this.#chunk = chunk;
    this.#also = also;
    this.#vectors = RECORD_COLUMNS.map((_, i) => chunk.getColumnVector(i));
    const items = this.#vectors.map((v) => (v as unknown as Items).items);
    const u32 = (a: Uint8Array | BigUint64Array) => new Uint32Array(a.buffer, a.byteOffset, a.byteLength / 4);
    this.#ts = u32(items[0]!);
    this.#cpu = items[1] as Uint8Array;
    this.#id = items[2] as Uint8Array;
    this.#d0 = u32(items[3]!);
    this.#d1 = u32(items[4]!);
  }

  /** Creates the table and its appender. */
  static async create(db: Database, table: string, also?: RecordConsumer): Promise<RawEvents> {
    await db.run(`CREATE TABLE ${quoteIdent(table)} (${RECORD_COLUMNS.map((c) => `${c.name} ${c.type} NOT NULL`).join(', ')})`);
    const appender = await db.connection.createAppender(table);
    const types = RECORD_COLUMNS.map((_, i) => appender.columnType(i));
    const { DuckDBDataChunk } = await import('@duckdb/node-api');
    return new RawEvents(appender, DuckDBDataChunk.create(types, CHUNK_ROWS), also);
  }

  start(decoder: SchemaDecoder, frequency: number): void {
    this.decoder = decoder;
    this.frequency = frequency;
    this.#also?.start(decoder, frequency);
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
    if (++this.#n === CHUNK_ROWS) this.#append();
  }

  /** Appends the last rows and closes the appender. */
  close(): void {
    if (this.#n) this.#append();
    this.#appender.closeSync();
  }

  #append(): void {
    for (const v of this.#vectors) (v as unknown as Items).flush();
    this.#chunk.rowCount = this.#n;
    this.#appender.appendDataChunk(this.#chunk);
    this.count += this.#n;
    this.#n = 0;
  }
}
