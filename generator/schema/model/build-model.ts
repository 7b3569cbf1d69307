import { createHash } from 'node:crypto';
import type { RawField, RawSchema } from './raw-schema.js';
import {
  enumWidth,
  type EnumModel,
  type EventModel,
  type FieldModel,
  type FieldType,
  type FlagsModel,
  type SchemaModel,
  type SpanModel,
} from './model.js';
import { namesOf } from './names.js';

/** SHA-256 of the schema's exact text, as lower-case hex: what trace files and generated code carry. */
export function schemaHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Builds the model of a schema that passed every check. */
export function buildModel(raw: RawSchema, text: string, sourcePath: string): SchemaModel {
  const enums: EnumModel[] = Object.entries(raw.enums ?? {})
    .map(([name, e]) => {
      const values = Object.entries(e.values)
        .map(([v, label]) => ({ value: Number(v), names: namesOf(label) }))
        .sort((a, b) => a.value - b.value);
      return { kind: 'enum' as const, names: namesOf(name), doc: e.doc ?? '', values, width: enumWidth(values.map((v) => v.value)) };
    })
    .sort((a, b) => a.names.snake.localeCompare(b.names.snake));
  const flags: FlagsModel[] = Object.entries(raw.flags ?? {})
    .map(([name, f]) => {
      const bits = Object.entries(f.bits)
        .map(([b, label]) => ({ bit: Number(b), names: namesOf(label) }))
        .sort((a, b) => a.bit - b.bit);
      return { kind: 'flags' as const, names: namesOf(name), doc: f.doc ?? '', bits, width: bits[bits.length - 1]!.bit + 1 };
    })
    .sort((a, b) => a.names.snake.localeCompare(b.names.snake));

  const typeOf = (field: RawField): FieldType => {
    const m = /^([ui])(\d+)$/.exec(field.type);
    if (m) return { kind: m[1] === 'u' ? 'uint' : 'int', width: Number(m[2]) };
    if (field.type === 'bool') return { kind: 'bool', width: 1 };
    if (field.type === 'string') return { kind: 'string', width: 32 };
    const e = enums.find((x) => x.names.snake === field.type);
    if (e) return { kind: 'enum', width: e.width, ref: e };
    const f = flags.find((x) => x.names.snake === field.type)!;
    return { kind: 'flags', width: f.width, ref: f };
  };

  const events: EventModel[] = raw.events
    .map((e) => ({
      id: e.id,
      names: namesOf(e.name),
      variant: e.variant ?? namesOf(e.name).pascal,
      doc: e.doc ?? '',
      fields: (e.fields ?? []).map((f): FieldModel => {
        const [lo, hi] = f.bits ?? [0, 63];
        const type = typeOf(f);
        return {
          names: namesOf(f.name),
          word: f.word === 'data0' ? 0 : 1,
          lo,
          range: hi - lo + 1,
          type,
          format: f.format ?? (type.kind === 'int' ? 'signed' : 'dec'),
          unit: f.unit,
          counter: f.counter ?? false,
          flow: f.flow ?? false,
          doc: f.doc ?? '',
          big: type.width > 53,
          wholeWord: lo === 0 && hi === 63,
          typeName: f.type,
        };
      }),
    }))
    .sort((a, b) => a.id - b.id);

  const byName = new Map(events.map((e) => [e.names.snake, e]));
  const spans: SpanModel[] = (raw.spans ?? []).map((s) => ({
    names: namesOf(s.name),
    begin: byName.get(s.begin)!,
    end: byName.get(s.end)!,
    match: s.match,
    scope: s.scope ?? 'thread',
    doc: s.doc ?? '',
  }));

  return {
    version: 1,
    name: raw.name,
    doc: raw.doc ?? '',
    sourcePath,
    text,
    hash: schemaHash(text),
    clock: { unit: raw.clock.unit, frequency: raw.clock.frequency, doc: raw.clock.doc ?? '' },
    layout: { ringSize: raw.layout.ring_size, rings: raw.layout.rings },
    enums,
    flags,
    reserved: [...(raw.reserved ?? [])].sort((a, b) => a - b),
    events,
    spans,
  };
}
