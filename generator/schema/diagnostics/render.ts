import type { Severity, Span } from './diagnostic.js';

export type DiagnosticFormat = 'text' | 'json' | 'github';

/** What the renderer prints: a validator's diagnostic, or a diff's finding (which has a category). */
export interface Reportable extends Span {
  readonly file: string;
  readonly severity: Severity;
  readonly code: string;
  readonly message: string;
  readonly category?: string;
}

/**
 * Renders diagnostics as text (`FILE:LINE:COL: error[CODE]: message`, the source line and a
 * caret), JSON (an array, for tools) or GitHub Actions annotations.
 *
 * @example
 * renderDiagnostics(list, 'text', (file) => sources.get(file));
 */
export function renderDiagnostics(
  list: readonly Reportable[],
  format: DiagnosticFormat,
  sourceOf: (file: string) => string | undefined,
): string {
  switch (format) {
    case 'json':
      return JSON.stringify(list.map(toJson), null, 2) + '\n';
    case 'github':
      return list.map(toGithub).join('');
    case 'text':
      return list.map((d) => toText(d, sourceOf(d.file))).join('');
  }
}

function toJson(d: Reportable) {
  return {
    file: d.file,
    line: d.line,
    column: d.column,
    endLine: d.endLine,
    endColumn: d.endColumn,
    severity: d.severity,
    code: d.code,
    ...(d.category === undefined ? {} : { category: d.category }),
    message: d.message,
  };
}

// GitHub's workflow-command syntax: properties escape `%`, CR, LF, `:` and `,`; the message escapes `%`, CR, LF.
function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function toGithub(d: Reportable): string {
  const kind = d.severity === 'error' ? 'error' : 'warning';
  const props = `file=${escapeProperty(d.file)},line=${d.line},col=${d.column},endLine=${d.endLine},endColumn=${d.endColumn},title=${escapeProperty(d.code)}`;
  return `::${kind} ${props}::${escapeData(`[${d.code}] ${d.message}`)}\n`;
}

function toText(d: Reportable, source: string | undefined): string {
  let out = `${d.file}:${d.line}:${d.column}: ${d.severity}[${d.code}]: ${d.message}\n`;
  const lineText = source === undefined ? undefined : sourceLine(source, d.line);
  if (lineText !== undefined && lineText.trim() !== '') {
    const gutter = String(d.line).length;
    const width = d.endLine === d.line ? Math.max(1, d.endColumn - d.column) : Math.max(1, lineText.length - d.column + 1);
    out += `${' '.repeat(gutter)} |\n`;
    out += `${d.line} | ${lineText}\n`;
    out += `${' '.repeat(gutter)} | ${caretPad(lineText, d.column)}${'^'.repeat(Math.min(width, 200))}\n`;
  }
  return out;
}

function sourceLine(source: string, line: number): string | undefined {
  let start = 0;
  for (let i = 1; i < line; i++) {
    const next = source.indexOf('\n', start);
    if (next < 0) return undefined;
    start = next + 1;
  }
  const end = source.indexOf('\n', start);
  const text = source.slice(start, end < 0 ? undefined : end).replace(/\r$/, '');
  // Long or control-laden lines would flood a terminal; the position is in the header anyway.
  return text.length > 300 || /[\u0000-\u0008\u000e-\u001f]/.test(text) ? undefined : text;
}

// Keeps tabs as tabs so the caret lines up under the same column in a terminal.
function caretPad(line: string, column: number): string {
  return line.slice(0, column - 1).replace(/[^\t]/g, ' ');
}
