import type { EventModel, FieldModel, SchemaModel } from '../../schema/model/model.js';

/**
 * The columns of `events`, the one table of `tracegen export --format parquet` and `tracegen
 * query`: first the record as stored, then one typed column per schema field, computed in SQL
 * from the stored words by the field rules of runtime/bits.ts (a property test holds the two
 * equal on random records).
 *
 *   ts UBIGINT, cpu UTINYINT, id UTINYINT, event VARCHAR (the printed name, `unknown` for ids
 *   the schema lacks), data0 UBIGINT, data1 UBIGINT (the raw words)
 *
 * **Naming rule.** A field's column is its schema name (`syscall_nr`), shared by every event
 * that has a field of that name and type. Enums and flags put their names in `<field>` and the
 * number in `<field>_raw`; so do string fields, their text in `<field>` (from the run's string
 * table, `<raw table>_strings`) and their id in `<field>_raw`. When events give one name different types, or a name is taken by a
 * column above, the column is `<event>__<field>` for each such event. A column is NULL on rows
 * whose event lacks the field, and when the stored bits do not fit the field's type (the raw
 * words keep them); an enum value with no name has a NULL name and its number in `_raw`.
 */

/** The stored record, as the raw table holds it. */
export const RECORD_COLUMNS = [
  { name: 'ts', type: 'UBIGINT' },
  { name: 'cpu', type: 'UTINYINT' },
  { name: 'id', type: 'UTINYINT' },
  { name: 'data0', type: 'UBIGINT' },
  { name: 'data1', type: 'UBIGINT' },
] as const;

export interface EventColumn {
  readonly name: string;
  /** The SQL expression over the raw columns. */
  readonly sql: string;
}

const TWO_64 = 2n ** 64n;

/**
 * Every column of `events`, in order, as `SELECT` expressions over a table with RECORD_COLUMNS.
 *
 * @example
 * const names = eventColumns(model).map((c) => c.name); // ['ts', 'cpu', 'id', 'event', 'data0', 'data1', ...]
 */
export function eventColumns(model: SchemaModel, table = 'raw'): EventColumn[] {
  const names = model.events.map((e) => `'${e.names.snake}'`).join(', ');
  const byId = model.events.map((e) => `WHEN ${e.id} THEN ${sqlString(e.names.snake)}`).join(' ');
  const columns: EventColumn[] = [
    { name: 'ts', sql: 'ts' },
    { name: 'cpu', sql: 'cpu' },
    { name: 'id', sql: 'id' },
    // an ENUM keeps the Parquet column dictionary-encoded and small
    { name: 'event', sql: `CAST(CASE id ${byId} ELSE 'unknown' END AS ENUM(${names ? `${names}, ` : ''}'unknown'))` },
    { name: 'data0', sql: 'data0' },
    { name: 'data1', sql: 'data1' },
  ];
  const taken = new Set(columns.map((c) => c.name));
  // group fields by name; a name whose fields disagree on type, or clash, goes per event
  const groups = new Map<string, { event: EventModel; field: FieldModel }[]>();
  for (const event of model.events)
    for (const field of event.fields) groups.set(field.names.snake, [...(groups.get(field.names.snake) ?? []), { event, field }]);
  const planned: { name: string; members: { event: EventModel; field: FieldModel }[] }[] = [];
  for (const [name, members] of groups) {
    const shared = members.every((m) => m.field.typeName === members[0]!.field.typeName) && !taken.has(name) && !taken.has(`${name}_raw`);
    if (shared) planned.push({ name, members });
    else for (const m of members) planned.push({ name: `${m.event.names.snake}__${name}`, members: [m] });
  }
  for (const p of planned) {
    const type = p.members[0]!.field.type;
    const labelled = type.kind === 'enum' || type.kind === 'flags' || type.kind === 'string';
    const label = type.kind === 'string' ? (f: FieldModel) => stringSql(f, table) : labelSql;
    columns.push({ name: p.name, sql: byEvent(p.members, labelled ? label : valueSql) });
    if (labelled) columns.push({ name: `${p.name}_raw`, sql: byEvent(p.members, (f) => fitting(f, rawBits(f), sqlType(f))) });
  }
  return columns;
}

/** A column of several events: each event's expression, NULL for the others. */
function byEvent(members: readonly { event: EventModel; field: FieldModel }[], expr: (f: FieldModel) => string): string {
  return `CASE ${members.map((m) => `WHEN id = ${m.event.id} THEN ${expr(m.field)}`).join(' ')} END`;
}

/** The bits of a field's range, unsigned (UBIGINT). */
function rawBits(f: FieldModel): string {
  const word = f.word === 0 ? 'data0' : 'data1';
  if (f.range === 64) return word;
  const shifted = f.lo ? `(${word} >> ${f.lo})` : word;
  return `(${shifted} & ${((1n << BigInt(f.range)) - 1n).toString()}::UBIGINT)`;
}

/** The value when the raw bits fit an unsigned type of the field's width, else NULL. */
function fitting(f: FieldModel, raw: string, type: string): string {
  if (f.type.width >= f.range) return `${raw}::${type}`;
  return `CASE WHEN ${raw} < ${(1n << BigInt(f.type.width)).toString()}::UBIGINT THEN ${raw}::${type} END`;
}

function valueSql(f: FieldModel): string {
  const raw = rawBits(f);
  switch (f.type.kind) {
    case 'bool':
      return `CASE ${raw} WHEN 0 THEN false WHEN 1 THEN true END`;
    case 'int': {
      // sign-extend from the range, then the value must fit the type's width
      const half = 1n << BigInt(f.range - 1);
      const signed = `(${raw}::HUGEINT - CASE WHEN ${raw} >= ${half}::UBIGINT THEN ${(half * 2n).toString()}::HUGEINT ELSE 0 END)`;
      const limit = 1n << BigInt(f.type.width - 1);
      if (f.type.width >= f.range) return `${signed}::${sqlType(f)}`;
      return `CASE WHEN ${signed} >= -${limit} AND ${signed} < ${limit} THEN ${signed}::${sqlType(f)} END`;
    }
    default:
      return fitting(f, raw, sqlType(f));
  }
}

/** The table of a raw table's strings (RawEvents.saveStrings). */
export function stringsTableOf(table: string): string {
  return quoteIdent(`${table}_strings`);
}

/** A string field's text from the run's string table; NULL when the table lacks its id. */
function stringSql(f: FieldModel, table: string): string {
  return `(SELECT text FROM ${stringsTableOf(table)} s WHERE s.id = ${fitting(f, rawBits(f), sqlType(f))})`;
}

/** An enum's value name or a flags set's names joined by `|`, as decode prints them. */
function labelSql(f: FieldModel): string {
  const raw = rawBits(f);
  const fits = f.type.width >= f.range ? 'true' : `${raw} < ${(1n << BigInt(f.type.width)).toString()}::UBIGINT`;
  if (f.type.kind === 'enum') {
    const cases = f.type.ref.values.map((v) => `WHEN ${v.value} THEN ${sqlString(v.names.snake)}`).join(' ');
    return `CASE WHEN ${fits} THEN CASE ${raw} ${cases} END END`;
  }
  if (f.type.kind !== 'flags') throw new Error('labels are for enums and flags');
  let named = 0n;
  const parts = f.type.ref.bits.map((b) => {
    const m = 1n << BigInt(b.bit);
    named |= m;
    return `CASE WHEN ${raw} & ${m}::UBIGINT <> 0 THEN ${sqlString(b.names.snake)} END`;
  });
  const rest = `(${raw} & ${(TWO_64 - 1n - named).toString()}::UBIGINT)`;
  parts.push(`CASE WHEN ${rest} <> 0 THEN '0x' || lower(hex(${rest})) END`);
  return `CASE WHEN NOT (${fits}) THEN NULL WHEN ${raw} = 0 THEN '0' ELSE concat_ws('|', ${parts.join(', ')}) END`;
}

/**
 * The `SELECT` of the `events` columns from a table of RECORD_COLUMNS.
 *
 * @example
 * await db.run(`COPY (${eventsSelect(model, 'raw')}) TO 'out.parquet' (FORMAT parquet)`);
 */
export function eventsSelect(model: SchemaModel, table: string): string {
  const columns = eventColumns(model, table)
    .map((c) => `${c.sql} AS ${quoteIdent(c.name)}`)
    .join(', ');
  return `SELECT ${columns} FROM ${quoteIdent(table)}`;
}

/** The SQL type of a field's value (enums and flags: of their number). */
function sqlType(f: FieldModel): string {
  if (f.type.kind === 'bool') return 'BOOLEAN';
  // a string field's number is its id in the string table
  const w = f.type.width;
  const size = w <= 8 ? 'TINYINT' : w <= 16 ? 'SMALLINT' : w <= 32 ? 'INTEGER' : 'BIGINT';
  return f.type.kind === 'int' ? size : `U${size}`;
}

/** A SQL string literal. */
export function sqlString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/** A SQL identifier, quoted. */
export function quoteIdent(s: string): string {
  return `"${s.replaceAll('"', '""')}"`;
}
