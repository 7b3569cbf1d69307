import {
  argumentMisfitBit,
  argumentMisfitText,
  bigSignedField,
  bigUnsignedField,
  boolField,
  enumText,
  flagsText,
  hexOf,
  misfitValue,
  rangeBits,
  signedField,
  signedText,
  storedMisfitText,
  unknownEnumText,
  unsignedField,
} from '@tracegen/runtime';
import type { EventModel, FieldModel, SchemaModel } from '../../schema/model/model.js';
import { u64Big, type DecodedRecord } from './record.js';

/** A field's value as decode prints it: a number, a bigint, a boolean, or a label. */
export type FieldValue = number | bigint | boolean | string;

export interface DecodedField {
  readonly name: string;
  readonly value: FieldValue;
  /** The value as the table shows it (hex, signed, names). */
  readonly text: string;
  /** Set when the stored bits do not fit the field's type or name no enum value (runtime/field-codec.ts). */
  readonly issue?: string;
  /** Set when the traced argument did not fit the field (runtime records only). */
  readonly argumentIssue?: string;
}

/** A record's issues in the order every decoder lists them: stored ones by field, then arguments. */
export function issuesOf(fields: readonly DecodedField[]): { field: string; message: string }[] {
  const out: { field: string; message: string }[] = [];
  for (const f of fields) if (f.issue) out.push({ field: f.name, message: f.issue });
  for (const f of fields) if (f.argumentIssue) out.push({ field: f.name, message: f.argumentIssue });
  return out;
}

/**
 * The decoder driven by a schema at run time: the same reading of the bytes as the generated
 * decoders (both use the runtime's field readers), for schemas known only when `decode` runs,
 * such as the one a trace file carries.
 */
export class SchemaDecoder {
  readonly model: SchemaModel;
  readonly #byId: (EventModel | undefined)[] = new Array(256);
  readonly #byName = new Map<string, EventModel>();
  readonly #labels = new Map<FieldModel, Readonly<Record<number, string>> | readonly (readonly [number, string])[]>();

  constructor(model: SchemaModel) {
    this.model = model;
    for (const e of model.events) {
      this.#byId[e.id] = e;
      this.#byName.set(e.names.snake, e);
      for (const f of e.fields) {
        if (f.type.kind === 'enum') this.#labels.set(f, Object.fromEntries(f.type.ref.values.map((v) => [v.value, v.names.snake])));
        if (f.type.kind === 'flags')
          this.#labels.set(
            f,
            f.type.ref.bits.map((b) => [b.bit, b.names.snake] as const),
          );
      }
    }
  }

  event(id: number): EventModel | undefined {
    return id >= 0 ? this.#byId[id] : undefined;
  }

  eventByName(name: string): EventModel | undefined {
    return this.#byName.get(name);
  }

  /** The printed name of a record's event, `unknown` for ids the schema lacks. */
  nameOf(r: DecodedRecord): string {
    return this.event(r.id)?.names.snake ?? 'unknown';
  }

  /** Decodes every field of a record (none for an unknown id). */
  fields(r: DecodedRecord): DecodedField[] {
    const event = this.event(r.id);
    if (!event) return [];
    return event.fields.map((f, index) => {
      const field = this.#field(f, r);
      if (r.args === 0 || (r.args & argumentMisfitBit(index)) === 0) return field;
      return { ...field, argumentIssue: argumentMisfitText(f.type.kind === 'int', f.type.width) };
    });
  }

  /** One field of a record, as stored (what fields() gives it, without argument issues). */
  field(r: DecodedRecord, f: FieldModel): DecodedField {
    return this.#field(f, r);
  }

  #field(f: FieldModel, r: DecodedRecord): DecodedField {
    const lo = f.word === 0 ? r.d0lo : r.d1lo;
    const hi = f.word === 0 ? r.d0hi : r.d1hi;
    const name = f.names.snake;
    const width = f.type.width;
    const misfit = (): DecodedField => {
      const raw = rangeBits(lo, hi, f.lo, f.range);
      const value = misfitValue(raw, f.type.kind === 'bool' ? 'boolean' : f.big ? 'bigint' : 'number', f.type.kind === 'int' ? f.range : 0);
      return { name, value, text: hexOf(raw), issue: storedMisfitText(f.type.kind === 'int', width, raw) };
    };
    if (f.big) {
      const word = u64Big(hi, lo);
      const v = f.type.kind === 'int' ? bigSignedField(word, f.lo, f.range, width) : bigUnsignedField(word, f.lo, f.range, width);
      if (v === undefined) return misfit();
      if (f.type.kind === 'flags')
        return {
          name,
          value: flagsText(v, this.#labels.get(f) as readonly (readonly [number, string])[]),
          text: flagsText(v, this.#labels.get(f) as readonly (readonly [number, string])[]),
        };
      return { name, value: v, text: this.#numberText(f, v) };
    }
    switch (f.type.kind) {
      case 'bool': {
        const b = boolField(lo, hi, f.lo, f.range);
        return b === undefined ? misfit() : { name, value: b, text: String(b) };
      }
      case 'int': {
        const v = signedField(lo, hi, f.lo, f.range, width);
        return Number.isNaN(v) ? misfit() : { name, value: v, text: this.#numberText(f, v) };
      }
      default: {
        const v = unsignedField(lo, hi, f.lo, f.range, width);
        if (v === -1) return misfit();
        if (f.type.kind === 'enum') {
          const labels = this.#labels.get(f) as Readonly<Record<number, string>>;
          const text = enumText(v, labels);
          return labels[v] === undefined
            ? { name, value: v, text, issue: unknownEnumText(v, f.type.ref.names.snake) }
            : { name, value: text, text };
        }
        if (f.type.kind === 'flags') {
          const text = flagsText(v, this.#labels.get(f) as readonly (readonly [number, string])[]);
          return { name, value: text, text };
        }
        return { name, value: v, text: this.#numberText(f, v) };
      }
    }
  }

  #numberText(f: FieldModel, v: number | bigint): string {
    // a unit stands apart from the value: `bytes_total=81920 bytes`
    return f.unit === undefined ? numberText(f, v) : `${numberText(f, v)} ${f.unit}`;
  }
}

/** A number field's value in its display format (hex, signed, or decimal), without its unit. */
export function numberText(f: FieldModel, v: number | bigint): string {
  if (f.format === 'hex') return hexOf(v, f.type.width);
  if (f.format === 'signed' && f.type.kind === 'uint') return signedText(v, f.type.width);
  return String(v);
}
