import type { Span } from '../diagnostics/diagnostic.js';
import type { EnumModel, EventModel, FieldModel, FlagsModel, SchemaModel } from '../model/model.js';
import { rustTypeOf } from '../emit/templates/rust-helpers.js';
import { fieldTsType } from '../emit/ts/types.js';
import { RULES, type Finding, type RuleCode } from './finding.js';
import type { SchemaLocator } from './locate.js';

/** One side of a comparison: a checked schema and where its nodes are. */
export interface SchemaSide {
  readonly model: SchemaModel;
  readonly at: SchemaLocator;
}

/**
 * Compares a new schema with a baseline, matching events by id (never by position or name), and
 * fields within an event by name, then by place. Every difference is a finding with the rule's
 * category; findings point into the new schema, or into the baseline for what was removed.
 *
 * @example
 * const findings = compareSchemas({ model: old, at: oldAt }, { model: next, at: nextAt });
 * const breaking = findings.filter((f) => f.category === 'wire');
 */
export function compareSchemas(base: SchemaSide, next: SchemaSide): Finding[] {
  const out: Finding[] = [];
  const report = (code: RuleCode, side: SchemaSide, span: Span, message: string) =>
    out.push({ file: side.at.file, ...span, code, category: RULES[code], message });
  const add = (code: RuleCode, span: Span, message: string) => report(code, next, span, message);
  const removed = (code: RuleCode, span: Span, message: string) => report(code, base, span, message);
  const b = base.model;
  const n = next.model;

  if (b.name !== n.name) {
    add(
      'schema-renamed',
      next.at.at(['name']),
      `the schema's name changed from '${b.name}' to '${n.name}': the generated folder, SCHEMA_NAME and the C prefix change with it; keep the name to keep the API`,
    );
  }
  if (b.layout.ringSize !== n.layout.ringSize || b.layout.rings !== n.layout.rings) {
    add(
      'layout-changed',
      next.at.at(['layout']),
      `the layout changed from ${b.layout.ringSize} x ${b.layout.rings} to ${n.layout.ringSize} x ${n.layout.rings}: ring images and serial logs of the old layout no longer decode with this schema; keep the layout, or decode old images with the old schema`,
    );
  }
  if (b.clock.unit !== n.clock.unit) {
    add(
      'clock-changed',
      next.at.at(['clock', 'unit']),
      `the clock unit changed from ${b.clock.unit} to ${n.clock.unit}: timestamps of old kernel traces would be read in the wrong unit; keep the unit the kernel's clock has`,
    );
  } else if (b.clock.frequency !== n.clock.frequency) {
    if (b.clock.frequency === undefined)
      add(
        'clock-frequency-added',
        next.at.at(['clock', 'frequency']),
        `the clock's frequency is now known (${n.clock.frequency} Hz): decoders can show time`,
      );
    else {
      add(
        'clock-changed',
        next.at.at(['clock', n.clock.frequency === undefined ? 'unit' : 'frequency']),
        `the clock's frequency changed from ${b.clock.frequency} Hz to ${n.clock.frequency ?? 'unknown'}: old traces would be converted to time with the wrong rate; pass --frequency when decoding instead`,
      );
    }
  }
  if (b.doc !== n.doc) add('doc-changed', next.at.at(['doc']), "the schema's doc changed");

  compareTypes(b.enums, n.enums, base, next, add, removed);
  compareTypes(b.flags, n.flags, base, next, add, removed);

  const nextById = new Map(n.events.map((e) => [e.id, e]));
  const baseById = new Map(b.events.map((e) => [e.id, e]));
  for (const be of b.events) {
    const ne = nextById.get(be.id);
    if (!ne) {
      if (n.reserved.includes(be.id)) {
        removed(
          'event-retired',
          base.at.event(be.id),
          `event ${be.id} '${be.names.snake}' was removed and its id reserved: old traces still decode, but code that calls trace${be.names.pascal} or reads '${be.names.snake}' records breaks`,
        );
      } else {
        removed(
          'event-removed',
          base.at.event(be.id),
          `event ${be.id} '${be.names.snake}' was removed without reserving its id: a later event could take ${be.id} and old traces would decode as it; add ${be.id} to 'reserved'`,
        );
      }
      continue;
    }
    compareEvent(
      be,
      ne,
      n.events.find((e) => e.names.snake === be.names.snake && e.id !== be.id),
      base,
      next,
      add,
      removed,
    );
  }
  for (const ne of n.events) {
    if (baseById.has(ne.id)) continue;
    if (b.reserved.includes(ne.id)) {
      add(
        'reserved-id-reused',
        next.at.event(ne.id, 'id'),
        `id ${ne.id} was reserved and now names '${ne.names.snake}': old traces hold records of the retired event under it, which would decode as '${ne.names.snake}'; give '${ne.names.snake}' an id never used`,
      );
    } else add('event-added', next.at.event(ne.id, 'id'), `event ${ne.id} '${ne.names.snake}' is new`);
  }
  for (const id of b.reserved) {
    if (!n.reserved.includes(id) && !nextById.has(id) && !baseById.has(id)) {
      add(
        'reserved-id-reused',
        next.at.at(['reserved']),
        `id ${id} is no longer reserved: a later event could take it, and old traces of the event it once named would decode as that one; keep ${id} in 'reserved'`,
      );
    }
  }
  for (const id of n.reserved)
    if (!b.reserved.includes(id) && !baseById.has(id)) add('reserved-added', next.at.reserved(id), `id ${id} is now reserved`);

  const spanText = (m: SchemaModel) =>
    new Map(m.spans.map((s) => [s.names.snake, `${s.begin.names.snake}>${s.end.names.snake}:${s.match ?? ''}:${s.scope}:${s.doc}`]));
  const [bs, ns] = [spanText(b), spanText(n)];
  for (const [name, text] of ns)
    if (bs.get(name) !== text)
      add('span-changed', next.at.at(['spans']), bs.has(name) ? `span '${name}' changed` : `span '${name}' is new`);
  for (const name of bs.keys()) if (!ns.has(name)) add('span-changed', next.at.at(['spans']), `span '${name}' was removed`);
  return out;
}

type Add = (code: RuleCode, span: Span, message: string) => void;

function compareEvent(
  be: EventModel,
  ne: EventModel,
  movedTo: EventModel | undefined,
  base: SchemaSide,
  next: SchemaSide,
  add: Add,
  removed: Add,
): void {
  const id = be.id;
  const renamed = be.names.snake !== ne.names.snake;
  if (renamed && movedTo) {
    add(
      'id-reused',
      next.at.event(id, 'name'),
      `id ${id} named '${be.names.snake}', which moved to id ${movedTo.id}, and now names '${ne.names.snake}': old traces would show every '${be.names.snake}' record as '${ne.names.snake}'; keep '${be.names.snake}' at ${id} and give new events new ids`,
    );
    return;
  }
  if (renamed && !sameShapes(be, ne)) {
    add(
      'id-reused',
      next.at.event(id, 'name'),
      `id ${id} named '${be.names.snake}' and now names '${ne.names.snake}', with other fields: old traces would show every '${be.names.snake}' record as '${ne.names.snake}' with nonsense fields; give '${ne.names.snake}' a new id and reserve ${id}`,
    );
    return;
  }
  if (renamed)
    add(
      'event-renamed',
      next.at.event(id, 'name'),
      `event ${id} was renamed from '${be.names.snake}' to '${ne.names.snake}': old traces decode, but code calling trace${be.names.pascal} or matching '${be.names.snake}' breaks`,
    );
  if (be.variant !== ne.variant)
    add(
      'variant-renamed',
      next.at.event(id, 'variant', 'name'),
      `the kernel variant of event ${id} was renamed from ${be.variant} to ${ne.variant}: kernel code naming TraceEventType::${be.variant} breaks`,
    );
  if (be.doc !== ne.doc) add('doc-changed', next.at.event(id, 'doc'), `the doc of '${ne.names.snake}' changed`);

  // fields: by name, then what is left by place (a rename)
  const nextByName = new Map(ne.fields.map((f) => [f.names.snake, f]));
  const baseNames = new Set(be.fields.map((f) => f.names.snake));
  const goneFields = be.fields.filter((f) => !nextByName.has(f.names.snake));
  const newFields = ne.fields.filter((f) => !baseNames.has(f.names.snake));
  for (const bf of be.fields) {
    const nf = nextByName.get(bf.names.snake);
    if (nf) compareField(id, ne.names.snake, bf, nf, be, next, add);
  }
  for (const bf of goneFields) {
    const match = newFields.find((nf) => shape(nf) === shape(bf));
    if (match) {
      newFields.splice(newFields.indexOf(match), 1);
      add(
        'field-renamed',
        next.at.field(id, match.names.snake, 'name'),
        `field '${bf.names.snake}' of '${ne.names.snake}' was renamed to '${match.names.snake}': old traces decode, but code reading .${bf.names.camel} or '${bf.names.snake}' in decoded output breaks`,
      );
      if (bf.doc !== match.doc)
        add('doc-changed', next.at.field(id, match.names.snake, 'doc'), `the doc of '${ne.names.snake}.${match.names.snake}' changed`);
      continue;
    }
    removed(
      'field-removed',
      base.at.field(id, bf.names.snake),
      `field '${bf.names.snake}' of '${be.names.snake}' was removed: its bits in old traces would be read as nothing, and a later field could reuse them; keep the field and stop setting it`,
    );
  }
  for (const nf of newFields) {
    const clash = be.fields.find((bf) => bf.word === nf.word && overlaps(bf.lo, bf.range, nf.lo, nf.range));
    if (clash)
      add(
        'field-reuses-bits',
        next.at.field(id, nf.names.snake, 'bits'),
        `new field '${nf.names.snake}' of '${ne.names.snake}' takes bits that '${clash.names.snake}' held: old traces would show its values as '${nf.names.snake}'; put the new field in bits no field used`,
      );
    else
      add(
        'field-added',
        next.at.field(id, nf.names.snake),
        `field '${nf.names.snake}' of '${ne.names.snake}' is new, in bits no field used: old traces read it as 0, but trace${ne.names.pascal} gains a parameter in every target, so its callers break`,
      );
  }
}

function compareField(id: number, event: string, bf: FieldModel, nf: FieldModel, be: EventModel, next: SchemaSide, add: Add): void {
  const name = `'${event}.${nf.names.snake}'`;
  const at = (key: string) => next.at.field(id, nf.names.snake, key);
  if (bf.word !== nf.word || bf.lo !== nf.lo) {
    add(
      'field-moved',
      at(bf.word !== nf.word ? 'word' : 'bits'),
      `${name} moved from ${place(bf)} to ${place(nf)}: old traces hold it at the old place; add a new field and keep the old one`,
    );
    return;
  }
  if (nf.range < bf.range) {
    add(
      'field-narrowed',
      at('bits'),
      `${name} was narrowed from ${place(bf)} to ${place(nf)}: values in old traces would lose their high bits; keep its bits, or add a new field`,
    );
    return;
  }
  if (nf.range > bf.range) {
    const others = be.fields.filter(
      (f) => f !== bf && f.word === bf.word && overlaps(f.lo, f.range, bf.lo + bf.range, nf.range - bf.range),
    );
    if (others.length) {
      add(
        'field-widened-over',
        at('bits'),
        `${name} was widened into bits that '${others[0]!.names.snake}' used: old traces would show that field's values inside it; widen only into bits no field used`,
      );
      return;
    }
    if (!apiRetyped(bf, nf, name, at('bits'), add))
      add('field-widened', at('bits'), `${name} was widened from ${place(bf)} to ${place(nf)}, into bits no field used`);
  }
  const widenedBits = nf.range > bf.range;
  const [bk, nk] = [kindOf(bf), kindOf(nf)];
  if (bk !== nk) {
    if ((bk === 'uint' && nk === 'int') || (bk === 'int' && nk === 'uint')) {
      add(
        'field-signedness',
        at('type'),
        `${name} changed from ${typeText(bf)} to ${typeText(nf)}: old values with the top bit set would change sign; add a new field instead`,
      );
    } else
      add(
        'field-retyped',
        at('type'),
        `${name} changed from ${typeText(bf)} to ${typeText(nf)}: old traces would be read as the new type; add a new field instead`,
      );
    return;
  }
  if (bf.type.kind === 'enum' || bf.type.kind === 'flags') {
    const [br, nr] = [bf.type.ref, (nf.type as typeof bf.type).ref];
    if (br.names.snake !== nr.names.snake) {
      if (labels(br) === labels(nr))
        add(
          'type-renamed',
          at('type'),
          `${name} now has the ${nr.kind} '${nr.names.snake}', the same values as '${br.names.snake}' under another name: code naming the type breaks`,
        );
      else
        add(
          'field-retyped',
          at('type'),
          `${name} changed from ${bf.type.kind} '${br.names.snake}' to '${nr.names.snake}', with other values: old values would be read with the new names; add a new field instead`,
        );
      return;
    }
  }
  if (nf.type.width < bf.type.width) {
    add(
      'field-narrowed',
      at('type'),
      `${name} was narrowed from ${typeText(bf)} to ${typeText(nf)}: values in old traces may not fit; keep the type`,
    );
  } else if (nf.type.width > bf.type.width && !widenedBits && bf.type.kind !== 'enum' && bf.type.kind !== 'flags') {
    if (!apiRetyped(bf, nf, name, at('type'), add))
      add('field-widened', at('type'), `${name} was widened from ${typeText(bf)} to ${typeText(nf)}: old values still fit`);
  }
  if ((bf.unit ?? '') !== (nf.unit ?? ''))
    add(
      'field-unit-changed',
      at('unit'),
      `the unit of ${name} changed from ${bf.unit ?? 'none'} to ${nf.unit ?? 'none'}: old values would be read in the new unit; add a new field in the new unit`,
    );
  if (bf.format !== nf.format) add('format-changed', at('format'), `${name} is now shown as ${nf.format} (was ${bf.format})`);
  if (bf.counter !== nf.counter)
    add('counter-changed', at(nf.counter ? 'counter' : 'name'), `${name} is ${nf.counter ? 'now' : 'no longer'} a counter`);
  if (bf.flow !== nf.flow) add('flow-changed', at(nf.flow ? 'flow' : 'name'), `${name} is ${nf.flow ? 'now' : 'no longer'} a flow id`);
  if (bf.doc !== nf.doc) add('doc-changed', at('doc'), `the doc of ${name} changed`);
}

/** Enums and flag sets, matched by name; values by number (enums) or bit (flags). */
function compareTypes<T extends EnumModel | FlagsModel>(
  bs: readonly T[],
  ns: readonly T[],
  base: SchemaSide,
  next: SchemaSide,
  add: Add,
  removed: Add,
): void {
  const group = (t: T) => (t.kind === 'enum' ? 'enums' : 'flags');
  const entries = (t: T): [number, string][] =>
    t.kind === 'enum' ? t.values.map((v) => [v.value, v.names.snake]) : t.bits.map((b) => [b.bit, b.names.snake]);
  const nextByName = new Map(ns.map((t) => [t.names.snake, t]));
  for (const bt of bs) {
    const nt = nextByName.get(bt.names.snake);
    const what = bt.kind === 'enum' ? 'enum' : 'flags set';
    if (!nt) {
      removed(
        'type-removed',
        base.at.key([group(bt), bt.names.snake]),
        `the ${what} '${bt.names.snake}' was removed: code naming its type breaks`,
      );
      continue;
    }
    const [unit, moved, gone, renamedCode, addedCode] =
      bt.kind === 'enum'
        ? (['value', 'enum-value-moved', 'enum-value-removed', 'enum-value-renamed', 'enum-value-added'] as const)
        : (['bit', 'flag-moved', 'flag-removed', 'flag-renamed', 'flag-added'] as const);
    const key = bt.kind === 'enum' ? 'values' : 'bits';
    const nextByNumber = new Map(entries(nt));
    const nextByLabel = new Map(entries(nt).map(([k, v]) => [v, k]));
    const baseByNumber = new Map(entries(bt));
    for (const [num, label] of entries(bt)) {
      const now = nextByNumber.get(num);
      const movedTo = nextByLabel.get(label);
      if (movedTo !== undefined && movedTo !== num) {
        add(
          moved,
          next.at.key([group(nt), nt.names.snake, key, movedTo]),
          `'${bt.names.snake}.${label}' moved from ${unit} ${num} to ${movedTo}: old traces hold it as ${num}${now !== undefined ? `, which now reads as '${now}'` : ''}; keep ${label} at ${num}`,
        );
      } else if (now === undefined) {
        removed(
          gone,
          base.at.key([group(bt), bt.names.snake, key, num]),
          `'${bt.names.snake}.${label}' (${unit} ${num}) was removed: old traces that hold it would show it without a name; keep it`,
        );
      } else if (now !== label) {
        add(
          renamedCode,
          next.at.key([group(nt), nt.names.snake, key, num]),
          `'${bt.names.snake}.${label}' (${unit} ${num}) was renamed to '${now}': old traces decode, but code and output readers using '${label}' break`,
        );
      }
    }
    for (const [num, label] of entries(nt)) {
      if (!baseByNumber.has(num) && !entries(bt).some(([, l]) => l === label))
        add(addedCode, next.at.key([group(nt), nt.names.snake, key, num]), `'${nt.names.snake}.${label}' (${unit} ${num}) is new`);
    }
    if (bt.doc !== nt.doc)
      add('doc-changed', next.at.key([group(nt), nt.names.snake]), `the doc of the ${what} '${nt.names.snake}' changed`);
  }
  const baseNames = new Set(bs.map((t) => t.names.snake));
  for (const nt of ns)
    if (!baseNames.has(nt.names.snake))
      add(
        'type-added',
        next.at.key([group(nt), nt.names.snake]),
        `the ${nt.kind === 'enum' ? 'enum' : 'flags set'} '${nt.names.snake}' is new`,
      );
}

/**
 * A widened field whose parameter (and decoded value) changes type in a generated API: old traces
 * read fine, but callers break (a u16 variable passed where Rust now wants a u32; a number where
 * TypeScript now wants a bigint). Reports it and says true; false when every API keeps its types.
 * C converts integers implicitly, so its callers never break here.
 */
function apiRetyped(bf: FieldModel, nf: FieldModel, name: string, span: Span, add: Add): boolean {
  const rust = (f: FieldModel) => rustTypeOf(f.type.kind, f.type.width, undefined);
  const changed = [
    ...(fieldTsType(bf) !== fieldTsType(nf) ? [`${fieldTsType(nf)} in TypeScript (was ${fieldTsType(bf)})`] : []),
    ...(rust(bf) !== rust(nf) ? [`${rust(nf)} in Rust (was ${rust(bf)})`] : []),
  ];
  if (!changed.length) return false;
  add(
    'field-api-retyped',
    span,
    `${name} was widened from ${typeText(bf)} to ${typeText(nf)}: old traces read fine, but its parameter and decoded value are now ${changed.join(' and ')}, so callers of the old API break`,
  );
  return true;
}

function kindOf(f: FieldModel): string {
  return f.type.kind;
}

function typeText(f: FieldModel): string {
  switch (f.type.kind) {
    case 'uint':
      return `u${f.type.width}`;
    case 'int':
      return `i${f.type.width}`;
    case 'bool':
    case 'string':
      return f.type.kind;
    default:
      return `${f.type.kind} '${f.type.ref.names.snake}'`;
  }
}

function place(f: FieldModel): string {
  return `data${f.word} bits ${f.lo}-${f.lo + f.range - 1}`;
}

/** What a field means on the wire: its place and type (not its name, format or doc). */
function shape(f: FieldModel): string {
  return `${f.word}:${f.lo}:${f.range}:${typeText(f)}:${f.unit ?? ''}`;
}

function sameShapes(a: EventModel, b: EventModel): boolean {
  return (
    a.fields.length === b.fields.length &&
    a.fields.every((f, i) => shape(f) === shape(b.fields[i]!) && f.names.snake === b.fields[i]!.names.snake)
  );
}

function labels(t: EnumModel | FlagsModel): string {
  return t.kind === 'enum'
    ? t.values.map((v) => `${v.value}=${v.names.snake}`).join(',')
    : t.bits.map((b) => `${b.bit}=${b.names.snake}`).join(',');
}

function overlaps(aLo: number, aLen: number, bLo: number, bLen: number): boolean {
  return aLo < bLo + bLen && bLo < aLo + aLen;
}
