/**
 * The serial scanner (trace/read/sources.ts) on many logs: a dump surrounded and interrupted by
 * random console chatter, with `\n` or `\r\n`, cut into blocks anywhere (inside a line, inside a
 * UTF-8 character), reads to the rows of the clean dump; chatter inside the dump is counted.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadSchemaFile } from '../generator/schema/load-schema.js';
import { SchemaDecoder } from '../generator/trace/read/schema-decoder.js';
import { SerialScanner } from '../generator/trace/read/sources.js';

const DUMP = readFileSync('test/fixtures/veridian-seed/dump.txt', 'utf8').trimEnd().split('\n');
const decoder = new SchemaDecoder(loadSchemaFile('schema/veridian.yaml').model!);
const { rings, ringSize } = decoder.model.layout;

function scan(blocks: Uint8Array[]): ReturnType<SerialScanner['finish']> {
  const s = new SerialScanner((name) => decoder.eventByName(name)?.id ?? -1, rings, rings * ringSize, 'serial.log');
  for (const b of blocks) s.push(b);
  return s.finish();
}

const clean = scan([Buffer.from(`${DUMP.join('\n')}\n`)]);

/** A console line that is not a dump row: kernel messages, prompts, half rows, non-ASCII. */
const chatter = fc
  .oneof(
    fc.string({ maxLength: 80 }).map((s) => s.replace(/[\r\n]/g, ' ')),
    fc.constantFrom('[    0.000] VeridianOS booting', 'veridian> ', '   TIMESTAMP  CPU', '12 0 page_fault 0x1', 'héllo ✓ 世界', ''),
  )
  .filter((line) => !/^\s*\d+\s+\d+\s+\S+\s+0x[0-9a-fA-F]+\s+0x[0-9a-fA-F]+\s*$/.test(line) && !line.includes('==='));

describe('the serial scanner on random chatter', () => {
  it('reads the rows of the dump whatever surrounds and interrupts it, in blocks of any size', () => {
    expect(clean.records.length).toBeGreaterThan(100);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat({ max: DUMP.length }), chatter), { maxLength: 30 }),
        fc.boolean(),
        fc.array(fc.integer({ min: 1, max: 4096 }), { minLength: 1, maxLength: 8 }),
        (inserts, crlf, sizes) => {
          const lines = [...DUMP];
          // inserted from the end, so earlier positions stay where they were drawn
          const sorted = [...inserts].sort((a, b) => b[0] - a[0]);
          for (const [at, line] of sorted) lines.splice(at, 0, line);
          const bytes = Buffer.from(lines.join(crlf ? '\r\n' : '\n') + (crlf ? '\r\n' : '\n'));
          const blocks: Uint8Array[] = [];
          for (let at = 0, i = 0; at < bytes.length; i++) {
            const n = sizes[i % sizes.length]!;
            blocks.push(bytes.subarray(at, at + n));
            at += n;
          }
          const r = scan(blocks);
          expect(r.records).toEqual(clean.records);
          expect([r.count, r.total]).toEqual([clean.count, clean.total]);
          // lines between the title and the total that are not rows; the column header line is not counted
          const inside = inserts.filter(([at]) => at > 0 && at < DUMP.length).length;
          expect(r.skipped).toBeLessThanOrEqual(inside);
        },
      ),
      { numRuns: 150, seed: 2026120503 },
    );
  });
});
