import { OFFSET_ARG_MISFITS, OFFSET_DATA0 } from '@tracegen/runtime';

/** The expression that reads a record's argument-misfit word (zero in all but misfit calls). */
export const ARGUMENT_WORD = (view: string, offset: string) => `${view}.getUint32(${offset} + ${OFFSET_ARG_MISFITS}, true)`;
import type { EventModel, FieldModel } from '../../model/model.js';
import { tsString } from './escape.js';
import { list } from './layout.js';

/**
 * Statements that decode one event's fields from a record at `o` of `view` into constants
 * named after the fields, collecting issues for stored values that do not fit (the answers of
 * runtime/field-codec.ts, which every decoder shares). The caller builds the record from them;
 * argument misfits are added around it (see `argumentFieldsTable`), which keeps this function
 * small enough for V8 to inline into the decoding loops.
 */
export function decodeStatements(event: EventModel): string[] {
  const out: string[] = [];
  const words = new Set(event.fields.filter((f) => !f.big).map((f) => f.word));
  for (const w of [...words].sort()) {
    out.push(
      `const $d${w}lo = $view.getUint32($o + ${wordOffset(w)}, true);`,
      `const $d${w}hi = $view.getUint32($o + ${wordOffset(w) + 4}, true);`,
    );
  }
  if (event.fields.some(canMisfit)) out.push('let $issues: $FieldIssue[] | undefined;');
  for (const f of event.fields) out.push(...decodeField(f));
  return out;
}

function wordOffset(word: 0 | 1): number {
  return OFFSET_DATA0 + word * 8;
}

/** True when a field's stored bits can hold a value its type cannot (for a string field: an id without a text). */
export function canMisfit(f: FieldModel): boolean {
  return f.type.width < f.range || f.type.kind === 'enum' || f.type.kind === 'string';
}

/**
 * The table the argument check reads (runtime/field-codec.ts `withArgumentIssues`): per event
 * id, its fields as `[name, signed, width]` in schema order (a bool is a u1: from JavaScript, a
 * bool parameter may be given a value that is not a boolean).
 */
export function argumentFieldsTable(events: readonly EventModel[], lead: number): string {
  const entry = (f: FieldModel) => `[${tsString(f.names.snake)}, ${f.type.kind === 'int'}, ${f.type.width}]`;
  const fields = (e: EventModel) => {
    const key = `${e.id}: `;
    return key + list(2 + key.length, '[', e.fields.map(entry), ']', { indent: '  ', trail: 1 });
  };
  return list(lead, '{ ', events.map(fields), ' }', { trail: 1 });
}

function decodeField(f: FieldModel): string[] {
  const name = f.names.camel;
  const label = tsString(f.names.snake);
  const w = f.word;
  const s = f.lo;
  const r = f.range;
  const width = f.type.width;
  const signed = f.type.kind === 'int';
  /** Records a stored misfit's issue and sets `target` to its value (field-codec.ts). */
  const misfit = (cond: string, raw: string, target: string | undefined, kind: 'number' | 'bigint' | 'boolean') => [
    `if (${cond}) {`,
    `  const $raw = ${raw};`,
    `  $issues = $addIssue($issues, ${label}, $storedMisfitText(${signed}, ${width}, $raw));`,
    ...(target ? [`  ${target} = $misfitValue($raw, '${kind}'${signed ? `, ${r}` : ''}) as ${kind === 'number' ? 'number' : kind};`] : []),
    '}',
  ];
  const rawOf = `$rangeBits($d${w}lo, $d${w}hi, ${s}, ${r})`;
  if (f.big) {
    const whole = f.wholeWord;
    const get = `$view.get${signed ? 'BigInt64' : 'BigUint64'}($o + ${wordOffset(w)}, true)`;
    if (whole && width === 64) return [`const ${name} = ${get};`];
    const fn = signed ? '$bigSignedField' : '$bigUnsignedField';
    return [
      `const $${name}Word = $view.getBigUint64($o + ${wordOffset(w)}, true);`,
      `let ${name} = ${fn}($${name}Word, ${s}, ${r}, ${width}) as bigint;`,
      ...misfit(`${name} === undefined`, `BigInt.asUintN(${r}, $${name}Word >> ${s}n)`, name, 'bigint'),
    ];
  }
  switch (f.type.kind) {
    case 'bool':
      return [
        `const $${name}Bit = $boolField($d${w}lo, $d${w}hi, ${s}, ${r});`,
        `let ${name} = $${name}Bit === true;`,
        ...misfit(`$${name}Bit === undefined`, rawOf, name, 'boolean'),
      ];
    case 'int':
      if (!canMisfit(f)) return [`const ${name} = $signedField($d${w}lo, $d${w}hi, ${s}, ${r}, ${width});`];
      return [
        `let ${name} = $signedField($d${w}lo, $d${w}hi, ${s}, ${r}, ${width});`,
        ...misfit(`Number.isNaN(${name})`, rawOf, name, 'number'),
      ];
    case 'enum': {
      const table = `${f.type.ref.names.upper}_NAMES`;
      const type = f.type.ref.names.pascal;
      return [
        `let $${name}Value = $unsignedField($d${w}lo, $d${w}hi, ${s}, ${r}, ${width});`,
        ...misfit(`$${name}Value === -1`, rawOf, `$${name}Value`, 'number').slice(0, -1),
        `} else if (${table}[$${name}Value] === undefined) {`,
        `  $issues = $addIssue($issues, ${label}, $unknownEnumText($${name}Value, ${tsString(f.type.ref.names.snake)}));`,
        '}',
        `const ${name} = $${name}Value as ${type};`,
      ];
    }
    case 'string': {
      // the text from this buffer's table: the generated decoders read this process's records
      const read = `$unsignedField($d${w}lo, $d${w}hi, ${s}, ${r}, ${width})`;
      const missing = (id: string) => [
        `  $issues = $addIssue($issues, ${label}, $missingStringText(${id}));`,
        `  ${name} = $missingStringValue(${id});`,
      ];
      return [
        `const $${name}Id = ${read};`,
        `let ${name} = $${name}Id > 0 ? $tracer.stringText($${name}Id) : undefined;`,
        ...(f.range > width
          ? [
              ...misfit(`$${name}Id === -1`, rawOf, undefined, 'number').slice(0, -1),
              `  ${name} = $hexOf($raw);`,
              `} else if (${name} === undefined) {`,
            ]
          : [`if (${name} === undefined) {`]),
        ...missing(`$${name}Id`),
        '}',
      ];
    }
    default: {
      const read =
        f.wholeWord && width <= 32
          ? `$d${w}hi === 0${width < 32 ? ` && $d${w}lo >>> ${width} === 0` : ''} ? $d${w}lo : -1`
          : `$unsignedField($d${w}lo, $d${w}hi, ${s}, ${r}, ${width})`;
      if (!canMisfit(f)) return [`const ${name} = ${read};`];
      return [`let ${name} = ${read};`, ...misfit(`${name} === -1`, rawOf, name, 'number')];
    }
  }
}
