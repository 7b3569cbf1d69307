import { visibleText } from '../visible-text.js';
import type { TemplateContext, TemplateField } from './template-model.js';

/**
 * Python rendering for the `python` and `gdb` targets. Strings are JSON string literals, which
 * Python reads as the same text (its escapes are a superset of JSON's); docs become `#` comments,
 * where no text can end anything.
 */
export function pyString(text: string): string {
  return JSON.stringify(text);
}

/** A doc as `#` comment lines at `indent`, or nothing for an empty doc. */
export function pyComment(text: string, indent = ''): string {
  const clean = visibleText(text)
    .replace(/\r\n?|\u2028|\u2029/g, '\n')
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, ' ')
    .trim();
  if (clean === '') return '';
  return `${clean
    .split('\n')
    .map((l) => `${indent}#${l.trim() === '' ? '' : ' ' + l.trimEnd()}`)
    .join('\n')}\n`;
}

/** What a label table of an enum or flags set is called in the module. */
function labelsName(f: TemplateField): string {
  return `_${f.kind === 'enum' ? 'ENUM' : 'FLAGS'}_${f.ref!.names.upper}`;
}

/**
 * One field as the module's decoder reads it: `(name, word, lo, range, kind, width, format,
 * unit, labels, type name for issues)`; the decoder is one function over these tuples, the same
 * reading as the runtime's codec.
 */
export function pyField(f: TemplateField): string {
  const labels = f.kind === 'enum' || f.kind === 'flags' ? labelsName(f) : 'None';
  const issueName = f.kind === 'enum' ? pyString(f.ref!.name) : 'None';
  const unit = f.unit === '' ? 'None' : pyString(f.unit);
  return `(${pyString(f.name)}, ${f.word}, ${f.lo}, ${f.range}, ${pyString(f.kind)}, ${f.width}, ${pyString(f.format)}, ${unit}, ${labels}, ${issueName})`;
}

/** The label tables: `{value: name}` per enum, `((bit, name), ...)` per flags set. */
export function pyLabels(ctx: TemplateContext): string {
  const enums = ctx.enums.map((e) => `_ENUM_${e.names.upper} = {${e.values.map((v) => `${v.value}: ${pyString(v.name)}`).join(', ')}}`);
  const flags = ctx.flags.map(
    (f) =>
      `_FLAGS_${f.names.upper} = (${f.bits.map((b) => `(${b.bit}, ${pyString(b.name)})`).join(', ')}${f.bits.length === 1 ? ',' : ''})`,
  );
  return [...enums, ...flags].join('\n');
}

/** The gdb command of a schema: `veridian-trace` for `veridian`, `my-os-trace` for `my_os`. */
export function gdbCommand(schemaName: string): string {
  return `${schemaName.replace(/_/g, '-')}-trace`;
}
