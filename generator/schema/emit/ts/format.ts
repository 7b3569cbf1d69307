import type { EventModel, FieldModel } from '../../model/model.js';
import { tsString } from './escape.js';
import { labelTableName } from './types.js';

/** The expression `formatRecord` uses to show one field of record `r`. */
export function formatExpression(f: FieldModel): string {
  const v = `r.${f.names.camel}`;
  // a unit stands apart from the value: `bytes_total=81920 bytes`
  const unit = f.unit ? ` + ${tsString(` ${f.unit}`)}` : '';
  switch (f.type.kind) {
    case 'bool':
      return `String(${v})`;
    case 'enum':
      return `$enumText(${v}, ${labelTableName(f.type.ref)}${f.range > f.type.width ? `, ${f.type.width}` : ''})`;
    case 'flags':
      return `$flagsText(${v}, ${labelTableName(f.type.ref)})`;
    case 'string':
      return `JSON.stringify(${v})`;
    default:
      if (f.format === 'hex') return `$hexOf(${v}, ${f.type.width})${unit}`;
      if (f.format === 'signed' && f.type.kind === 'uint') return `$signedText(${v}, ${f.type.width})${unit}`;
      return `String(${v})${unit}`;
  }
}

/** `event field=value ...` for one event: the operands of a template-free concatenation. */
export function formatCase(event: EventModel): string[] {
  // literal text between values is merged into one string literal
  const parts: string[] = [];
  let text = event.names.snake;
  for (const f of event.fields) {
    text += ` ${f.names.snake}=`;
    parts.push(tsString(text), formatExpression(f));
    text = '';
  }
  if (text) parts.push(tsString(text));
  return parts;
}
