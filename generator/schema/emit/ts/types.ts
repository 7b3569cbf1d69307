import type { EnumModel, FieldModel, FlagsModel } from '../../model/model.js';

/** The TypeScript type of a field's value, in helpers and decoded records. */
export function fieldTsType(f: FieldModel): string {
  switch (f.type.kind) {
    case 'bool':
      return 'boolean';
    case 'enum':
      return f.type.ref.names.pascal;
    case 'string':
      return 'string';
    default:
      return f.big ? 'bigint' : 'number';
  }
}

/** Human description of a field's type and place, for docs: `u32, data0 bits 0-31`. */
export function fieldPlace(f: FieldModel): string {
  const t =
    f.type.kind === 'uint'
      ? `u${f.type.width}`
      : f.type.kind === 'int'
        ? `i${f.type.width}`
        : f.type.kind === 'bool' || f.type.kind === 'string'
          ? f.type.kind
          : `${f.type.kind} ${f.type.ref.names.pascal}`;
  const where = f.wholeWord ? `data${f.word}` : `data${f.word} bits ${f.lo}-${f.lo + f.range - 1}`;
  return `${t}, ${where}`;
}

/** Upper-case name of an enum's or flags set's name table. */
export function labelTableName(t: EnumModel | FlagsModel): string {
  return `${t.names.upper}_${t.kind === 'enum' ? 'NAMES' : 'BITS'}`;
}
