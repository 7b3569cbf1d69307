import type { DuckDBAppender, DuckDBDataChunk, DuckDBVector } from '@duckdb/node-api';
import type { Database } from './duckdb.js';
import { quoteIdent } from './event-columns.js';

/** DuckDB's vector size: rows per appended chunk. */
export const CHUNK_ROWS = 2048;

type WithItems = { items: Uint8Array | Uint16Array | BigUint64Array | Float64Array; flush(): void };

/**
 * Appends rows to a DuckDB table a chunk of 2048 at a time, written straight into the chunk's
 * vectors: numbers into their typed arrays (a u64 as two u32 halves, so no BigInt), strings
 * through the vector. DuckDB's per-value appender calls cost more than the decoding that feeds
 * them; this costs a copy per chunk.
 *
 * @example
 * const t = await ChunkAppender.create(db, 'raw', 'ts UBIGINT NOT NULL, cpu UTINYINT NOT NULL');
 * const ts = t.halves(0), cpu = t.bytes(1);
 * ts[2 * n] = lo; ts[2 * n + 1] = hi; cpu[n] = 3; if (++n === CHUNK_ROWS) { t.append(n); n = 0; }
 */
export class ChunkAppender {
  readonly #appender: DuckDBAppender;
  readonly #chunk: DuckDBDataChunk;
  readonly #vectors: DuckDBVector[];
  /** Rows appended. */
  count = 0;

  private constructor(appender: DuckDBAppender, chunk: DuckDBDataChunk) {
    this.#appender = appender;
    this.#chunk = chunk;
    this.#vectors = Array.from({ length: appender.columnCount }, (_, i) => chunk.getColumnVector(i));
  }

  /** Creates the table (`columns` in SQL) and its appender. */
  static async create(db: Database, table: string, columns: string): Promise<ChunkAppender> {
    await db.run(`CREATE TABLE ${quoteIdent(table)} (${columns})`);
    const appender = await db.connection.createAppender(table);
    const types = Array.from({ length: appender.columnCount }, (_, i) => appender.columnType(i));
    const { DuckDBDataChunk } = await import('@duckdb/node-api');
    return new ChunkAppender(appender, DuckDBDataChunk.create(types, CHUNK_ROWS));
  }

  #items(column: number): WithItems['items'] {
    return (this.#vectors[column] as unknown as WithItems).items;
  }

  /** A UBIGINT column as u32 halves: row n is [2n] (low) and [2n + 1] (high). */
  halves(column: number): Uint32Array {
    const a = this.#items(column);
    return new Uint32Array(a.buffer, a.byteOffset, a.byteLength / 4);
  }

  /** A UTINYINT column. */
  bytes(column: number): Uint8Array {
    return this.#items(column) as Uint8Array;
  }

  /** A USMALLINT column. */
  shorts(column: number): Uint16Array {
    return this.#items(column) as Uint16Array;
  }

  /** A VARCHAR column: `setItem(row, text)`. */
  vector(column: number): DuckDBVector {
    return this.#vectors[column]!;
  }

  /** Appends the first `rows` rows written. */
  append(rows: number): void {
    for (const v of this.#vectors) (v as unknown as WithItems).flush();
    this.#chunk.rowCount = rows;
    this.#appender.appendDataChunk(this.#chunk);
    this.#chunk.rowCount = CHUNK_ROWS;
    this.count += rows;
  }

  close(): void {
    this.#appender.closeSync();
  }
}
