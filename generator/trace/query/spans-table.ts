import type { DuckDBVector } from '@duckdb/node-api';
import { ChunkAppender, CHUNK_ROWS } from '../export/chunk-appender.js';
import type { View } from '../read/view.js';
import type { DecodedRecord } from '../read/record.js';
import { SchemaDecoder } from '../read/schema-decoder.js';
import { SpanMatcher, type MatchedSpan } from '../read/span-matcher.js';
import type { Database } from '../export/duckdb.js';
import { KV_FREQUENCY, KV_SCHEMA } from '../export/parquet-export.js';
import { sqlString } from '../export/event-columns.js';
import { loadSchemaText } from '../../schema/load-schema.js';
import { TRACE_SCHEMA_SUFFIX } from '../../schema/diff/baseline.js';
import { MAX_FREQUENCY, MIN_FREQUENCY } from '@tracegen/runtime';
import { DecodeError } from '../read/errors.js';

/**
 * The `spans` table of `tracegen query`: every begin and end the schema's spans pair, by the
 * one rule of decode/span-matcher.ts (what `stats` and the report use). Spans are appended by
 * chunks to `spans_raw` with their names and sources as small numbers, and `spans` is a view
 * that names them: `name`, `cpu`, `begin_ts`, `end_ts`, `duration` (clock counts),
 * `duration_ns` (when the source's clock frequency is known), `match` (the value both ends
 * carry, as text) and `source` (the input it came from).
 */
export class SpansTable {
  readonly #table: ChunkAppender;
  readonly #name: Uint16Array;
  readonly #cpu: Uint8Array;
  readonly #begin: Uint32Array;
  readonly #end: Uint32Array;
  readonly #match: DuckDBVector;
  readonly #source: Uint16Array;
  #n = 0;
  readonly #names = new Map<string, number>();
  readonly #sources: { name: string; frequency: number }[] = [];

  private constructor(table: ChunkAppender) {
    this.#table = table;
    this.#name = table.shorts(0);
    this.#cpu = table.bytes(1);
    this.#begin = table.halves(2);
    this.#end = table.halves(3);
    this.#match = table.vector(4);
    this.#source = table.shorts(5);
  }

  static async create(db: Database): Promise<SpansTable> {
    const columns = 'name USMALLINT, cpu UTINYINT, begin_ts UBIGINT, end_ts UBIGINT, "match" VARCHAR, source USMALLINT';
    return new SpansTable(await ChunkAppender.create(db, 'spans_raw', columns));
  }

  /** A view that pairs one input's records and appends its spans, from `source`. */
  pairing(source: string): View {
    let matcher: SpanMatcher | undefined;
    let sourceId = 0;
    return {
      start: ({ decoder, frequency }) => {
        sourceId = this.#sources.push({ name: source, frequency }) - 1;
        matcher = new SpanMatcher(decoder);
      },
      record: (r) => {
        if (matcher!.involves(r.id)) matcher!.push(r, (m) => this.#append(m, sourceId));
      },
      end: () => {},
    };
  }

  /**
   * Pairs the spans of Parquet exports: each file's records in time order, with the schema and
   * frequency its metadata carries (or `given`, when the user named a schema). Returns the files
   * whose spans could not be paired (no schema inside, and none given).
   */
  async pairParquet(db: Database, files: string, given: SchemaDecoder | undefined): Promise<string[]> {
    const kv = await db.rows(
      `SELECT file_name, decode(key) AS key, decode(value) AS value FROM parquet_kv_metadata(${files}) WHERE decode(key) IN (${sqlString(KV_SCHEMA)}, ${sqlString(KV_FREQUENCY)})`,
    );
    const meta = new Map<string, { schema?: string; frequency?: number }>();
    for (const [file, key, value] of kv as [string, string, string][]) {
      const m = meta.get(file) ?? {};
      if (key === KV_SCHEMA) m.schema = value;
      else m.frequency = parquetFrequency(db.nameOf(file), value);
      meta.set(file, m);
    }
    const decoders = new Map<string, SchemaDecoder>();
    const unpaired: string[] = [];
    for (const [file] of (await db.rows(`SELECT file_name FROM parquet_file_metadata(${files})`)) as [string][]) {
      const schema = meta.get(file)?.schema;
      if (given) continue;
      const loaded = schema === undefined ? undefined : loadSchemaText(schema, `${db.nameOf(file)}${TRACE_SCHEMA_SUFFIX}`);
      if (loaded?.model) decoders.set(file, new SchemaDecoder(loaded.model));
      else unpaired.push(db.nameOf(file));
    }
    // read apart from the connection the spans are appended on, which would cut this stream short
    const result = await db.streamApart(
      `SELECT filename, (ts >> 32)::UINTEGER, ts::UBIGINT & 4294967295, cpu, id, (data0 >> 32)::UINTEGER, data0 & 4294967295, (data1 >> 32)::UINTEGER, data1 & 4294967295
       FROM read_parquet(${files}, union_by_name = true, filename = true) ORDER BY filename, ts`,
    );
    let current: string | undefined;
    let pairing: View | undefined;
    for (let chunk = await result.next(); chunk; chunk = await result.next()) {
      for (const row of chunk.getRows()) {
        const file = row[0] as string;
        if (file !== current) {
          current = file;
          const decoder = given ?? decoders.get(file);
          pairing = decoder ? this.pairing(db.nameOf(file)) : undefined;
          pairing?.start({
            decoder: decoder!,
            frequency: meta.get(file)?.frequency ?? 0,
            clock: { unit: decoder!.model.clock.unit, wallClockZeroMs: 0 },
            inputName: db.nameOf(file),
          });
        }
        if (!pairing) continue;
        const r: DecodedRecord = {
          tsHi: Number(row[1]),
          tsLo: Number(row[2]),
          cpu: Number(row[3]),
          id: Number(row[4]),
          ring: Number(row[3]),
          d0hi: Number(row[5]),
          d0lo: Number(row[6]),
          d1hi: Number(row[7]),
          d1lo: Number(row[8]),
          args: 0,
        };
        pairing.record(r);
      }
    }
    return unpaired;
  }

  /** Appends the last spans and makes the `spans` view. */
  async close(db: Database): Promise<void> {
    if (this.#n) this.#table.append(this.#n);
    this.#n = 0;
    this.#table.close();
    const names = [...this.#names.keys()];
    const sources = this.#sources.map((s, i) => `(${i}, ${sqlString(s.name)}, ${s.frequency > 0 ? s.frequency : 'NULL'})`);
    await db.run(`CREATE TABLE span_sources (id USMALLINT, name VARCHAR, frequency DOUBLE)`);
    if (sources.length) await db.run(`INSERT INTO span_sources VALUES ${sources.join(', ')}`);
    await db.run(
      `CREATE VIEW spans AS SELECT ${names.length ? `[${names.map(sqlString).join(', ')}][s.name + 1]` : 'NULL::VARCHAR'} AS name, s.cpu, s.begin_ts, s.end_ts,
         CASE WHEN s.end_ts >= s.begin_ts THEN s.end_ts - s.begin_ts ELSE 0 END AS duration,
         CASE WHEN s.end_ts >= s.begin_ts THEN s.end_ts - s.begin_ts ELSE 0 END * 1e9 / src.frequency AS duration_ns,
         NULLIF(s."match", '') AS "match", src.name AS source
       FROM spans_raw s JOIN span_sources src ON src.id = s.source`,
    );
  }

  #append(m: MatchedSpan, source: number): void {
    const n = this.#n;
    let name = this.#names.get(m.span.names.snake);
    if (name === undefined) {
      name = this.#names.size;
      this.#names.set(m.span.names.snake, name);
    }
    this.#name[n] = name;
    this.#cpu[n] = m.end.cpu;
    this.#begin[2 * n] = m.begin.tsLo;
    this.#begin[2 * n + 1] = m.begin.tsHi;
    this.#end[2 * n] = m.end.tsLo;
    this.#end[2 * n + 1] = m.end.tsHi;
    // '' stands for no match value (a value as text is never empty); the view makes it NULL
    this.#match.setItem(n, m.match ?? '');
    this.#source[n] = source;
    if (++this.#n === CHUNK_ROWS) {
      this.#table.append(CHUNK_ROWS);
      this.#n = 0;
    }
  }
}

/** A Parquet file's frequency metadata, range-checked as a trace header's is. */
function parquetFrequency(file: string, value: string): number {
  const f = Number(value);
  if (f === 0 || (f >= MIN_FREQUENCY && f <= MAX_FREQUENCY)) return f;
  throw new DecodeError(
    `${file}: its ${KV_FREQUENCY} metadata is '${value}', not a clock frequency (0 for unknown, or ${MIN_FREQUENCY} to ${MAX_FREQUENCY} Hz)`,
  );
}

/** A list of Parquet paths or globs as a DuckDB list literal. */
export function parquetList(paths: readonly string[]): string {
  return `[${paths.map(sqlString).join(', ')}]`;
}
