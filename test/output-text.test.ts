/**
 * What a new user reads: units apart from values, counts with their plural, rates without
 * exponents, one JSON type per field, and one text for a value that does not fit, in every output.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { appendRecord, imageBytes } from '@tracegen/runtime';
import { generate } from '../generator/index.js';
import { rateText } from '../generator/trace/stats/stats-format.js';
import { runBin } from './helpers/run-cli.js';

const TMP = 'test/tmp/output-text';
mkdirSync(TMP, { recursive: true });
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

const SCHEMA = join(TMP, 'schema.yaml');
writeFileSync(
  SCHEMA,
  `tracegen: 1
name: texts
clock: { unit: ns }
layout: { ring_size: 16, rings: 1 }
enums:
  mode: { values: { 0: off, 1: on } }
events:
  - id: 0
    name: e
    fields:
      - { name: m, word: data0, bits: [0, 7], type: mode }
      - { name: bytes_total, word: data0, bits: [8, 39], type: u32, unit: bytes }
      - { name: n, word: data1, type: u64 }
`,
);
const IMAGE = join(TMP, 'rings.bin');
const layout = { ringSize: 16, rings: 1 };
const image = new Uint8Array(imageBytes(layout));
appendRecord(image, layout, 0, { timestamp: 5n, id: 0, cpu: 0, data0: 7n | (81920n << 8n), data1: 2n ** 60n });
appendRecord(image, layout, 0, { timestamp: 6n, id: 0, cpu: 0, data0: 1n, data1: 5n });
writeFileSync(IMAGE, image);

describe('text a new user reads', () => {
  it('the table and formatRecord agree: units apart from values, a misfit enum as its raw bits', async () => {
    const table = runBin(['decode', IMAGE, '--schema', SCHEMA]).stdout.trimEnd().split('\n').slice(1);
    expect(table.map((l) => l.slice(l.indexOf(' e ') + 3).trim())).toEqual([
      'm=0x7 (!does not fit u1: 0x7) bytes_total=81920 bytes n=1152921504606846976',
      'm=on bytes_total=0 bytes n=5',
    ]);
    const out = join(TMP, 'gen');
    expect((await generate(SCHEMA, { out })).ok).toBe(true);
    const mod = (await import(`${process.cwd()}/${out}/index.ts`)) as {
      decodeRecord(b: Uint8Array, o: number): unknown;
      formatRecord(r: unknown): string;
    };
    const first = mod.formatRecord(mod.decodeRecord(image, 0));
    expect(first).toBe('e m=0x7 bytes_total=81920 bytes n=1152921504606846976 !m: does not fit u1: 0x7');
  });

  it('jsonl gives each field one JSON type: a u64 is a string even when small', () => {
    const lines = runBin(['decode', IMAGE, '--schema', SCHEMA, '--format', 'jsonl'])
      .stdout.trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { args: Record<string, unknown> });
    expect(lines.map((l) => l.args['n'])).toEqual(['1152921504606846976', '5']);
    expect(lines.map((l) => typeof l.args['bytes_total'])).toEqual(['number', 'number']);
  });

  it('counts with their plural', async () => {
    const { CHUNK_HEADER_BYTES, encodeHeader, writeChunkHeader } = await import('@tracegen/runtime');
    const { loadSchemaFile } = await import('../generator/schema/load-schema.js');
    const model = loadSchemaFile(SCHEMA).model!;
    const header = encodeHeader({ layout, clock: 'ns', frequency: 0, wallClockZeroMs: 0, schemaHash: model.hash, schemaText: model.text });
    const said = (overwritten: number, dropped: number) => {
      const chunk = new Uint8Array(CHUNK_HEADER_BYTES + 32);
      writeChunkHeader(chunk, 0, { ring: 0, count: 1, firstIndex: overwritten + dropped, overwritten, dropped });
      const path = join(TMP, `lossy-${overwritten}-${dropped}.trace`);
      writeFileSync(path, Buffer.concat([header, chunk]));
      return runBin(['decode', path])
        .stderr.split('\n')
        .find((l) => l.includes('the capture lost'));
    };
    expect(said(1, 1)).toBe('tracegen: the capture lost 1 event to overwriting and dropped 1 torn record');
    expect(said(2, 3)).toBe('tracegen: the capture lost 2 events to overwriting and dropped 3 torn records');
  });

  it('rates without exponents', () => {
    expect([2500, 123.456, 12.345, 0.5, 1.5e7].map(rateText)).toEqual(['2500', '123', '12.3', '0.5', '15000000']);
  });
});
