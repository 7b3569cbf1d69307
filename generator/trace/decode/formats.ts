import {
  dumpText,
  OFFSET_ARG_MISFITS,
  OFFSET_CPU,
  OFFSET_DATA0,
  OFFSET_DATA1,
  OFFSET_ID,
  OFFSET_TIMESTAMP,
  TWO_32,
} from '@tracegen/runtime';
import { readRecord, u64Big, u64Text, type DecodedRecord } from '../read/record.js';
import { fragment, type ByteWriter } from '../output/byte-writer.js';
import { JsonArgs } from './json-args.js';
import type { SchemaDecoder } from '../read/schema-decoder.js';
import type { RecordWriters } from './record-writers.js';

const P_TS = fragment('{"ts":"');
const P_CPU = fragment('","cpu":');
const P_ID = fragment(',"id":');
const P_NULL = fragment('null');
const P_EVENT = fragment(',"event":"');
const P_DATA0 = fragment('","data0":"');
const P_DATA1 = fragment('","data1":"');
const P_ARGS = fragment('","args":');
const P_ISSUES = fragment(',"issues":[');
const P_END = fragment('}\n');
const P_END_ISSUES = fragment(']}\n');
const issues = new JsonArgs();

/**
 * `jsonl`: one object per event, keys in a fixed order: `ts` (decimal string), `cpu`, `id`,
 * `event`, `data0`, `data1` (raw words, decimal strings), then `args` (numbers when safe
 * integers, else decimal strings; enums and flags by name), `issues` when a value did not fit,
 * and `name` for serial rows whose printed name the schema lacks. Written as bytes.
 */
export function writeJsonLine(r: DecodedRecord, writers: RecordWriters, w: ByteWriter): void {
  writeJson(r.tsHi, r.tsLo, r.cpu, r.id, r.d0lo, r.d0hi, r.d1lo, r.d1hi, r.args, r.name, writers, w);
}

/** The same, for the record at byte `o` of `view` (the streaming path: no record object). */
export function writeJsonAt(view: DataView, o: number, writers: RecordWriters, w: ByteWriter): void {
  writeJson(
    view.getUint32(o + OFFSET_TIMESTAMP + 4, true),
    view.getUint32(o + OFFSET_TIMESTAMP, true),
    view.getUint8(o + OFFSET_CPU),
    view.getUint8(o + OFFSET_ID),
    view.getUint32(o + OFFSET_DATA0, true),
    view.getUint32(o + OFFSET_DATA0 + 4, true),
    view.getUint32(o + OFFSET_DATA1, true),
    view.getUint32(o + OFFSET_DATA1 + 4, true),
    view.getUint32(o + OFFSET_ARG_MISFITS, true),
    undefined,
    writers,
    w,
  );
}

function writeJson(
  tsHi: number,
  tsLo: number,
  cpu: number,
  id: number,
  d0lo: number,
  d0hi: number,
  d1lo: number,
  d1hi: number,
  args: number,
  name: string | undefined,
  writers: RecordWriters,
  w: ByteWriter,
): void {
  w.reserve(4096);
  w.bytes(P_TS);
  w.u64(tsHi, tsLo);
  w.bytes(P_CPU);
  w.uint(cpu);
  w.bytes(P_ID);
  if (id < 0) w.bytes(P_NULL);
  else w.uint(id);
  w.bytes(P_EVENT);
  w.bytes(writers.nameBytes(id));
  w.bytes(P_DATA0);
  w.u64(d0hi, d0lo);
  w.bytes(P_DATA1);
  w.u64(d1hi, d1lo);
  w.bytes(P_ARGS);
  writers.writeJsonArgs(id, d0lo, d0hi, d1lo, d1hi, args, w, issues);
  if (id < 0 && name !== undefined)
    w.ascii(`,"name":${JSON.stringify(name).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}`);
  if (issues.count) {
    w.bytes(P_ISSUES);
    issues.write(w);
    w.bytes(P_END_ISSUES);
  } else w.bytes(P_END);
}

/** The table's header line. */
export function tableHeader(seconds: boolean): string {
  return `${(seconds ? 'TIME (s)' : 'TIMESTAMP').padStart(20)} ${'CPU'.padStart(4)} ${'EVENT'.padEnd(18)} FIELDS\n`;
}

/**
 * A timestamp as the table shows it: seconds to the nanosecond when the frequency is known,
 * else the raw count. Clocks whose count is a whole number of ns (1 GHz, 1 MHz...) are divided
 * exactly; others through a double.
 */
export function timestampText(hi: number, lo: number, frequency: number): string {
  if (frequency <= 0) return u64Text(hi, lo);
  if (exactSeconds(hi, lo, frequency)) return `${exact.seconds}.${String(exact.ns).padStart(9, '0')}`;
  return (Number(u64Big(hi, lo)) / frequency).toFixed(9);
}

/** What exactSeconds() found: scratch, so the hot path allocates nothing. */
const exact = { seconds: 0, ns: 0 };

/** Splits a timestamp into whole seconds and ns when the clock counts whole ns (and the count is below 2^53). */
function exactSeconds(hi: number, lo: number, frequency: number): boolean {
  const nsPerCount = 1e9 / frequency;
  if (!Number.isInteger(nsPerCount) || hi >= 0x200000) return false;
  const v = hi * TWO_32 + lo;
  exact.seconds = Math.floor(v / frequency);
  exact.ns = (v - exact.seconds * frequency) * nsPerCount;
  return true;
}

/** `table`: one readable line per event, fields by name with their display formats. */
export function tableLine(r: DecodedRecord, decoder: SchemaDecoder, frequency: number): string {
  const ts = timestampText(r.tsHi, r.tsLo, frequency);
  const event = decoder.event(r.id);
  let line = `${ts.padStart(20)} ${String(r.cpu).padStart(4)} ${(event ? event.names.snake : r.name !== undefined && r.id < 0 ? `unknown(${r.name})` : `unknown(${r.id})`).padEnd(18)}`;
  if (!event) return `${line} data0=0x${u64Big(r.d0hi, r.d0lo).toString(16)} data1=0x${u64Big(r.d1hi, r.d1lo).toString(16)}\n`;
  for (const f of decoder.fields(r)) {
    const issues = [f.issue, f.argumentIssue].filter((i) => i !== undefined);
    line += ` ${f.name}=${f.text}${issues.length ? ` (!${issues.join('; ')})` : ''}`;
  }
  return line + '\n';
}

const SPACES = fragment(' '.repeat(32));
const NEWLINE = fragment('\n');
const POINT = fragment('.');

/**
 * The same line written as bytes from the record at byte `o` of `view` (the streaming path):
 * records of ids the schema defines, without argument misfits, are written field by field with
 * no strings or objects in between; the others go through tableLine().
 */
export function writeTableAt(view: DataView, o: number, writers: RecordWriters, w: ByteWriter, frequency: number): void {
  const id = view.getUint8(o + OFFSET_ID);
  const fields = writers.tableArgs(id);
  if (fields === undefined || view.getUint32(o + OFFSET_ARG_MISFITS, true) !== 0) {
    w.text(tableLine(readRecord(view, o, 0), writers.decoder, frequency));
    return;
  }
  w.reserve(4096);
  const hi = view.getUint32(o + OFFSET_TIMESTAMP + 4, true);
  const lo = view.getUint32(o + OFFSET_TIMESTAMP, true);
  // timestampText() written as digits where it can be
  if (frequency <= 0 && hi < 0x200000) w.uintPadded(hi * TWO_32 + lo, 20);
  else if (frequency > 0 && exactSeconds(hi, lo, frequency)) {
    w.uintPadded(exact.seconds, 10);
    w.bytes(POINT);
    w.uintPadded(exact.ns, 9, 48);
  } else {
    const ts = timestampText(hi, lo, frequency);
    if (ts.length < 20) w.bytes(SPACES.subarray(0, 20 - ts.length));
    w.ascii(ts);
  }
  const cpu = view.getUint8(o + OFFSET_CPU);
  w.bytes(SPACES.subarray(0, cpu < 10 ? 4 : cpu < 100 ? 3 : 2));
  w.uint(cpu);
  w.bytes(writers.tableName(id));
  fields(
    view.getUint32(o + OFFSET_DATA0, true),
    view.getUint32(o + OFFSET_DATA0 + 4, true),
    view.getUint32(o + OFFSET_DATA1, true),
    view.getUint32(o + OFFSET_DATA1 + 4, true),
    w,
  );
  w.bytes(NEWLINE);
}

/**
 * `dump`: exactly what the kernel's `dump_trace(count)` prints for the same rings: per ring in
 * order, its most recent `count` records oldest first, skipping timestamp 0, then the total.
 */
export function dumpLines(byRing: ReadonlyMap<number, DecodedRecord[]>, count: number, total: number, decoder: SchemaDecoder): string {
  const rows = [...byRing.keys()]
    .sort((a, b) => a - b)
    .flatMap((ring) => byRing.get(ring)!)
    .map((r) => ({
      timestamp: u64Big(r.tsHi, r.tsLo),
      cpu: r.cpu,
      name: r.name ?? decoder.nameOf(r),
      data0: u64Big(r.d0hi, r.d0lo),
      data1: u64Big(r.d1hi, r.d1lo),
    }));
  return dumpText(rows, count, total).join('\n') + '\n';
}
