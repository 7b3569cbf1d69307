import type { DiagnosticSink } from '../diagnostics/diagnostic.js';
import type { YamlSource } from '../load/yaml-document.js';
import type { RawEvent, RawField, RawSchema } from '../model/raw-schema.js';
import { namesOf } from '../model/names.js';
import { imageBytes, STRING_ID_BITS } from '@tracegen/runtime';
import { enumWidth } from '../model/model.js';
import {
  C_HEADER_MACROS,
  cConstantProblem,
  eventNameProblem,
  fieldNameProblem,
  TS_MODULE_NAMES,
  typeNameProblem,
  variantProblem,
} from '../model/target-names.js';

/** Largest ring image a SharedArrayBuffer holds on every supported Node. */
const MAX_IMAGE_BYTES = 2 ** 31 - 1;

type Path = (string | number)[];

/**
 * Checks what the JSON Schema cannot express: uniqueness, references, bit ranges, case
 * collisions. Runs only on a structurally valid schema, and reports every problem it finds.
 */
export function checkSemantics(schema: RawSchema, src: YamlSource, sink: DiagnosticSink): void {
  const err = (code: Parameters<DiagnosticSink['error']>[0], path: Path, message: string, at: 'key' | 'value' = 'value') =>
    sink.error(code, at === 'key' ? src.keySpan(path) : src.valueSpan(path), message);

  checkLayout(schema, err);
  const typeNames = checkTypes(schema, err);
  checkReserved(schema, err);
  checkEvents(schema, typeNames, err);
  checkGeneratedNames(schema, err);
  checkSpans(schema, err);

  if (schema.events.length === 0) sink.warn('no-events', src.keySpan(['events']), 'the schema declares no events');
  schema.events.forEach((e, i) => {
    if (e.doc === undefined || e.doc.trim() === '') {
      sink.warn('missing-doc', src.valueSpan(['events', i, 'name']), `event '${e.name}' has no doc; it becomes the helper's documentation`);
    }
  });
}

type Report = (code: Parameters<DiagnosticSink['error']>[0], path: Path, message: string, at?: 'key' | 'value') => void;

function checkLayout(schema: RawSchema, err: Report): void {
  const { ring_size, rings } = schema.layout;
  if ((ring_size & (ring_size - 1)) !== 0) {
    err(
      'ring-size-not-power-of-two',
      ['layout', 'ring_size'],
      `ring_size ${ring_size} is not a power of two (the slot is write_idx % ring_size)`,
    );
  } else if (imageBytes({ ringSize: ring_size, rings }) > MAX_IMAGE_BYTES) {
    err(
      'image-too-large',
      ['layout'],
      `${rings} rings of ${ring_size} records need ${imageBytes({ ringSize: ring_size, rings })} bytes; at most ${MAX_IMAGE_BYTES} fit one buffer`,
      'key',
    );
  }
}

interface DeclaredType {
  readonly kind: 'enum' | 'flags';
  /** Bits its values need. */
  readonly width: number;
}

/** Checks enums and flags; returns them by name for field type lookups. */
function checkTypes(schema: RawSchema, err: Report): Map<string, DeclaredType> {
  const names = new Map<string, DeclaredType>();
  const pascals = new Map<string, string>();
  const declare = (kind: 'enum' | 'flags', name: string, width: number) => {
    const path = [kind === 'enum' ? 'enums' : 'flags', name];
    if (names.has(name)) {
      err('enum-flags-clash', path, `'${name}' is declared both as an enum and as a flags set`, 'key');
      return;
    }
    if (/^([ui]\d+|bool|string)$/.test(name)) {
      err('type-name-clash', path, `'${name}' is a built-in type name`, 'key');
      return;
    }
    const pascal = namesOf(name).pascal;
    // a name the generated module declares is a clash; a language's own name is reserved
    if (TS_MODULE_NAMES.has(pascal))
      err('type-name-clash', path, `'${name}' becomes ${pascal}, a name the generated module declares`, 'key');
    else {
      const problem = typeNameProblem(kind, name);
      if (problem) err('reserved-word', path, problem, 'key');
    }
    const other = pascals.get(pascal);
    if (other !== undefined) err('case-collision', path, `'${name}' and '${other}' both become ${pascal}`, 'key');
    pascals.set(pascal, name);
    names.set(name, { kind, width });
  };

  for (const [name, e] of Object.entries(schema.enums ?? {})) {
    declare('enum', name, enumWidth(Object.keys(e.values).map(Number)));
    checkLabels(Object.entries(e.values), ['enums', name, 'values'], 'value', err);
    for (const [value, label] of Object.entries(e.values)) {
      const problem = variantProblem(namesOf(label).pascal, `'${name}.${label}'`);
      if (problem) err('reserved-word', ['enums', name, 'values', value], problem);
    }
    for (const v of Object.keys(e.values)) {
      if (!Number.isSafeInteger(Number(v))) err('out-of-range', ['enums', name, 'values', v], `enum value ${v} is above 2^53 - 1`, 'key');
    }
  }
  for (const [name, f] of Object.entries(schema.flags ?? {})) {
    declare('flags', name, Math.max(...Object.keys(f.bits).map(Number)) + 1);
    checkLabels(Object.entries(f.bits), ['flags', name, 'bits'], 'bit', err);
  }
  return names;
}

function checkLabels(entries: [string, string][], path: Path, what: string, err: Report): void {
  const byName = new Map<string, string>();
  const byPascal = new Map<string, string>();
  for (const [key, label] of entries) {
    const prev = byName.get(label);
    if (prev !== undefined) {
      err('duplicate-enum-name', [...path, key], `'${label}' names both ${what} ${prev} and ${what} ${key}`);
      continue;
    }
    const pascal = namesOf(label).pascal;
    const clash = byPascal.get(pascal);
    if (clash !== undefined) err('case-collision', [...path, key], `'${label}' and '${clash}' both become ${pascal}`);
    byName.set(label, key);
    byPascal.set(pascal, label);
  }
}

/** Enum and flags names become TypeScript types and tables beside the generated ones: none may take another's name. */
function checkGeneratedNames(schema: RawSchema, err: Report): void {
  const records = new Map(schema.events.map((e) => [`${namesOf(e.name).pascal}Record`, e.name]));
  for (const kind of ['enums', 'flags'] as const) {
    for (const name of Object.keys(schema[kind] ?? {})) {
      const n = namesOf(name);
      const event = records.get(n.pascal);
      if (event !== undefined)
        err('type-name-clash', [kind, name], `'${name}' becomes ${n.pascal}, the record type of event '${event}'`, 'key');
      if (kind === 'enums' && `${n.upper}_NAMES` === 'EVENT_NAMES')
        err('type-name-clash', [kind, name], `'${name}' would name its table EVENT_NAMES, the generated event name table`, 'key');
    }
  }
  // The C header puts event ids, enum values and flag bits in one space of <NAME>_ constants.
  const constants = new Map<string, string>(C_HEADER_MACROS.map((c) => [c, 'the header itself']));
  const claim = (constant: string, what: string, path: Path) => {
    const problem = cConstantProblem(`${schema.name.toUpperCase()}_${constant}`);
    if (problem) err('reserved-word', path, `${what} becomes the C constant ${problem}`, 'key');
    const other = constants.get(constant);
    // the same name twice is a duplicate, reported as such
    if (other === what) return;
    if (other !== undefined)
      err('case-collision', path, `${what} and ${other} both become the C constant ${schema.name.toUpperCase()}_${constant}`, 'key');
    else constants.set(constant, what);
  };
  schema.events.forEach((e, i) => {
    claim(namesOf(e.name).upper, `event '${e.name}'`, ['events', i, 'name']);
  });
  for (const [name, e] of Object.entries(schema.enums ?? {})) {
    for (const [value, label] of Object.entries(e.values))
      claim(`${namesOf(name).upper}_${namesOf(label).upper}`, `${name}.${label}`, ['enums', name, 'values', value]);
  }
  for (const [name, f] of Object.entries(schema.flags ?? {})) {
    for (const [bit, label] of Object.entries(f.bits))
      claim(`${namesOf(name).upper}_${namesOf(label).upper}`, `${name}.${label}`, ['flags', name, 'bits', bit]);
  }
}

function checkReserved(schema: RawSchema, err: Report): void {
  const seen = new Set<number>();
  (schema.reserved ?? []).forEach((id, i) => {
    if (seen.has(id)) err('duplicate-reserved', ['reserved', i], `id ${id} is listed twice in reserved`);
    seen.add(id);
  });
}

function checkEvents(schema: RawSchema, typeNames: Map<string, DeclaredType>, err: Report): void {
  const reserved = new Set(schema.reserved ?? []);
  const ids = new Map<number, string>();
  const names = new Map<string, number>();
  const pascals = new Map<string, string>();
  const variants = new Map<string, string>();

  schema.events.forEach((event, i) => {
    const at = (...rest: Path): Path => ['events', i, ...rest];
    const prevId = ids.get(event.id);
    if (prevId !== undefined) err('duplicate-id', at('id'), `id ${event.id} is already used by '${prevId}'`);
    else ids.set(event.id, event.name);
    if (reserved.has(event.id)) err('reserved-id', at('id'), `id ${event.id} is reserved (retired): pick an unused id`);

    if (event.name === 'unknown')
      err('reserved-word', at('name'), "'unknown' is what decoders and dumps print for ids the schema does not define");
    else {
      const problem = eventNameProblem(event.name);
      if (problem) err('reserved-word', at('name'), problem);
    }
    // the kernel variant: given, or the name in PascalCase
    const variantIssue =
      event.variant === undefined ? variantProblem(namesOf(event.name).pascal, `'${event.name}'`) : variantProblem(event.variant);
    if (variantIssue) err('reserved-word', at(event.variant === undefined ? 'name' : 'variant'), variantIssue);
    const duplicateName = names.has(event.name);
    if (duplicateName) err('duplicate-name', at('name'), `event name '${event.name}' is already used by id ${names.get(event.name)}`);
    else {
      names.set(event.name, event.id);
      const pascal = namesOf(event.name).pascal;
      const clash = pascals.get(pascal);
      if (clash !== undefined) err('case-collision', at('name'), `'${event.name}' and '${clash}' both become ${pascal}`);
      else pascals.set(pascal, event.name);
    }
    const variant = event.variant ?? namesOf(event.name).pascal;
    const otherVariant = variants.get(variant);
    if (otherVariant !== undefined && !duplicateName) {
      err(
        'case-collision',
        event.variant !== undefined ? at('variant') : at('name'),
        `variant ${variant} is already the variant of '${otherVariant}'`,
      );
    } else variants.set(variant, event.name);

    checkFields(event, typeNames, at, err);
  });
  // each event's helpers are trace<Event> and trace<Event>Enabled: an event named '<other>_enabled' would take the second
  schema.events.forEach((event, i) => {
    const pascal = namesOf(event.name).pascal;
    if (!pascal.endsWith('Enabled') || pascals.get(pascal) !== event.name) return;
    const owner = pascals.get(pascal.slice(0, -'Enabled'.length));
    if (owner !== undefined)
      err('case-collision', ['events', i, 'name'], `'${event.name}' becomes trace${pascal}, the enabled check of '${owner}'`);
  });
}

function fieldWidth(field: RawField, declared: Map<string, DeclaredType>): number | undefined {
  const m = /^([ui])(\d+)$/.exec(field.type);
  if (m) return Number(m[2]) >= 1 && Number(m[2]) <= 64 ? Number(m[2]) : undefined;
  if (field.type === 'bool') return 1;
  if (field.type === 'string') return STRING_ID_BITS;
  return declared.get(field.type)?.width;
}

function checkFields(event: RawEvent, typeNames: Map<string, DeclaredType>, at: (...rest: Path) => Path, err: Report): void {
  const fields = event.fields ?? [];
  const names = new Map<string, number>();
  const camels = new Map<string, string>();
  const occupied: { word: string; lo: number; hi: number; name: string }[] = [];

  fields.forEach((field, j) => {
    const path = (...rest: Path) => at('fields', j, ...rest);
    const problem = fieldNameProblem(field.name);
    if (problem) err('reserved-word', path('name'), `field name ${problem}`);
    if (names.has(field.name)) err('duplicate-field', path('name'), `field '${field.name}' is already declared in '${event.name}'`);
    else {
      names.set(field.name, j);
      const camel = namesOf(field.name).camel;
      const clash = camels.get(camel);
      if (clash !== undefined) err('case-collision', path('name'), `fields '${field.name}' and '${clash}' both become ${camel}`);
      else camels.set(camel, field.name);
    }

    const [lo, hi] = field.bits ?? [0, 63];
    if (lo > hi) {
      err('bad-bit-range', path('bits'), `bit range [${lo}, ${hi}] is reversed: write [low, high]`);
      return;
    }
    const range = hi - lo + 1;

    const width = fieldWidth(field, typeNames);
    if (width === undefined) {
      err(
        'unknown-type',
        path('type'),
        `unknown type '${field.type}': not u1..u64, i1..i64, bool, string, or a declared enum or flags set`,
      );
    } else {
      if (width > range) {
        err('type-too-wide', path('type'), `type ${field.type} needs ${width} bits but the field has ${range} (bits [${lo}, ${hi}])`);
      }
      const kind = /^[ui]\d+$/.test(field.type)
        ? 'int'
        : field.type === 'bool' || field.type === 'string'
          ? field.type
          : typeNames.get(field.type)?.kind;
      if (field.format !== undefined && kind !== 'int') {
        err('format-mismatch', path('format'), `format '${field.format}' applies to integer types only; ${field.type} has its own display`);
      }
      if (field.counter && kind !== 'int')
        err('counter-not-a-number', path('counter'), `a counter is a number: ${field.type} is not an integer type`);
      if (field.flow && kind !== 'int')
        err('flow-not-an-id', path('flow'), `a flow id is an integer: ${field.type} is not an integer type`);
    }

    for (const other of occupied) {
      if (other.word === field.word && lo <= other.hi && other.lo <= hi) {
        err(
          'bits-overlap',
          field.bits ? path('bits') : path('word'),
          `field '${field.name}' (bits [${lo}, ${hi}] of ${field.word}) overlaps '${other.name}' (bits [${other.lo}, ${other.hi}])`,
        );
        break;
      }
    }
    occupied.push({ word: field.word, lo, hi, name: field.name });
  });
}

function checkSpans(schema: RawSchema, err: Report): void {
  const byName = new Map(schema.events.map((e) => [e.name, e]));
  const spanNames = new Set<string>();
  (schema.spans ?? []).forEach((span, i) => {
    const at = (...rest: Path): Path => ['spans', i, ...rest];
    if (spanNames.has(span.name)) err('duplicate-span', at('name'), `span '${span.name}' is declared twice`);
    spanNames.add(span.name);
    const begin = byName.get(span.begin);
    const end = byName.get(span.end);
    if (!begin) err('span-unknown-event', at('begin'), `span '${span.name}' begins with '${span.begin}', which is not an event`);
    if (!end) err('span-unknown-event', at('end'), `span '${span.name}' ends with '${span.end}', which is not an event`);
    // on any ring, only a value both carry tells which begin an end closes
    if (span.scope === 'process' && span.match === undefined)
      err(
        'process-span-without-match',
        at('scope'),
        `span '${span.name}' is process-scoped: it needs a match field to pair its begins and ends across threads`,
      );
    if (!begin || !end || span.match === undefined) return;
    const bf = begin.fields?.find((f) => f.name === span.match);
    const ef = end.fields?.find((f) => f.name === span.match);
    if (!bf || !ef) {
      const missing = [!bf ? span.begin : undefined, !ef ? span.end : undefined].filter(Boolean).join(' and ');
      err(
        'span-unknown-field',
        at('match'),
        `span '${span.name}' matches on '${span.match}', which ${missing} lack${!bf && !ef ? '' : 's'}`,
      );
    } else if (bf.type !== ef.type) {
      err('span-field-mismatch', at('match'), `'${span.match}' is ${bf.type} in '${span.begin}' but ${ef.type} in '${span.end}'`);
    }
  });
}
