/**
 * Errors as data: every problem the loader and checker find is a `Diagnostic`, collected in a
 * list rather than thrown, so one run reports all of them.
 */

/** Every code tracegen reports. Tests assert codes and positions, never the wording. */
export type DiagnosticCode =
  // reading the file
  | 'file-unreadable'
  | 'file-too-large'
  | 'not-text'
  | 'empty-schema'
  // YAML syntax
  | 'yaml-syntax'
  | 'yaml-tab'
  | 'duplicate-key'
  | 'alias-limit'
  | 'not-a-mapping'
  // structure (the JSON Schema)
  | 'unknown-key'
  | 'missing-key'
  | 'wrong-type'
  | 'bad-value'
  | 'bad-identifier'
  | 'out-of-range'
  | 'unsupported-version'
  // meaning
  | 'duplicate-id'
  | 'duplicate-name'
  | 'reserved-id'
  | 'duplicate-reserved'
  | 'case-collision'
  | 'reserved-word'
  | 'duplicate-field'
  | 'bad-bit-range'
  | 'bits-overlap'
  | 'type-too-wide'
  | 'unknown-type'
  | 'format-mismatch'
  | 'counter-not-a-number'
  | 'flow-not-an-id'
  | 'duplicate-enum-name'
  | 'enum-flags-clash'
  | 'type-name-clash'
  | 'ring-size-not-power-of-two'
  | 'image-too-large'
  | 'span-unknown-event'
  | 'span-unknown-field'
  | 'span-field-mismatch'
  | 'process-span-without-match'
  | 'duplicate-span'
  // a project's tracegen.config.yaml
  | 'missing-file'
  | 'duplicate-out'
  // warnings
  | 'missing-doc'
  | 'no-events';

export type Severity = 'error' | 'warning';

/** A 1-based position range in a source file. */
export interface Span {
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
}

export interface Diagnostic extends Span {
  readonly file: string;
  readonly severity: Severity;
  readonly code: DiagnosticCode;
  readonly message: string;
}

export const WHOLE_FILE: Span = { line: 1, column: 1, endLine: 1, endColumn: 1 };

/** Collects diagnostics for one file; checks call `error` and `warn` and keep going. */
export class DiagnosticSink {
  readonly list: Diagnostic[] = [];
  readonly file: string;
  constructor(file: string) {
    this.file = file;
  }

  error(code: DiagnosticCode, span: Span, message: string): void {
    this.list.push({ file: this.file, severity: 'error', code, message, ...pick(span) });
  }

  warn(code: DiagnosticCode, span: Span, message: string): void {
    this.list.push({ file: this.file, severity: 'warning', code, message, ...pick(span) });
  }

  get errorCount(): number {
    return this.list.filter((d) => d.severity === 'error').length;
  }
}

function pick(span: Span): Span {
  return { line: span.line, column: span.column, endLine: span.endLine, endColumn: span.endColumn };
}

/** Sorts by position so output reads top to bottom, whatever order checks ran in. */
export function sortDiagnostics(list: readonly Diagnostic[]): Diagnostic[] {
  return [...list].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.code.localeCompare(b.code));
}
