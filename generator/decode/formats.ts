import { dumpLine, DUMP_COLUMNS, DUMP_TITLE, DUMP_TOTAL } from '../../runtime/index.js';
import { u64Big, u64Text, type DecodedRecord } from './record.js';
import type { SchemaDecoder } from './schema-decoder.js';

export type OutputFormat = 'table' | 'jsonl' | 'dump';

/**
 * `jsonl`: one object per event, keys in a fixed order: `ts` (decimal string), `cpu`, `id`,
 * `event`, `data0`, `data1` (raw words, decimal strings), then `args` (numbers when safe
 * integers, else decimal strings; enums and flags by name), and `issues` when a value did not fit.
 */
export function jsonLine(r: DecodedRecord, decoder: SchemaDecoder): string {
  const name = r.name !== undefined && r.id < 0 ? 'unknown' : decoder.nameOf(r);
  let line = `{"ts":"${u64Text(r.tsHi, r.tsLo)}","cpu":${r.cpu},"id":${r.id < 0 ? 'null' : r.id},"event":"${name}","data0":"${u64Text(r.d0hi, r.d0lo)}","data1":"${u64Text(r.d1hi, r.d1lo)}","args":{`;
  let issues = '';
  const fields = decoder.fields(r);
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    line += `${i ? ',' : ''}"${f.name}":${jsonValue(f.value)}`;
    if (f.issue) issues += `${issues ? ',' : ''}{"field":"${f.name}","message":${JSON.stringify(f.issue)}}`;
  }
  line += '}';
  if (r.id < 0 && r.name !== undefined) line += `,"name":${JSON.stringify(r.name)}`;
  return issues ? `${line},"issues":[${issues}]}\n` : `${line}}\n`;
}

function jsonValue(v: number | bigint | boolean | string): string {
  switch (typeof v) {
    case 'number':
      return String(v);
    case 'bigint':
      return v >= -9007199254740991n && v <= 9007199254740991n ? v.toString() : `"${v.toString()}"`;
    case 'boolean':
      return v ? 'true' : 'false';
    default:
      return JSON.stringify(v);
  }
}

/** The table's header line. */
export function tableHeader(seconds: boolean): string {
  return `${(seconds ? 'TIME (s)' : 'TIMESTAMP').padStart(20)} ${'CPU'.padStart(4)} ${'EVENT'.padEnd(18)} FIELDS\n`;
}

/** `table`: one readable line per event, fields by name with their display formats. */
export function tableLine(r: DecodedRecord, decoder: SchemaDecoder, frequency: number): string {
  const ts = frequency > 0 ? (Number(u64Big(r.tsHi, r.tsLo)) / frequency).toFixed(9) : u64Text(r.tsHi, r.tsLo);
  const event = decoder.event(r.id);
  let line = `${ts.padStart(20)} ${String(r.cpu).padStart(4)} ${(event ? event.names.snake : r.name !== undefined && r.id < 0 ? `unknown(${r.name})` : `unknown(${r.id})`).padEnd(18)}`;
  if (!event) return `${line} data0=0x${u64Big(r.d0hi, r.d0lo).toString(16)} data1=0x${u64Big(r.d1hi, r.d1lo).toString(16)}\n`;
  for (const f of decoder.fields(r)) line += ` ${f.name}=${f.text}${f.issue ? ` (!${f.issue})` : ''}`;
  return line + '\n';
}

/**
 * `dump`: exactly what the kernel's `dump_trace(count)` prints for the same rings: per ring in
 * order, its most recent `count` records oldest first, skipping timestamp 0, then the total.
 */
export function dumpLines(byRing: ReadonlyMap<number, DecodedRecord[]>, count: number, total: number, decoder: SchemaDecoder): string {
  let out = DUMP_TITLE(count) + '\n' + DUMP_COLUMNS + '\n';
  for (const ring of [...byRing.keys()].sort((a, b) => a - b)) {
    for (const r of byRing.get(ring)!) {
      if (r.tsHi === 0 && r.tsLo === 0) continue;
      const name = r.name ?? decoder.nameOf(r);
      out += dumpLine(u64Big(r.tsHi, r.tsLo), r.cpu, name, u64Big(r.d0hi, r.d0lo), u64Big(r.d1hi, r.d1lo)) + '\n';
    }
  }
  return out + DUMP_TOTAL(total) + '\n';
}
