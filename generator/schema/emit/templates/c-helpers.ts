import { visibleText } from '../visible-text.js';
import type { TemplateEvent, TemplateField } from './template-model.js';
import { C_NAMES } from '../../model/target-names.js';

/**
 * C rendering for the `c` target. Docs go in block comments, where no text can end the
 * comment (`*\/` is broken up), splice a line (a trailing backslash), form a trigraph (`??`),
 * or act as a preprocessor directive (directives are not recognised inside comments).
 */
export function cDoc(text: string, indent = ''): string {
  const clean = visibleText(text)
    .replace(/\r\n?|\u2028|\u2029/g, '\n')
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, ' ')
    .replace(/\*\//g, '* /')
    .replace(/\/\*/g, '/ *')
    .replace(/\?\?/g, '? ?')
    .replace(/\\$/gm, '\\ ')
    .trim();
  if (clean === '') return '';
  const lines = clean.split('\n');
  if (lines.length === 1) return `${indent}/** ${lines[0]} */\n`;
  return `${indent}/**\n${lines.map((l) => `${indent} *${l.trim() === '' ? '' : ' ' + l.trimEnd()}`).join('\n')}\n${indent} */\n`;
}

function intType(width: number, signed: boolean): string {
  const bits = width <= 8 ? 8 : width <= 16 ? 16 : width <= 32 ? 32 : 64;
  return `${signed ? 'int' : 'uint'}${bits}_t`;
}

export function cType(f: TemplateField, prefix: string): string {
  switch (f.kind) {
    case 'bool':
      return 'bool';
    case 'enum':
      return `enum ${prefix}_${f.ref!.name}`;
    case 'int':
      return intType(f.width, true);
    default:
      return intType(f.width, false);
  }
}

function placed(f: TemplateField): string {
  // signed values are sign-extended to 64 bits first, as the kernel stores an isize in a u64
  let v = f.signed ? `(uint64_t)(int64_t)${f.name}` : `(uint64_t)${f.name}`;
  if (!f.wholeWord) v = `(${v} & ${f.mask}ULL)`;
  if (f.lo > 0) v = `(${v} << ${f.lo})`;
  return v;
}

function word(fields: readonly TemplateField[]): string {
  return fields.length === 0 ? '0' : fields.map(placed).join(' | ');
}

/** One `static inline` helper per event, calling the includer's `<PREFIX>_TRACE_EMIT`. */
export function cTraceHelper(e: TemplateEvent, prefix: string): string {
  const upper = prefix.toUpperCase();
  const params = e.fields.length ? e.fields.map((f) => `${cType(f, prefix)} ${f.name}`).join(', ') : 'void';
  return [
    `static inline void ${prefix}_trace_${e.name}(${params}) {`,
    `    ${upper}_${C_NAMES.emit}(${upper}_${e.names.upper}, ${word(e.data0)}, ${word(e.data1)});`,
    '}',
  ].join('\n');
}

/** A C string literal. */
export function cString(text: string): string {
  return `"${text
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\?/g, '\\?')
    .replace(/[\u0000-\u001f\u007f]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`)}"`;
}
