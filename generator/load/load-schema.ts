import { DiagnosticSink, sortDiagnostics, type Diagnostic } from '../diagnostics/diagnostic.js';
import { checkSemantics } from '../check/semantics.js';
import { checkStructure } from '../check/structure.js';
import { buildModel } from '../model/build-model.js';
import type { SchemaModel } from '../model/model.js';
import type { RawSchema } from '../model/raw-schema.js';
import { readSource } from './read-source.js';
import { parseYaml } from './yaml-document.js';

export interface LoadResult {
  /** The file name diagnostics carry. */
  readonly file: string;
  /** The text read, when the file could be read as text (for excerpts under diagnostics). */
  readonly text: string | undefined;
  /** Sorted by position. */
  readonly diagnostics: readonly Diagnostic[];
  /** Present when there are no errors (warnings allowed). */
  readonly model: SchemaModel | undefined;
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

/** Loads and checks schema text (a trace file's embedded schema, or a test's inline one). */
export function loadSchemaText(text: string, file: string): LoadResult {
  return checkText(text, file, new DiagnosticSink(file));
}

function checkText(text: string, file: string, sink: DiagnosticSink): LoadResult {
  const parsed = parseYaml(text, sink);
  if (parsed && checkStructure(parsed.value, parsed.source, sink)) {
    checkSemantics(parsed.value as RawSchema, parsed.source, sink);
  }
  const model = parsed && sink.errorCount === 0 ? buildModel(parsed.value as RawSchema, text, file) : undefined;
  return { file, text, diagnostics: sortDiagnostics(sink.list), model };
}
