import { DiagnosticSink, sortDiagnostics, WHOLE_FILE, type Diagnostic } from './diagnostics/diagnostic.js';
import { checkSemantics } from './check/semantics.js';
import { checkStructure } from './check/structure.js';
import { buildModel } from './model/build-model.js';
import type { SchemaModel } from './model/model.js';
import type { RawSchema } from './model/raw-schema.js';
import { decodeText, MAX_SCHEMA_BYTES, readSource } from './load/read-source.js';
import { parseYaml, type YamlSource } from './load/yaml-document.js';

export interface LoadResult {
  /** The file name diagnostics carry. */
  readonly file: string;
  /** The text read, when the file could be read as text (for excerpts under diagnostics). */
  readonly text: string | undefined;
  /** Sorted by position. */
  readonly diagnostics: readonly Diagnostic[];
  /** Present when there are no errors (warnings allowed). */
  readonly model: SchemaModel | undefined;
  /** The parsed document, for positions of its nodes (present when the text parsed). */
  readonly source?: YamlSource;
}

/**
 * Loads and checks a schema file: read, parse, structure (JSON Schema), meaning. Every problem
 * comes back as a diagnostic; only a path that cannot be read throws (`UnreadableFileError`).
 *
 * @example
 * const { model, diagnostics } = loadSchemaFile('schema/veridian.yaml');
 * if (!model) console.error(diagnostics);
 */
export function loadSchemaFile(path: string): LoadResult {
  const sink = new DiagnosticSink(path);
  const text = readSource(path, sink);
  if (text === undefined) return { file: path, text, diagnostics: sink.list, model: undefined };
  return checkText(text, path, sink);
}

/** Loads and checks schema bytes from elsewhere than a file (git, a trace file's header). */
export function loadSchemaBytes(bytes: Uint8Array, file: string): LoadResult {
  const refused = refuseLarge(bytes.length, file);
  if (refused) return refused;
  const sink = new DiagnosticSink(file);
  const text = decodeText(bytes, sink);
  if (text === undefined) return { file, text, diagnostics: sink.list, model: undefined };
  return checkText(text, file, sink);
}

/** Loads and checks schema text (a trace file's embedded schema, or a test's inline one). */
export function loadSchemaText(text: string, file: string): LoadResult {
  return refuseLarge(Buffer.byteLength(text), file) ?? checkText(text, file, new DiagnosticSink(file));
}

/**
 * The file reader's limit, for schemas from elsewhere (a trace file's header, git): the refusal,
 * or undefined. Takes the size alone, so that a size nobody should allocate is refused unread.
 */
export function refuseLarge(bytes: number, file: string): LoadResult | undefined {
  if (bytes <= MAX_SCHEMA_BYTES) return undefined;
  const sink = new DiagnosticSink(file);
  sink.error('file-too-large', WHOLE_FILE, `schema is ${bytes} bytes; a schema may be at most ${MAX_SCHEMA_BYTES} bytes`);
  return { file, text: undefined, diagnostics: sink.list, model: undefined };
}

function checkText(text: string, file: string, sink: DiagnosticSink): LoadResult {
  const parsed = parseYaml(text, sink);
  if (parsed && checkStructure(parsed.value, parsed.source, sink)) {
    checkSemantics(parsed.value as RawSchema, parsed.source, sink);
  }
  const model = parsed && sink.errorCount === 0 ? buildModel(parsed.value as RawSchema, text, file) : undefined;
  return { file, text, diagnostics: sortDiagnostics(sink.list), model, ...(parsed ? { source: parsed.source } : {}) };
}
