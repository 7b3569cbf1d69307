import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DecodeError } from '../read/errors.js';
import { readTraceFile, type ReadHooks, type ReadRequest } from '../read/reader.js';
import { SchemaDecoder } from '../read/schema-decoder.js';
import { Database, GLOB_CHARS, type RowStream } from '../export/duckdb.js';
import { eventsSelect } from '../export/event-columns.js';
import { RawEvents } from '../export/raw-events.js';
import type { SchemaModel } from '../../schema/model/model.js';
import { parquetList, SpansTable } from './spans-table.js';

export interface QueryOptions {
  /** Trace files, captures, images, serial logs; Parquet files, folders of them, or globs. */
  readonly inputs: readonly string[];
  readonly sql: string;
  /** How each trace input is decoded (its schema, its format). */
  readonly request: ReadRequest;
  readonly frequency: number | undefined;
  /** Only this run of captures several runs appended to. */
  readonly run?: number | undefined;
  /** The schema given, used to pair the spans of Parquet inputs instead of the ones they carry. */
  readonly given: SchemaModel | undefined;
}

/**
 * True for inputs DuckDB reads itself: Parquet files (by name or magic), folders of them, globs.
 * A name that exists is that file, whatever characters it holds; globs only where none does.
 */
export function isParquetInput(path: string): boolean {
  let exists = true;
  try {
    statSync(path);
  } catch {
    exists = false;
  }
  if (!exists) return GLOB_CHARS.test(path) || path.endsWith('.parquet');
  if (path.endsWith('.parquet')) return true;
  try {
    if (statSync(path).isDirectory()) return true;
    const fd = openSync(path, 'r');
    const head = Buffer.alloc(4);
    try {
      readSync(fd, head, 0, 4, 0);
    } finally {
      closeSync(fd);
    }
    return head.toString('latin1') === 'PAR1';
  } catch {
    return false;
  }
}

/**
 * `tracegen query`: loads the trace inputs into DuckDB as they decode, puts them and the
 * Parquet inputs behind one view `events` (columns of event-columns.ts, unioned by name), pairs
 * spans when the SQL mentions `spans`, runs the SQL and hands its rows to `take` (which prints
 * them, or collects them for the API). Throws DecodeError (one line) for input that cannot be
 * decoded and for SQL that DuckDB refuses. `hooks` take the reader's notes on each trace input.
 *
 * @example
 * await runQuery({ inputs: ['a.trace'], sql: 'SELECT event, count(*) FROM events GROUP BY 1', ... }, hooks, (r) => writeResult(r, 'csv', print));
 */
export async function runQuery<T>(
  o: QueryOptions,
  hooks: ReadHooks,
  take: (result: RowStream) => Promise<T>,
): Promise<{ value: T; warnings: string[] }> {
  const db = await Database.open('query');
  const warnings: string[] = [];
  try {
    const wantSpans = /\bspans\b/i.test(o.sql);
    const spans = wantSpans ? await SpansTable.create(db) : undefined;
    const parts: string[] = [];
    const parquet = o.inputs
      .filter(isParquetInput)
      .map((p) => (isFolder(p) ? join(db.literalPath(p), '**', '*.parquet') : db.literalPath(p)));
    let index = 0;
    for (const path of o.inputs.filter((p) => !isParquetInput(p))) {
      const table = `raw_${index++}`;
      const raw = await RawEvents.create(db, table, spans?.pairing(path));
      const options = {
        order: 'time' as const,
        last: undefined,
        cpus: undefined,
        events: [],
        from: undefined,
        to: undefined,
        frequency: o.frequency,
        run: o.run,
      };
      const { error } = readTraceFile(path, o.request, options, raw, hooks);
      raw.close();
      await raw.saveStrings(db, table);
      if (error !== undefined) throw new DecodeError(error);
      if (raw.nameless) warnings.push(`${path}: left out ${raw.nameless} serial rows whose event names the schema lacks`);
      parts.push(eventsSelect(raw.decoder!.model, table));
    }
    if (parquet.length) {
      parts.push(`SELECT * FROM read_parquet(${parquetList(parquet)}, union_by_name = true)`);
      const unpaired = spans ? await spans.pairParquet(db, parquetList(parquet), o.given && new SchemaDecoder(o.given)) : [];
      for (const file of unpaired) warnings.push(`${file} carries no tracegen schema, so its spans are not in 'spans' (give --schema)`);
    }
    await spans?.close(db);
    await db.run(`CREATE VIEW events AS ${parts.join(' UNION ALL BY NAME ')}`);
    return { value: await take(await db.stream(o.sql)), warnings };
  } finally {
    db.close();
  }
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
