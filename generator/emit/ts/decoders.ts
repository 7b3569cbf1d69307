import type { EventModel, FieldModel } from '../../model/model.js';
import { tsString } from './escape.js';
import { fieldPlace } from './types.js';

/**
 * Statements that decode one event's fields from a record at `o` of `view` into constants
 * named after the fields, collecting issues for values that do not fit. The caller builds the
 * record from them.
 */
export function decodeStatements(event: EventModel): string[] {
  const out: string[] = [];
  const words = new Set(event.fields.filter((f) => !f.big).map((f) => f.word));
  for (const w of [...words].sort()) {
    out.push(`const $d${w}lo = $view.getUint32($o + ${16 + w * 8}, true);`, `const $d${w}hi = $view.getUint32($o + ${20 + w * 8}, true);`);
  }
  if (event.fields.some(canMisfit)) out.push('let $issues: $FieldIssue[] | undefined;');
  for (const f of event.fields) out.push(...decodeField(f));
  return out;
}

/** True when a field's stored bits can hold a value its type cannot. */
export function canMisfit(f: FieldModel): boolean {
  return f.type.width < f.range || f.type.kind === 'enum';
}

function decodeField(f: FieldModel): string[] {
  const name = f.names.camel;
  const label = tsString(f.names.snake);
  const w = f.word;
  const s = f.lo;
  const r = f.range;
  const width = f.type.width;
  const misfit = (cond: string, reset: string) => [
    `if (${cond}) {`,
    `  $issues = $addIssue($issues, ${label}, \`does not fit ${fieldPlace(f).replace(/`/g, '')}: \${$rangeHex($view, $o, ${w}, ${s}, ${r})}\`);`,
    ...(reset ? [`  ${reset}`] : []),
    '}',
  ];
  if (f.big) {
    const whole = s === 0 && r === 64;
    const signed = f.type.kind === 'int';
    if (whole && width === 64) return [`const ${name} = $view.get${signed ? 'BigInt64' : 'BigUint64'}($o + ${16 + w * 8}, true);`];
    const fn = signed ? '$bigSignedField' : '$bigUnsignedField';
    return [
      `const $${name}Word = $view.getBigUint64($o + ${16 + w * 8}, true);`,
      `const $${name}Value = ${fn}($${name}Word, ${s}, ${r}, ${width});`,
      ...misfit(`$${name}Value === undefined`, ''),
      `const ${name} = $${name}Value ?? BigInt.asUintN(${r}, $${name}Word >> ${s}n);`,
    ];
  }
  switch (f.type.kind) {
    case 'bool':
      return [`const $${name}Bit = $boolField($d${w}lo, $d${w}hi, ${s}, ${r});`, ...misfit(`$${name}Bit === undefined`, ''), `const ${name} = $${name}Bit === true;`];
    case 'int':
      if (!canMisfit(f)) return [`const ${name} = $signedField($d${w}lo, $d${w}hi, ${s}, ${r}, ${width});`];
      return [`const ${name} = $signedField($d${w}lo, $d${w}hi, ${s}, ${r}, ${width});`, ...misfit(`Number.isNaN(${name})`, '')];
    case 'enum': {
      const table = `${f.type.ref.names.upper}_NAMES`;
      const type = f.type.ref.names.pascal;
      return [
        `const $${name}Value = $unsignedField($d${w}lo, $d${w}hi, ${s}, ${r}, ${width});`,
        ...misfit(`$${name}Value === -1`, ''),
        `else if (${table}[$${name}Value] === undefined) $issues = $addIssue($issues, ${label}, \`\${$${name}Value} is not a value of ${type}\`);`,
        `const ${name} = ($${name}Value === -1 ? NaN : $${name}Value) as ${type};`,
      ];
    }
    default: {
      const read = s === 0 && r === 64 && width <= 32 ? `$d${w}hi === 0${width < 32 ? ` && $d${w}lo >>> ${width} === 0` : ''} ? $d${w}lo : -1` : `$unsignedField($d${w}lo, $d${w}hi, ${s}, ${r}, ${width})`;
      if (!canMisfit(f)) return [`const ${name} = ${read};`];
      return [`let ${name} = ${read};`, ...misfit(`${name} === -1`, `${name} = NaN;`)];
    }
  }
}
