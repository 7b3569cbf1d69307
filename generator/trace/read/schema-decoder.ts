import { argumentMisfitBit, argumentMisfitText, type FieldSpec, readField } from '@tracegen/runtime';
import type { EventModel, FieldModel, SchemaModel } from '../../schema/model/model.js';
import type { DecodedRecord } from './record.js';

/** A field's value as decode prints it: a number, a bigint, a boolean, or a label (runtime/field-reader.ts). */
export type { FieldReadValue as FieldValue } from '@tracegen/runtime';
import type { FieldReadValue as FieldValue } from '@tracegen/runtime';

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
  readonly #specs = new Map<FieldModel, FieldSpec>();
  /**
   * The texts of string fields' ids, as the input has given them so far (its string sections):
   * the reader adds them before the records that use them and empties it when another run begins.
   */
  readonly strings = new Map<number, string>();

  constructor(model: SchemaModel) {
    this.model = model;
    for (const e of model.events) {
      this.#byId[e.id] = e;
      this.#byName.set(e.names.snake, e);
      for (const f of e.fields) this.#specs.set(f, fieldSpec(f));
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
      const field = this.field(r, f);
      if (r.args === 0 || (r.args & argumentMisfitBit(index)) === 0) return field;
      return { ...field, argumentIssue: argumentMisfitText(f.type.kind === 'int', f.type.width) };
    });
  }

  /** One field of a record, as stored (what fields() gives it, without argument issues): the runtime's readField. */
  field(r: DecodedRecord, f: FieldModel): DecodedField {
    const spec = this.#specs.get(f)!;
    const reading = f.word === 0 ? readField(spec, r.d0lo, r.d0hi, this.strings) : readField(spec, r.d1lo, r.d1hi, this.strings);
    return { name: f.names.snake, ...reading };
  }
}

/** What the runtime's field reader needs of a field of the model (runtime/field-reader.ts). */
export function fieldSpec(f: FieldModel): FieldSpec {
  return {
    name: f.names.snake,
    kind: f.type.kind,
    word: f.word,
    lo: f.lo,
    range: f.range,
    width: f.type.width,
    big: f.big,
    format: f.format,
    ...(f.unit === undefined ? {} : { unit: f.unit }),
    ...(f.type.kind === 'enum'
      ? { labels: Object.fromEntries(f.type.ref.values.map((v) => [v.value, v.names.snake])), enumName: f.type.ref.names.snake }
      : {}),
    ...(f.type.kind === 'flags' ? { bits: f.type.ref.bits.map((b) => [b.bit, b.names.snake] as const) } : {}),
  };
}
