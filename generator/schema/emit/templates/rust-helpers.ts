import { visibleText } from '../visible-text.js';
import type { TemplateEvent, TemplateField } from './template-model.js';

/**
 * Rust rendering for the `rust` target: doc comments, parameter types, and helper bodies laid
 * out the way rustfmt lays them out (max width 100), so `rustfmt --check` passes on the output.
 */

const MAX_WIDTH = 100;

/**
 * `///` doc lines. No text can leave them: every line break starts a new `///` (a bare CR is
 * not even allowed in Rust docs). Lines are trimmed and a leading list marker is escaped, so
 * clippy's doc lints (indentation, lazy list continuation, tabs) have nothing to say.
 */
export function rustDoc(text: string, indent = ''): string {
  const clean = visibleText(text)
    .replace(/\r\n?|\u2028|\u2029/g, '\n')
    .replace(/\t/g, '    ')
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, ' ')
    .trim();
  if (clean === '') return '';
  return (
    clean
      .split('\n')
      .map((l) => l.trim().replace(/^([-*+]|\d+[.)])(\s)/, '\\$1$2'))
      .map((l) => (l === '' ? `${indent}///` : `${indent}/// ${l}`))
      .join('\n') + '\n'
  );
}

/** The doc line of one field, a list item on one line: ``/// - `name`: doc (type, word bits)``. */
export function rustFieldDoc(f: TemplateField): string {
  const oneLine = (t: string) =>
    visibleText(t)
      .replace(/[\s\u0000-\u001f\u007f\u2028\u2029]+/g, ' ')
      .trim();
  const where = `${f.typeName}, ${f.wordName}${f.wholeWord ? '' : ` bits ${f.lo}-${f.hi}`}${f.unit ? `, in ${oneLine(f.unit)}` : ''}`;
  const doc = oneLine(f.doc);
  return `/// - \`${f.name}\`: ${doc ? doc + ' ' : ''}(${where})\n`;
}

/** The narrowest Rust integer that holds `width` bits. */
export function intType(width: number, signed: boolean): string {
  const bits = width <= 8 ? 8 : width <= 16 ? 16 : width <= 32 ? 32 : 64;
  return `${signed ? 'i' : 'u'}${bits}`;
}

export function rustType(f: TemplateField): string {
  return rustTypeOf(f.kind, f.width, f.ref?.names.pascal);
}

/** The Rust type of a field's helper parameter, by its kind, width and enum's name (what `diff` compares too). */
export function rustTypeOf(kind: string, width: number, enumName: string | undefined): string {
  switch (kind) {
    case 'bool':
      return 'bool';
    case 'enum':
      return enumName!;
    case 'int':
      return intType(width, true);
    default:
      return intType(width, false);
  }
}

/** The field's value widened to u64 (sign-extended for signed types), masked and shifted into place. */
function placed(f: TemplateField): string {
  const t = rustType(f);
  let v: string;
  let atom: boolean; // can take `&` or `<<` without parentheses
  if (f.kind === 'enum' || f.signed) [v, atom] = [`${f.name} as u64`, false];
  else if (t === 'u64') [v, atom] = [f.name, true];
  else [v, atom] = [`u64::from(${f.name})`, true];
  const typeBits = f.kind === 'bool' ? 1 : f.kind === 'enum' ? 64 : Number(t.slice(1));
  if (!f.wholeWord && (f.signed || f.kind === 'enum' || typeBits > f.range)) {
    [v, atom] = [`${atom ? v : `(${v})`} & ${f.mask}`, false];
  }
  if (f.lo > 0) v = `${atom ? v : `(${v})`} << ${f.lo}`;
  return v;
}

function wordLines(fields: readonly TemplateField[], name: string): { lines: string[]; expr: string } {
  if (fields.length === 0) return { lines: [], expr: '0' };
  if (fields.length === 1) return { lines: [`    let ${name} = ${placed(fields[0]!)};`], expr: name };
  return { lines: [`    let mut ${name} = 0;`, ...fields.map((f) => `    ${name} |= ${placed(f)};`)], expr: name };
}

/** One trace helper: `#[inline(always)]`, typed parameters, packing, and the call to the kernel's trace function. */
export function rustTraceHelper(e: TemplateEvent, visibility: string, traceFn: string): string {
  const vis = visibility ? `${visibility} ` : '';
  const params = e.fields.map((f) => `${f.name}: ${rustType(f)}`);
  const oneLine = `${vis}fn trace_${e.name}(${params.join(', ')}) {`;
  const signature = oneLine.length <= MAX_WIDTH ? oneLine : `${vis}fn trace_${e.name}(\n${params.map((p) => `    ${p},`).join('\n')}\n) {`;
  // the packed words' locals must not shadow a parameter (a field may be named `data0`)
  const taken = new Set(e.fields.map((f) => f.name));
  const local = (base: string) => {
    let name = base;
    while (taken.has(name)) name += '_';
    taken.add(name);
    return name;
  };
  const w0 = wordLines(e.data0, local('data0'));
  const w1 = wordLines(e.data1, local('data1'));
  const args = [`TraceEventType::${e.variant}`, w0.expr, w1.expr];
  const call = `    ${traceFn}(${args.join(', ')});`;
  const callLines = call.length <= MAX_WIDTH ? call : `    ${traceFn}(\n${args.map((a) => `        ${a},`).join('\n')}\n    );`;
  // one parameter per field is the point of a typed helper, however many fields an event has
  const allow = params.length > 7 ? ['#[allow(clippy::too_many_arguments)]'] : [];
  return [...allow, signature, ...w0.lines, ...w1.lines, callLines, '}'].join('\n');
}

/** A Rust string literal (names are identifiers, but nothing relies on that here). */
export function rustString(text: string): string {
  return `"${text
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) => `\\u{${c.charCodeAt(0).toString(16)}}`)}"`;
}
