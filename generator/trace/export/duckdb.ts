import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { DuckDBConnection, DuckDBDataChunk, DuckDBInstance, DuckDBValue } from '@duckdb/node-api';
import { DecodeError } from '../read/errors.js';
import { isRunning } from '../../fs/aside.js';

type DuckDBModule = typeof import('@duckdb/node-api');

/** A query's rows as they come out of DuckDB: the column names, and the next chunk (null at the end). */
export interface RowStream {
  readonly names: string[];
  next(): Promise<DuckDBDataChunk | null>;
}

/** Raised when the optional DuckDB package is not installed: the CLI prints it as one line. */
export class DuckDBMissingError extends DecodeError {}

/**
 * DuckDB, loaded on first use: an optional dependency that only `query` and the Parquet export
 * need, so every other command starts without it and installs without its 70 MB binary.
 */
export async function loadDuckDB(what: string): Promise<DuckDBModule> {
  try {
    return await import('@duckdb/node-api');
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND')
      throw new DuckDBMissingError(`${what} needs DuckDB: npm install @duckdb/node-api (an optional dependency of tracegen)`);
    throw new DecodeError(`${what}: DuckDB could not be loaded (${(e as Error).message.split('\n')[0]})`);
  }
}

/** A scratch database whose memory is bounded: past the limit DuckDB spills to a private temp folder. */
export class Database {
  readonly #instance: DuckDBInstance;
  readonly connection: DuckDBConnection;
  readonly #temp: string;
  readonly #links = new Map<string, string>();
  #apart: DuckDBConnection | undefined;

  private constructor(instance: DuckDBInstance, connection: DuckDBConnection, temp: string) {
    this.#instance = instance;
    this.connection = connection;
    this.#temp = temp;
  }

  static async open(what: string): Promise<Database> {
    const duckdb = await loadDuckDB(what);
    removeStaleScratch();
    const temp = mkdtempSync(join(tmpdir(), SCRATCH_PREFIX));
    writeFileSync(join(temp, 'pid'), String(process.pid));
    // a database file in a private folder: its tables live on disk, so memory stays under the
    // limit however large the trace
    const instance = await duckdb.DuckDBInstance.create(join(temp, 'events.duckdb'), {
      memory_limit: '128MB',
      temp_directory: temp,
      // rows of a query without ORDER BY come in any order: the Parquet export writes on every core
      preserve_insertion_order: 'false',
    });
    return new Database(instance, await instance.connect(), temp);
  }

  /** Runs SQL; DuckDB's error becomes one line. */
  run(sql: string) {
    return inOneLine(() => this.connection.run(sql));
  }

  /** All rows of a small query; DuckDB's error becomes one line. */
  async rows(sql: string): Promise<DuckDBValue[][]> {
    return (await inOneLine(() => this.connection.runAndReadAll(sql))).getRows();
  }

  /**
   * Runs a query whose rows are read chunk by chunk: its column names, and `next()` for the next
   * chunk (null at the end). DuckDB's errors, at the start or midway, become one line.
   */
  async stream(sql: string): Promise<RowStream> {
    return this.#streamOn(this.connection, sql);
  }

  /**
   * `stream`, on a connection of its own: for rows read while `connection` appends what they
   * give. A connection that runs anything (an appender's flush) while a stream of its own is
   * pending cuts that stream short, silently: 2M rows read as 1.3M.
   */
  async streamApart(sql: string): Promise<RowStream> {
    this.#apart ??= await this.#instance.connect();
    return this.#streamOn(this.#apart, sql);
  }

  async #streamOn(connection: DuckDBConnection, sql: string): Promise<RowStream> {
    const result = await inOneLine(() => connection.stream(sql));
    const next = async () => {
      const chunk = await inOneLine(() => result.fetchChunk());
      return chunk && chunk.rowCount > 0 ? chunk : null;
    };
    return { names: result.columnNames(), next };
  }

  /**
   * A path DuckDB reads as exactly that file or folder. DuckDB takes `*`, `?`, `[` and `{` in a
   * path as a glob (`a[1].parquet` would read `a1.parquet`), with no way to escape them: an
   * existing one whose path holds one is read through a link of a plain name in the scratch folder. Other
   * paths (globs included) go as given. `nameOf` turns DuckDB's file names back into the user's.
   */
  literalPath(path: string): string {
    if (!GLOB_CHARS.test(path) || !exists(path)) return path;
    const link = join(this.#temp, `input-${this.#links.size}${path.endsWith('.parquet') ? '.parquet' : ''}`);
    symlinkSync(resolve(path), link);
    this.#links.set(link, path);
    return link;
  }

  /** The name the user gave for a file DuckDB names (see `literalPath`). */
  nameOf(file: string): string {
    for (const [link, path] of this.#links) if (file === link || file.startsWith(`${link}/`)) return path + file.slice(link.length);
    return file;
  }

  close(): void {
    this.#apart?.closeSync();
    this.connection.closeSync();
    this.#instance.closeSync();
    rmSync(this.#temp, { recursive: true, force: true });
  }
}

const SCRATCH_PREFIX = 'tracegen-duckdb-';

/** What DuckDB's file readers take as glob syntax. */
export const GLOB_CHARS = /[*?[{]/;

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Removes scratch folders of runs that were interrupted (their process is gone): they can hold gigabytes. */
function removeStaleScratch(): void {
  let entries: string[];
  try {
    entries = readdirSync(tmpdir()).filter((e) => e.startsWith(SCRATCH_PREFIX));
  } catch {
    return;
  }
  for (const entry of entries) {
    const folder = join(tmpdir(), entry);
    let pid: number;
    try {
      pid = Number(readFileSync(join(folder, 'pid'), 'latin1'));
    } catch {
      continue; // not ours, or being made right now
    }
    if (pid && !isRunning(pid)) rmSync(folder, { recursive: true, force: true });
  }
}

/** Runs DuckDB work; what DuckDB refuses becomes a DecodeError of one line. */
async function inOneLine<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    throw new DecodeError(oneLine((e as Error).message));
  }
}

/** DuckDB's messages span lines (a caret under the SQL): the first line says it. */
export function oneLine(message: string): string {
  return message
    .split('\n')[0]!
    .replace(/^Failed to extract statements: /, '')
    .trim();
}
