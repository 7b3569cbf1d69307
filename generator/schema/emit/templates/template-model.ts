import { imageBytes, OFFSET_CPU, OFFSET_DATA0, OFFSET_ID, OFFSET_TIMESTAMP, RECORD_BYTES, ringBytes } from '@tracegen/runtime';
import { C_NAMES } from '../../model/target-names.js';
import type { EnumModel, EventModel, FieldModel, FlagsModel, Names, SchemaModel } from '../../model/model.js';
import { namesOf } from '../../model/names.js';

/**
 * What a handlebars template sees: the schema model flattened into plain data, with the
 * numbers templates need already worked out (bit ranges, masks). Documented for users who
 * write their own templates in docs/templates.md.
 */
export interface TemplateContext {
  readonly schema: {
    readonly name: string;
    readonly names: Names;
    readonly doc: string;
    readonly path: string;
    readonly hash: string;
    readonly version: number;
  };
  readonly clock: { readonly unit: string; readonly frequency: number | null; readonly doc: string };
  readonly layout: {
    readonly ringSize: number;
    readonly rings: number;
    readonly recordBytes: number;
    /** Where each member of a record starts (runtime/layout.ts): timestamp, id, cpu, the bytes after cpu, data. */
    readonly offsets: {
      readonly timestamp: number;
      readonly id: number;
      readonly cpu: number;
      readonly pad: number;
      readonly data: number;
    };
    readonly ringBytes: number;
    readonly imageBytes: number;
  };
  /** What the C header declares beside the schema's names (model/target-names.ts C_NAMES), each after its prefix. */
  readonly cNames: typeof C_NAMES;
  readonly events: readonly TemplateEvent[];
  /** True when the schema defines all 256 ids, so no id is `unknown`. */
  readonly allIds: boolean;
  readonly enums: readonly TemplateEnum[];
  readonly flags: readonly TemplateFlags[];
  readonly reserved: readonly number[];
  readonly spans: readonly (TemplateNamed & {
    readonly begin: string;
    readonly end: string;
    readonly match: string | null;
    /** `thread` (begin and end on one ring) or `process` (on any, paired by `match`). */
    readonly scope: string;
  })[];
  readonly options: { readonly rustVisibility: string; readonly rustTraceFn: string };
}

/** What every named thing of the schema carries in a template: its name as written, in every case, and its doc. */
export interface TemplateNamed {
  readonly name: string;
  readonly names: Names;
  readonly doc: string;
}

export interface TemplateEvent extends TemplateNamed {
  readonly id: number;
  readonly variant: string;
  readonly fields: readonly TemplateField[];
  readonly hasFields: boolean;
  /** Fields by word. */
  readonly data0: readonly TemplateField[];
  readonly data1: readonly TemplateField[];
}

export interface TemplateField extends TemplateNamed {
  /** 0 or 1, and `data0` or `data1`. */
  readonly word: number;
  readonly wordName: string;
  /** Bit range [lo, hi] in the word, its size, and whether it is the whole word. */
  readonly lo: number;
  readonly hi: number;
  readonly range: number;
  readonly wholeWord: boolean;
  /** `uint`, `int`, `bool`, `enum` or `flags`, and the value's width in bits. */
  readonly kind: string;
  readonly width: number;
  readonly signed: boolean;
  /** `u32`, `i64`, `bool`, or the enum or flags name. */
  readonly typeName: string;
  /** The enum or flags set, for those kinds. */
  readonly ref: { readonly name: string; readonly names: Names } | null;
  readonly format: string;
  readonly unit: string;
  /** Mask of the range, as `0x...` (lower `range` bits set). */
  readonly mask: string;
}

export interface TemplateEnum extends TemplateNamed {
  readonly width: number;
  readonly values: readonly { readonly value: number; readonly name: string; readonly names: Names }[];
}

export interface TemplateFlags extends TemplateNamed {
  readonly width: number;
  readonly bits: readonly { readonly bit: number; readonly value: string; readonly name: string; readonly names: Names }[];
}

export function templateContext(m: SchemaModel, options: { rustVisibility: string; rustTraceFn: string }): TemplateContext {
  const ring = ringBytes(m.layout);
  return {
    schema: { name: m.name, names: namesOf(m.name), doc: m.doc, path: m.sourcePath, hash: m.hash, version: m.version },
    clock: { unit: m.clock.unit, frequency: m.clock.frequency ?? null, doc: m.clock.doc },
    layout: {
      ringSize: m.layout.ringSize,
      rings: m.layout.rings,
      recordBytes: RECORD_BYTES,
      offsets: { timestamp: OFFSET_TIMESTAMP, id: OFFSET_ID, cpu: OFFSET_CPU, pad: OFFSET_CPU + 1, data: OFFSET_DATA0 },
      ringBytes: ring,
      imageBytes: imageBytes(m.layout),
    },
    cNames: C_NAMES,
    events: m.events.map(eventContext),
    allIds: m.events.length === 256,
    enums: m.enums.map(enumContext),
    flags: m.flags.map(flagsContext),
    reserved: m.reserved,
    spans: m.spans.map((s) => ({
      name: s.names.snake,
      names: s.names,
      begin: s.begin.names.snake,
      end: s.end.names.snake,
      match: s.match ?? null,
      scope: s.scope,
      doc: s.doc,
    })),
    options,
  };
}

function eventContext(e: EventModel): TemplateEvent {
  const fields = e.fields.map(fieldContext);
  return {
    id: e.id,
    name: e.names.snake,
    names: e.names,
    variant: e.variant,
    doc: e.doc,
    fields,
    hasFields: fields.length > 0,
    data0: fields.filter((f) => f.word === 0),
    data1: fields.filter((f) => f.word === 1),
  };
}

function fieldContext(f: FieldModel): TemplateField {
  const t = f.type;
  const ref = t.kind === 'enum' || t.kind === 'flags' ? { name: t.ref.names.snake, names: t.ref.names } : null;
  return {
    name: f.names.snake,
    names: f.names,
    word: f.word,
    wordName: `data${f.word}`,
    lo: f.lo,
    hi: f.lo + f.range - 1,
    range: f.range,
    wholeWord: f.wholeWord,
    kind: t.kind,
    width: t.width,
    signed: t.kind === 'int',
    typeName: f.typeName,
    ref,
    format: f.format,
    unit: f.unit ?? '',
    doc: f.doc,
    mask: '0x' + ((1n << BigInt(f.range)) - 1n).toString(16),
  };
}

function enumContext(e: EnumModel): TemplateEnum {
  return {
    name: e.names.snake,
    names: e.names,
    doc: e.doc,
    width: e.width,
    values: e.values.map((v) => ({ value: v.value, name: v.names.snake, names: v.names })),
  };
}

function flagsContext(f: FlagsModel): TemplateFlags {
  return {
    name: f.names.snake,
    names: f.names,
    doc: f.doc,
    width: f.width,
    bits: f.bits.map((b) => ({ bit: b.bit, value: '0x' + (1n << BigInt(b.bit)).toString(16), name: b.names.snake, names: b.names })),
  };
}
