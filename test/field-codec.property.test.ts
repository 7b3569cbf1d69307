/**
 * One meaning per record: random data words of every field shape (whole words, bit ranges,
 * signed, bool, enums, flags, 53-bit numbers, bigints, misfits stored and traced) decode to the
 * same values and the same issues through every output path: the generated decoder, the table
 * (and chrome) decoder, and jsonl.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteWriter } from '../generator/trace/output/byte-writer.js';
import { tableLine, writeJsonAt, writeTableAt } from '../generator/trace/decode/formats.js';
import { RecordWriters } from '../generator/trace/decode/record-writers.js';
import { issuesOf, SchemaDecoder } from '../generator/trace/read/schema-decoder.js';
import { readRecord } from '../generator/trace/read/record.js';
import { loadSchemaFile } from '../generator/schema/load-schema.js';
import { flagsText } from '@tracegen/runtime';
import * as packed from './golden/packed/expected/index.js';

const model = loadSchemaFile('test/golden/packed/schema.yaml').model!;
const decoder = new SchemaDecoder(model);
const writers = new RecordWriters(decoder);

/** jsonl of one record, parsed (u64 beyond 2^53 arrive as decimal strings). */
function jsonOf(bytes: Uint8Array): { args: Record<string, unknown>; issues?: { field: string; message: string }[] } {
  let text = '';
  const w = new ByteWriter(new Uint8Array(8192), (b) => void (text += Buffer.from(b).toString('utf8')));
  writeJsonAt(new DataView(bytes.buffer, bytes.byteOffset, 32), 0, writers, w);
  w.flush();
  return JSON.parse(text) as ReturnType<typeof jsonOf>;
}

/** A generated record's field value as jsonl prints it: names for enums and flags, null for NaN, fields wider than 53 bits as strings. */
function asJson(fieldName: string, value: unknown, hasIssue: boolean): unknown {
  const field = model.events.flatMap((e) => e.fields).find((f) => f.names.snake === fieldName)!;
  if (typeof value === 'string') return value; // already a name (the table decoder's enums and flags)
  if (!hasIssue && field.type.kind === 'enum' && typeof value === 'number') return packed.IRQ_KIND_NAMES[value as packed.IrqKind] ?? value;
  if (!hasIssue && field.type.kind === 'flags')
    return flagsText(value as number | bigint, field.type.ref.names.snake === 'perms' ? packed.PERMS_BITS : packed.WIDE_SET_BITS);
  if (typeof value === 'number' && Number.isNaN(value)) return null;
  // one JSON type per field: a field wider than 53 bits is a decimal string whatever its value
  if (typeof value === 'bigint') return value.toString();
  return value;
}

const snake = (camel: string) => camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** Words biased towards the edges of fields: all ones, single bits, small values, random. */
const word = fc.oneof(
  fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
  fc.bigInt({ min: 0n, max: 255n }),
  fc.integer({ min: 0, max: 63 }).map((b) => 1n << BigInt(b)),
  fc.integer({ min: 0, max: 63 }).map((b) => (1n << BigInt(b)) - 1n),
  fc.constant(2n ** 64n - 1n),
);
const record = fc.record({
  id: fc.constantFrom(0, 1, 2, 3, 4, 255, 7),
  d0: word,
  d1: word,
  args: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 2 ** 32 - 1 })),
});

/** One record at timestamp 1000 on CPU 0. */
function recordBytes(id: number, d0: bigint, d1: bigint, args: number): { bytes: Uint8Array; view: DataView } {
  const bytes = new Uint8Array(32);
  const view = new DataView(bytes.buffer);
  view.setBigUint64(0, 1000n, true);
  bytes[8] = id;
  view.setUint32(12, args, true);
  view.setBigUint64(16, d0, true);
  view.setBigUint64(24, d1, true);
  return { bytes, view };
}

describe('one field codec', () => {
  it('every output path gives the same values and the same issues', () => {
    let misfits = 0;
    let argumentMisfits = 0;
    fc.assert(
      fc.property(record, ({ id, d0, d1, args }) => {
        const { bytes, view } = recordBytes(id, d0, d1, args);

        const gen = packed.decodeRecord(bytes);
        const json = jsonOf(bytes);
        const table = decoder.fields(readRecord(view, 0, 0));
        if (gen.event === 'unknown') {
          expect(table).toEqual([]);
          expect(json.args).toEqual({});
          return;
        }
        // the same issues, in the same order, everywhere
        const issues = gen.issues ?? [];
        expect(json.issues ?? []).toEqual(issues);
        expect(issuesOf(table)).toEqual(issues);
        if (issues.some((i) => i.message.startsWith('does not fit'))) misfits++;
        if (issues.some((i) => i.message.startsWith('argument'))) argumentMisfits++;
        if (issues.length) expect(gen.raw).toEqual({ data0: d0, data1: d1 });
        // the same values
        const { event: _e, id: _i, ts: _t, cpu: _c, issues: _is, raw: _r, ...fields } = gen as unknown as Record<string, unknown>;
        expect(Object.keys(json.args)).toEqual(Object.keys(fields).map(snake));
        for (const [camel, value] of Object.entries(fields)) {
          const name = snake(camel);
          const stored = issues.some((i) => i.field === name && !i.message.startsWith('argument'));
          expect(json.args[name]).toEqual(asJson(name, value, stored));
          const t = table.find((f) => f.name === name)!;
          expect(asJson(name, t.value, stored)).toEqual(json.args[name]);
        }
      }),
      { numRuns: 3000, seed: 20261126 },
    );
    // the generators did reach both kinds of misfit
    expect(misfits).toBeGreaterThan(100);
    expect(argumentMisfits).toBeGreaterThan(100);
  });

  it('the streaming table writer prints the line tableLine prints, for every schema, clock and field', () => {
    const veridian = new SchemaDecoder(loadSchemaFile('schema/veridian.yaml').model!);
    fc.assert(
      fc.property(
        record,
        fc.constantFrom(decoder, veridian),
        fc.constantFrom(0, 1e9, 1e6, 2.4e9, 3),
        fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.bigInt({ min: 0n, max: 2n ** 40n })),
        fc.integer({ min: 0, max: 255 }),
        ({ id, d0, d1, args }, d, frequency, ts, cpu) => {
          const bytes = new Uint8Array(32);
          const view = new DataView(bytes.buffer);
          view.setBigUint64(0, ts, true);
          bytes[8] = id;
          bytes[9] = cpu;
          view.setUint32(12, args, true);
          view.setBigUint64(16, d0, true);
          view.setBigUint64(24, d1, true);
          let text = '';
          const w = new ByteWriter(new Uint8Array(8192), (b) => void (text += Buffer.from(b).toString('utf8')));
          writeTableAt(view, 0, new RecordWriters(d), w, frequency);
          w.flush();
          expect(text).toBe(tableLine(readRecord(view, 0, 0), d, frequency));
        },
      ),
      { numRuns: 3000, seed: 20261127 },
    );
  });
});

/** Chrome JSON's args of one record as the rule says (decode-cli.test.ts shows it on examples). */
function chromeArgsRule(fields: ReturnType<SchemaDecoder['fields']>, id: number): Record<string, unknown> {
  const event = decoder.event(id)!;
  const args: Record<string, unknown> = {};
  fields.forEach((f, i) => {
    const v = f.value;
    const max = BigInt(Number.MAX_SAFE_INTEGER);
    const exact = typeof v === 'number' ? Number.isSafeInteger(v) : typeof v === 'bigint' && v >= -max && v <= max;
    const unit = event.fields[i]!.unit;
    args[f.name] = typeof v === 'boolean' ? v : exact ? Number(v) : typeof v === 'string' || f.issue || !unit ? f.text : String(v);
    if (unit) args[`${f.name}_unit`] = unit;
  });
  const issues = issuesOf(fields);
  if (issues.length) args['issues'] = issues.map((i) => `${i.field}: ${i.message}`).join('; ');
  return args;
}

describe('Chrome JSON args', () => {
  it('are the fields the codec reads: numbers while exact, display text past 2^53, misfits as hex, units beside', async () => {
    const { ChromeView } = await import('../generator/trace/decode/chrome-view.js');
    fc.assert(
      fc.property(record, ({ id, d0, d1, args }) => {
        const { view } = recordBytes(id, d0, d1, args);
        if (!decoder.event(id)) return;
        let text = '';
        const out = { bytes: new ByteWriter(new Uint8Array(1 << 16), (b) => void (text += Buffer.from(b).toString('utf8'))) };
        (out as unknown as { write: (t: string) => void }).write = (t: string) => out.bytes.text(t);
        const chrome = new ChromeView(out as never);
        chrome.start({ decoder, frequency: 0, clock: { unit: 'ns', wallClockZeroMs: 0 }, inputName: 'x' });
        chrome.recordAt(view, 0, 0);
        chrome.end();
        out.bytes.flush();
        const events = (JSON.parse(text) as { traceEvents: { ph: string; args: unknown }[] }).traceEvents.filter((e) => e.ph !== 'M');
        const r = readRecord(view, 0, 0);
        expect(events.map((e) => e.args)).toEqual([chromeArgsRule(decoder.fields(r), id)]);
      }),
      { numRuns: 2000, seed: 20261205 },
    );
  });
});
