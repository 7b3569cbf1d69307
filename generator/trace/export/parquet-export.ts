import type { View } from '../read/view.js';
import { Database } from './duckdb.js';
import { eventsSelect, sqlString } from './event-columns.js';
import { RawEvents } from './raw-events.js';
import { WriteAside, type FileIdentity } from '../write-aside.js';

/** Rows per Parquet row group: DuckDB's default, a few MB each, so readers skip by statistics. */
export const ROW_GROUP_ROWS = 122_880;

/** Parquet key-value metadata keys: the schema's text and the clock's frequency (0 when unknown). */
export const KV_SCHEMA = 'tracegen.schema';
export const KV_FREQUENCY = 'tracegen.frequency';

/**
 * `export --format parquet`: records go into a DuckDB table as they are decoded (spilling to
 * disk past 256 MB), then one `COPY` writes the typed columns of event-columns.ts in row groups,
 * zstd-compressed, with the schema in the file's metadata (so `query` can pair its spans).
 * Written aside and renamed by `finish()`.
 *
 * @example
 * const out = await ParquetExport.open('trace.parquet');
 * readTraceFile('app.trace', request, options, out.view);
 * await out.finish();
 */
export class ParquetExport {
  readonly #db: Database;
  readonly #raw: RawEvents;
  readonly #out: WriteAside;

  private constructor(db: Database, raw: RawEvents, out: WriteAside) {
    this.#db = db;
    this.#raw = raw;
    this.#out = out;
  }

  static async open(path: string, input?: FileIdentity): Promise<ParquetExport> {
    const out = new WriteAside(path, 'file', undefined, input);
    const db = await Database.open('export --format parquet');
    try {
      return new ParquetExport(db, await RawEvents.create(db, 'raw'), out);
    } catch (e) {
      db.close();
      throw e;
    }
  }

  get view(): View {
    return this.#raw;
  }

  get count(): number {
    return this.#raw.count;
  }

  get nameless(): number {
    return this.#raw.nameless;
  }

  /** Writes the file and puts it in place; on failure nothing is left. */
  async finish(): Promise<void> {
    try {
      this.#raw.close();
      await this.#raw.saveStrings(this.#db, 'raw');
      const model = this.#raw.decoder?.model;
      if (model) {
        const kv = `{${sqlString(KV_SCHEMA)}: ${sqlString(model.text)}, ${sqlString(KV_FREQUENCY)}: '${this.#raw.frequency}'}`;
        await this.#db.run(
          `COPY (${eventsSelect(model, 'raw')}) TO ${sqlString(this.#out.path)} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE ${ROW_GROUP_ROWS}, KV_METADATA ${kv})`,
        );
        this.#out.commit();
      }
    } catch (e) {
      this.#out.abandon();
      throw e;
    } finally {
      this.#db.close();
    }
  }

  abandon(): void {
    this.#out.abandon();
    this.#db.close();
  }
}
