import { TemplateError } from './template-error.js';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import Handlebars from 'handlebars';
import { packageRoot } from '../../../package-root.js';
import type { SchemaModel } from '../../model/model.js';
import { preamble, type GeneratedFile } from '../generated-file.js';
import type { EmitOptions } from '../emit-options.js';
import { cDoc, cString, cTraceHelper, cType } from './c-helpers.js';
import { mdCell, mdText } from './md-helpers.js';
import { gdbCommand, pyComment, pyField, pyLabels, pyString } from './python-helpers.js';
import { intType, rustDoc, rustFieldDoc, rustString, rustTraceHelper, rustType } from './rust-helpers.js';
import { templateContext, type TemplateContext, type TemplateField } from './template-model.js';

/** Built-in templates, by target: `<file>.hbs` renders `<file>`. */
const BUILTIN = {
  rust: ['trace_events.rs.hbs'],
  c: ['trace_events.h.hbs'],
  md: ['EVENTS.md.hbs'],
  python: ['trace_events.py.hbs'],
  gdb: ['trace_events_gdb.py.hbs'],
} as const;

/** The targets written from built-in templates. */
export type TemplateTarget = keyof typeof BUILTIN;

const BUILTIN_DIR = () => join(packageRoot(), 'generator', 'schema', 'emit', 'templates');

/**
 * A handlebars instance with tracegen's helpers. Templates compile with `noEscape` (this is
 * code, not HTML) and `strict` (a misspelt name is an error, not an empty string); escaping is
 * done per language by the helpers.
 */
function engine(ctx: TemplateContext, schemaPath: string, regenerate: string): typeof Handlebars {
  const hb = Handlebars.create();
  const prefix = ctx.schema.name;
  const helpers: Record<string, (...args: never[]) => unknown> = {
    preamble: (linePrefix: string) => preamble(schemaPath, regenerate, typeof linePrefix === 'string' ? linePrefix : '//').trimEnd(),
    or: (...args: unknown[]) => args.slice(0, -1).find((a) => a !== '' && a !== undefined && a !== null) ?? '',
    eq: (a: unknown, b: unknown) => a === b,
    concat: (...args: unknown[]) => args.slice(0, -1).map(String).join(''),
    paragraphs: (...args: unknown[]) =>
      args
        .slice(0, -1)
        .map(String)
        .filter((s) => s !== '')
        .join('\n\n'),
    upper: (s: string) => String(s).toUpperCase(),
    hex: (n: number) => '0x' + Number(n).toString(16),
    rustFieldDoc: (f: TemplateField) => rustFieldDoc(f),
    vis: () => (ctx.options.rustVisibility ? `${ctx.options.rustVisibility} ` : ''),
    rustDoc: (text: string, indent: unknown) => rustDoc(String(text ?? ''), typeof indent === 'string' ? indent : ''),
    rustType: (f: TemplateField) => rustType(f),
    rustUint: (width: number) => intType(Number(width), false),
    rustString: (s: string) => rustString(String(s)),
    rustTraceHelper: (e: TemplateContext['events'][number]) => rustTraceHelper(e, ctx.options.rustVisibility, ctx.options.rustTraceFn),
    cDoc: (text: string, indent: unknown) => cDoc(String(text ?? ''), typeof indent === 'string' ? indent : ''),
    cType: (f: TemplateField) => cType(f, prefix),
    cString: (s: string) => cString(String(s)),
    cFlagDefines: (f: TemplateContext['flags'][number]) =>
      f.bits.map((b) => `#define ${prefix.toUpperCase()}_${f.names.upper}_${b.names.upper} ${b.value}ULL`).join('\n'),
    cTraceHelper: (e: TemplateContext['events'][number]) => cTraceHelper(e, prefix),
    mdCell: (s: unknown) => mdCell(String(s ?? '')),
    mdText: (s: unknown) => mdText(String(s ?? '')),
    pyString: (s: unknown) => pyString(String(s ?? '')),
    pyComment: (text: unknown, indent: unknown) => pyComment(String(text ?? ''), typeof indent === 'string' ? indent : ''),
    pyField: (f: TemplateField) => pyField(f),
    pyLabels: () => pyLabels(ctx),
    gdbCommand: (name: unknown) => gdbCommand(String(name)),
  };
  for (const [name, fn] of Object.entries(helpers)) hb.registerHelper(name, fn as Handlebars.HelperDelegate);
  return hb;
}

function render(dir: string, file: string, ctx: TemplateContext, schemaPath: string, regenerate: string): GeneratedFile {
  const source = readFileSync(join(dir, file), 'utf8');
  const template = engine(ctx, schemaPath, regenerate).compile(source, { noEscape: true, strict: true });
  // at most the blank lines the language's style puts between definitions: two in Python (PEP 8)
  const python = file.endsWith('.py.hbs');
  const text = template(ctx)
    .replace(/[ \t]+$/gm, '')
    .replace(python ? /\n{4,}/g : /\n{3,}/g, python ? '\n\n\n' : '\n\n');
  return { path: file.replace(/\.hbs$/, ''), content: text.endsWith('\n') ? text : text + '\n' };
}

/** Emits a built-in non-TypeScript target (Rust, C or Markdown). */
export function emitBuiltinTemplates(target: TemplateTarget, model: SchemaModel, options: EmitOptions): GeneratedFile[] {
  const ctx = templateContext(model, options);
  return BUILTIN[target].map((file) => render(join(BUILTIN_DIR(), target), file, ctx, model.sourcePath, options.regenerate));
}

/** Emits every `*.hbs` template in a user's folder, with the same context and helpers. */
export function emitUserTemplates(dir: string, model: SchemaModel, options: EmitOptions): GeneratedFile[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new TemplateError(`--templates ${dir}: not a folder`);
  const ctx = templateContext(model, options);
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.hbs'))
    .sort();
  if (files.length === 0) throw new TemplateError(`--templates ${dir}: no *.hbs templates in it`);
  return files.map((f) => {
    try {
      return render(dir, f, ctx, model.sourcePath, options.regenerate);
    } catch (e) {
      throw new TemplateError(templateErrorText(join(dir, basename(f)), e));
    }
  });
}

/**
 * A template failure as `FILE:LINE:COL: message`. Handlebars's strict mode reports a missing name
 * as `"nope" not defined in [object Object] - 3:2`: say which name, and where, in words.
 */
function templateErrorText(file: string, e: unknown): string {
  const text = e instanceof Error ? e.message.split('\n')[0]! : String(e);
  const missing = /^"([^"]*)" not defined in .* - (\d+):(\d+)$/.exec(text);
  if (missing)
    return `${file}:${missing[2]}:${Number(missing[3]) + 1}: '${missing[1]}' is not defined: no helper or field of that name here`;
  const where = e as { lineNumber?: number; column?: number };
  return where.lineNumber ? `${file}:${where.lineNumber}:${(where.column ?? 0) + 1}: ${text}` : `${file}: ${text}`;
}

export { TemplateError };
