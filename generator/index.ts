/**
 * tracegen from code: the functions the CLI is built on, with its diagnostics as data.
 *
 * @example
 * import { loadSchema, validate, generate, decode, exportTrace, query } from 'tracegen';
 *
 * const checked = validate('schema/app.yaml', { strict: true });
 * for (const d of checked.diagnostics) console.log(`${d.file}:${d.line}:${d.column} ${d.code} ${d.message}`);
 * const { files } = await generate('schema/app.yaml', { out: 'src/trace', targets: ['ts', 'md'] });
 * const { records, lost } = decode('app.trace', { event: ['page_fault'] });
 * await exportTrace('app.trace', { format: 'parquet', output: 'app.parquet' });
 * const { rows } = await query(['app.parquet'], 'SELECT event, count(*) AS n FROM events GROUP BY event');
 */
import { DecodeOptionError } from './trace/read/errors.js';
import type { ReadNote } from './trace/read/notes.js';
import { readTraceFile, type ReadRequest } from './trace/read/reader.js';
import type { View } from './trace/read/view.js';
import { EXPORT_FORMATS, type ExportFormatName } from './trace/views.js';
import { u64Big } from './trace/read/record.js';
import { issuesOf, type FieldValue, type SchemaDecoder } from './trace/read/schema-decoder.js';
import type { InputFormat } from './trace/read/input-formats.js';
import type { Diagnostic } from './schema/diagnostics/diagnostic.js';
import type { Target } from './schema/emit/targets.js';
import { applyChanges } from './schema/emit/write-files.js';
import { planGenerate } from './schema/generate-code.js';
import { defaultOutDir } from './schema/emit/targets.js';
import { loadSchemaFile, loadSchemaText, type LoadResult } from './schema/load-schema.js';
import type { SchemaModel } from './schema/model/model.js';

export type { Diagnostic, DiagnosticCode, Severity, Span } from './schema/diagnostics/diagnostic.js';
export type { LoadResult } from './schema/load-schema.js';
export type { SchemaModel, EventModel, FieldModel, SpanModel } from './schema/model/model.js';
export type { Target } from './schema/emit/targets.js';
export type { FieldValue } from './trace/read/schema-decoder.js';
export type { ReadNote, NoteCode } from './trace/read/notes.js';
export { UnreadableFileError } from './schema/load/read-source.js';
export { TemplateError } from './schema/emit/templates/template-error.js';
export { DecodeError, DecodeOptionError } from './trace/read/errors.js';

/**
 * Reads, parses and checks a schema: a file path, or `{ text, file }` for a schema held in
 * memory. Never throws for a bad schema (its problems are `diagnostics`); a path that cannot be
 * read throws `UnreadableFileError`.
 *
 * @example
 * const { model, diagnostics } = loadSchema('schema/app.yaml');
 * const inline = loadSchema({ text: 'tracegen: 1\n...', file: 'inline.yaml' });
 */
export function loadSchema(source: string | { readonly text: string; readonly file: string }): LoadResult {
  return typeof source === 'string' ? loadSchemaFile(source) : loadSchemaText(source.text, source.file);
}

export interface ValidateResult {
  /** No errors (and with `strict`, no warnings). */
  readonly ok: boolean;
  /** Sorted by position; the objects `tracegen validate --format json` prints. */
  readonly diagnostics: readonly Diagnostic[];
  /** The checked schema, when it has no errors. */
  readonly model: SchemaModel | undefined;
}

/**
 * Validates a schema (a path, or one `loadSchema` returned), as `tracegen validate` does.
 *
 * @example
 * const { ok, diagnostics } = validate('schema/app.yaml', { strict: true });
 */
export function validate(schema: string | LoadResult, options: { readonly strict?: boolean } = {}): ValidateResult {
  const loaded = typeof schema === 'string' ? loadSchemaFile(schema) : schema;
  const failing = loaded.diagnostics.some((d) => d.severity === 'error' || (options.strict && d.severity === 'warning'));
  return { ok: !failing, diagnostics: loaded.diagnostics, model: loaded.model };
}

export interface GenerateApiOptions {
  /** The output folder (default `generated/<name>`, relative to the current folder). */
  readonly out?: string;
  /** Default `['ts']`. */
  readonly targets?: readonly Target[];
  /** A folder of `*.hbs` templates to render too (docs/templates.md). */
  readonly templates?: string;
  /** How generated TypeScript imports the runtime (default `@tracegen/runtime`). */
  readonly runtime?: string;
  readonly rust?: { readonly visibility?: string; readonly traceFn?: string };
  /** Compare only, as `generate --check`: nothing is written. */
  readonly check?: boolean;
}

export interface GenerateResult {
  /** Valid, and written (or, with `check`, already up to date). */
  readonly ok: boolean;
  readonly diagnostics: readonly Diagnostic[];
  /** Every file of the output folder the run concerns, with what happened (or, with `check`, would happen) to it. */
  readonly files: readonly { readonly path: string; readonly change: 'created' | 'updated' | 'unchanged' | 'removed' }[];
}

/**
 * Validates a schema, then writes its generated code all or nothing (unchanged files are left
 * alone, files it no longer generates are removed), as `tracegen generate` does. An invalid
 * schema writes nothing and comes back with `ok: false` and its diagnostics; a template that
 * does not render throws `TemplateError`; a folder that cannot be written throws Node's error.
 *
 * @example
 * const { ok, files } = await generate('schema/app.yaml', { out: 'src/trace', targets: ['ts'] });
 * const stale = (await generate('schema/app.yaml', { out: 'src/trace', check: true })).files.filter((f) => f.change !== 'unchanged');
 */
export async function generate(schema: string | LoadResult, options: GenerateApiOptions = {}): Promise<GenerateResult> {
  const loaded = typeof schema === 'string' ? loadSchemaFile(schema) : schema;
  if (!loaded.model) return { ok: false, diagnostics: loaded.diagnostics, files: [] };
  const out = options.out ?? defaultOutDir(loaded.model.name);
  const { changes } = await planGenerate(loaded.model, {
    out,
    inputs: [loaded.file],
    ...(options.targets ? { targets: options.targets } : {}),
    templates: options.templates,
    runtime: options.runtime,
    rustVisibility: options.rust?.visibility,
    rustTraceFn: options.rust?.traceFn,
  });
  if (!options.check) applyChanges(changes);
  const files = changes.map((c) => ({ path: c.path, change: c.kind }));
  return { ok: !options.check || files.every((f) => f.change === 'unchanged'), diagnostics: loaded.diagnostics, files };
}

/** One decoded event, its fields by name as `tracegen decode --format jsonl` prints them. */
export interface TraceEvent {
  readonly ts: bigint;
  readonly cpu: number;
  readonly id: number;
  /** The event's name, or `unknown` for an id the schema does not define. */
  readonly event: string;
  readonly fields: Readonly<Record<string, FieldValue>>;
  /** Values that do not fit their field, by field (absent when there are none). */
  readonly issues?: readonly { readonly field: string; readonly message: string }[];
}

export interface DecodeApiOptions {
  /** The schema (a path or a loaded model); trace files carry their own, images and serial logs need one. */
  readonly schema?: string | SchemaModel;
  /** Decode a trace file with `schema` even if it carries another. */
  readonly forceSchema?: boolean;
  /** Skip detection. */
  readonly inputFormat?: InputFormat;
  /** `time` (default: every ring merged by timestamp) or `ring` (the input's order). */
  readonly order?: 'time' | 'ring';
  readonly cpu?: readonly number[];
  readonly event?: readonly string[];
  /** Timestamps from here (raw counts, or a time like `1.5s` with a known frequency). */
  readonly from?: string;
  readonly to?: string;
  /** The most recent N events of each CPU. */
  readonly last?: number;
  /** The clock's frequency in Hz, when the schema does not give it. */
  readonly frequency?: number;
  /**
   * Only this run (1 = the first) of a capture several runs appended to. Without it, a file of
   * several runs throws `DecodeOptionError` at the second: runs are never mixed.
   */
  readonly run?: number;
}

export interface DecodeResult {
  readonly records: readonly TraceEvent[];
  /** Per ring, what it lost where the input tells: overwritten by newer records, dropped as torn. */
  readonly lost: readonly { readonly ring: number; readonly overwritten: number; readonly dropped: number }[];
  /**
   * What the input says beside its records (a schema mismatch, unknown ids, losses, disorder),
   * as data: a `code` to switch on, the figures, and the `message` `decode` prints.
   */
  readonly notes: readonly ReadNote[];
  /** Set when the input is damaged or cut off: `records` holds everything before the damage. */
  readonly error?: string;
}

/**
 * Decodes a trace file, capture, raw ring image or serial log (detected from its content) into
 * events, in memory: for captures too large for that, use `tracegen decode --format jsonl`.
 * A damaged input returns what came before the damage with `error` set; options that do not fit
 * the input throw `DecodeOptionError`; a path that cannot be read throws `UnreadableFileError`.
 *
 * @example
 * const { records } = decode('app.trace', { event: ['syscall_entry'], cpu: [0] });
 * for (const r of records) console.log(r.ts, r.event, r.fields);
 */
export function decode(path: string, options: DecodeApiOptions = {}): DecodeResult {
  const records: TraceEvent[] = [];
  let decoder: SchemaDecoder | undefined;
  const view: View = {
    start: (s) => {
      decoder = s.decoder;
    },
    record: (r) => {
      const fields = decoder!.fields(r);
      const issues = issuesOf(fields);
      records.push({
        ts: u64Big(r.tsHi, r.tsLo),
        cpu: r.cpu,
        id: r.id,
        event: decoder!.nameOf(r),
        fields: Object.fromEntries(fields.map((f) => [f.name, f.value])),
        ...(issues.length ? { issues } : {}),
      });
    },
    end: () => {},
  };
  return { records, ...readForApi(path, options, view) };
}

/** Reads `path` into `view` with the API's options: what it lost, its notes, its error. */
function readForApi(path: string, options: DecodeApiOptions, view: View): Omit<DecodeResult, 'records'> {
  const { lost, notes, error } = readTraceFile(
    path,
    requestForApi(path, options),
    {
      order: options.order ?? 'time',
      last: options.last,
      cpus: options.cpu ? new Set(options.cpu) : undefined,
      events: [...(options.event ?? [])],
      from: options.from,
      to: options.to,
      frequency: options.frequency,
      run: options.run,
    },
    view,
  );
  return {
    lost: [...lost].sort(([a], [b]) => a - b).map(([ring, l]) => ({ ring, ...l })),
    notes,
    ...(error === undefined ? {} : { error }),
  };
}

function requestForApi(path: string, options: Pick<DecodeApiOptions, 'schema' | 'forceSchema' | 'inputFormat'>): ReadRequest {
  return {
    given: typeof options.schema === 'string' ? schemaOrThrow(options.schema) : options.schema,
    schemaPath: typeof options.schema === 'string' ? options.schema : undefined,
    force: options.forceSchema ?? false,
    inputFormat: options.inputFormat,
    fallback: () => {
      throw new DecodeOptionError(`${path} carries no schema: give one as the schema option`);
    },
  };
}

export interface ExportApiOptions extends Omit<DecodeApiOptions, 'order' | 'last'> {
  /** `ctf` (a folder) or `parquet` (a file; needs the optional package `@duckdb/node-api`). */
  readonly format: ExportFormatName;
  /** The folder or file to write; written aside and renamed into place when complete. */
  readonly output: string;
}

export interface ExportResult extends Omit<DecodeResult, 'records'> {
  /** Events written. */
  readonly events: number;
}

/**
 * Writes a trace, capture, ring image or serial log as CTF 1.8 or Parquet, as `tracegen export`
 * does (docs/export.md). A damaged input is exported up to the damage, with `error` set; an
 * existing output folder that is not a previous CTF export, and options that do not fit the
 * input, throw `DecodeOptionError`; output that cannot be written throws (nothing is left).
 *
 * @example
 * await exportTrace('rings.bin', { schema: 'schema/veridian.yaml', format: 'ctf', output: 'rings.ctf' });
 * const { events } = await exportTrace('app.trace', { format: 'parquet', output: 'app.parquet' });
 */
export async function exportTrace(path: string, options: ExportApiOptions): Promise<ExportResult> {
  const { statOrUndefined } = await import('./fs/aside.js');
  // the output rule of every writer (docs/cli.md, "Outputs"): never the input itself
  const writer = await EXPORT_FORMATS[options.format].open(options.output, statOrUndefined(path, true));
  let result: Omit<DecodeResult, 'records'>;
  try {
    result = readForApi(path, options, writer.view);
  } catch (e) {
    writer.abandon();
    throw e;
  }
  await writer.finish();
  return { events: writer.count, ...result };
}

export interface QueryApiOptions extends Pick<DecodeApiOptions, 'schema' | 'forceSchema' | 'inputFormat' | 'frequency' | 'run'> {}

export interface QueryApiResult {
  readonly columns: readonly string[];
  /** Rows by column name: DuckDB's integers beyond 32 bits as bigints, dates and the like as DuckDB's text. */
  readonly rows: readonly Readonly<Record<string, null | boolean | number | string | bigint>>[];
  /** What the trace inputs say beside their records (as `decode`'s notes). */
  readonly notes: readonly ReadNote[];
  /** Parquet files whose spans could not be paired, serial rows left out: one line each. */
  readonly warnings: readonly string[];
}

/**
 * Runs SQL with DuckDB over traces and Parquet exports, as `tracegen query` does: a view
 * `events` of every input and `spans` paired as `stats` pairs them (docs/cli.md, "query").
 * Needs the optional package `@duckdb/node-api`. SQL that DuckDB refuses and inputs that cannot
 * be decoded throw `DecodeError` with a one-line message.
 *
 * @example
 * const { rows } = await query(['app.trace'], 'SELECT name, quantile_disc(duration, 0.99) AS p99 FROM spans GROUP BY name');
 */
export async function query(inputs: readonly string[], sql: string, options: QueryApiOptions = {}): Promise<QueryApiResult> {
  const { runQuery } = await import('./trace/query/run-query.js');
  const { jsValue } = await import('./trace/query/result-format.js');
  const notes: ReadNote[] = [];
  const request = requestForApi(inputs[0] ?? '', options);
  const { value, warnings } = await runQuery(
    { inputs, sql, request, frequency: options.frequency, run: options.run, given: request.given },
    { note: (n) => notes.push(n) },
    async (result) => {
      const rows: Record<string, null | boolean | number | string | bigint>[] = [];
      for (let c = await result.next(); c; c = await result.next())
        for (const row of c.getRows()) rows.push(Object.fromEntries(result.names.map((n, i) => [n, jsValue(row[i]!)])));
      return { columns: result.names, rows };
    },
  );
  return { ...value, notes, warnings };
}

function schemaOrThrow(path: string): SchemaModel {
  const loaded = loadSchemaFile(path);
  if (!loaded.model) {
    const first = loaded.diagnostics.find((d) => d.severity === 'error');
    throw new DecodeOptionError(`${path} is not a valid schema${first ? ` (${first.line}:${first.column}: ${first.message})` : ''}`);
  }
  return loaded.model;
}
