import type { DuckDBAppender } from '@duckdb/node-api';
import type { RecordConsumer } from '../decode/decode-run.js';
import { u64Big, type DecodedRecord } from '../decode/record.js';
import { SchemaDecoder } from '../decode/schema-decoder.js';
import { SpanMatcher, type MatchedSpan } from '../decode/span-matcher.js';
import type { Database } from '../export/duckdb.js';
import { KV_FREQUENCY, KV_SCHEMA } from '../export/parquet-export.js';
import { sqlString } from '../export/event-columns.js';
import { loadSchemaText } from '../load-schema.js';

/** The columns of the `spans` table of `query`. */
export const SPAN_COLUMNS =
  'name VARCHAR, cpu UTINYINT, begin_ts UBIGINT, end_ts UBIGINT, duration UBIGINT, duration_ns DOUBLE, "match" VARCHAR, source VARCHAR';

/**
 * The `spans` table of `tracegen query`: every begin and end the schema's spans pair, by the
 * one rule of decode/span-matcher.ts (what `stats` and the report use). `duration` is in clock
 * counts; `duration_ns` when the clock's frequency is known.
 */
export class SpansTable {
  readonly #appender: DuckDBAppender;
  count = 0;

  private constructor(appender: DuckDBAppender) {
    this.#appender = appender;
  }

  static async create(db: Database): Promise<SpansTable> {
    await db.run(`CREATE TABLE spans (${SPAN_COLUMNS})`);
    return new SpansTable(await db.connection.createAppender('spans'));
  }

  /** A consumer that pairs one input's records and appends its spans, from `source`. */
  pairing(source: string): RecordConsumer {
    let matcher: SpanMatcher | undefined;
    let frequency = 0;
    return {
      start: (d, f) => {
        frequency = f;
        matcher = new SpanMatcher(d);
      },
      record: (r) => {
        if (matcher!.involves(r.id)) matcher!.push(r, (m) => this.#append(m, matcher!.matchValue(m.span, m.begin), frequency, source));
      },
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
      else m.frequency = Number(value);
      meta.set(file, m);
    }
    const decoders = new Map<string, SchemaDecoder>();
    const unpaired: string[] = [];
    for (const [file] of (await db.rows(`SELECT file_name FROM parquet_file_metadata(${files})`)) as [string][]) {
      const schema = meta.get(file)?.schema;
      if (given) continue;
      const loaded = schema === undefined ? undefined : loadSchemaText(schema, `${file} (its schema)`);
      if (loaded?.model) decoders.set(file, new SchemaDecoder(loaded.model));
      else unpaired.push(file);
    }
    const result = await db.stream(
      `SELECT filename, (ts >> 32)::UINTEGER, ts::UBIGINT & 4294967295, cpu, id, (data0 >> 32)::UINTEGER, data0 & 4294967295, (data1 >> 32)::UINTEGER, data1 & 4294967295
       FROM read_parquet(${files}, union_by_name = true, filename = true) ORDER BY filename, ts`,
    );
    let current: string | undefined;
    let pairing: RecordConsumer | undefined;
    for (let chunk = await result.next(); chunk; chunk = await result.next()) {
      for (const row of chunk.getRows()) {
        const file = row[0] as string;
        if (file !== current) {
          current = file;
          const decoder = given ?? decoders.get(file);
          pairing = decoder ? this.pairing(file) : undefined;
          pairing?.start(decoder!, meta.get(file)?.frequency ?? 0);
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

  close(): void {
    this.#appender.closeSync();
  }

  #append(m: MatchedSpan, match: string | undefined, frequency: number, source: string): void {
    const a = this.#appender;
    const begin = u64Big(m.begin.tsHi, m.begin.tsLo);
    const end = u64Big(m.end.tsHi, m.end.tsLo);
    const duration = end >= begin ? end - begin : 0n;
    a.appendVarchar(m.span.names.snake);
    a.appendUTinyInt(m.end.cpu);
    a.appendUBigInt(begin);
    a.appendUBigInt(end);
    a.appendUBigInt(duration);
    if (frequency > 0) a.appendDouble((Number(duration) * 1e9) / frequency);
    else a.appendNull();
    if (match === undefined) a.appendNull();
    else a.appendVarchar(match);
    a.appendVarchar(source);
    a.endRow();
    this.count++;
  }
}

/** A list of Parquet paths or globs as a DuckDB list literal. */
export function parquetList(paths: readonly string[]): string {
  return `[${paths.map(sqlString).join(', ')}]`;
}
