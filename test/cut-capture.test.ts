/**
 * A capture cut anywhere (the state a crash leaves it in) gives back every whole record before
 * the cut, through every decoder path, and says where it was cut.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as v from '../generated/veridian/index.js';
import { CHUNK_HEADER_BYTES, RECORD_BYTES, Tracer, TraceFileReader } from '@tracegen/runtime';
import { runCli } from './helpers/run-cli.js';

mkdirSync('test/tmp', { recursive: true });
const TMP = mkdtempSync('test/tmp/cut-');
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

const RINGS = 4;
const config = {
  layout: { ringSize: v.RING_SIZE, rings: v.RING_COUNT },
  eventName: v.eventTypeName,
  schemaText: v.SCHEMA_TEXT,
  schemaHash: v.SCHEMA_HASH,
};

/** A capture of three drains over four rings (one tracer per ring, as threads would have). */
function makeCapture(): Uint8Array {
  const reader = new Tracer(config);
  const buffer = reader.tracingBuffer();
  reader.setClock('sequence');
  reader.enable();
  const writers = [reader, ...Array.from({ length: RINGS - 1 }, () => new Tracer(config))];
  for (const t of writers.slice(1)) t.attach(buffer);
  const parts: Uint8Array[] = [];
  let n = 0;
  for (let drain = 0; drain < 3; drain++) {
    for (let k = 0; k < 5; k++)
      for (const [ring, t] of writers.entries()) if ((k + ring + drain) % 4 !== 3) t.write(v.TraceEventType.SchedSwitchIn, ++n, 0, ring, 0);
    parts.push(reader.drain());
  }
  return Buffer.concat(parts);
}

const capture = makeCapture();

/** Where each chunk starts and how many records it has. */
function chunkLayout(bytes: Uint8Array): { headerBytes: number; chunks: { at: number; ring: number; count: number }[] } {
  const r = new TraceFileReader();
  r.feed(bytes);
  const chunks: { at: number; ring: number; count: number }[] = [];
  let at = -1;
  for (const c of r.chunks()) {
    at = at < 0 ? r.header!.byteLength : at;
    chunks.push({ at, ring: c.ring, count: c.count });
    at += CHUNK_HEADER_BYTES + c.count * RECORD_BYTES;
  }
  r.finish();
  return { headerBytes: r.header!.byteLength, chunks };
}

const { headerBytes, chunks } = chunkLayout(capture);

/** Per ring, the records wholly before `cut` (a chunk counts only once its header is whole). */
function wholeBefore(cut: number): number[] {
  const perRing = new Array<number>(RINGS).fill(0);
  for (const c of chunks) {
    if (c.at + CHUNK_HEADER_BYTES > cut) break;
    perRing[c.ring]! += Math.min(c.count, Math.floor((cut - c.at - CHUNK_HEADER_BYTES) / RECORD_BYTES));
  }
  return perRing;
}

function cuts(): number[] {
  const set = new Set<number>([capture.length]);
  for (const c of chunks) {
    set.add(c.at); // a chunk boundary: a valid file
    for (const d of [1, 4, 8, 20, CHUNK_HEADER_BYTES - 1]) set.add(c.at + d); // inside its header
    for (let k = 0; k < c.count; k++) for (const d of [0, 17, 31]) set.add(c.at + CHUNK_HEADER_BYTES + k * RECORD_BYTES + d); // inside each record
  }
  // random offsets from a fixed seed, so a failure can be reproduced
  let seed = 12345;
  for (let i = 0; i < 40; i++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    set.add(headerBytes + (seed % (capture.length - headerBytes)));
  }
  return [...set].sort((a, b) => a - b);
}

const lines = (s: string) => s.split('\n').filter((l) => l !== '');
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** The table, a filter, --last, dump and chrome formats of a cut file. */
async function otherPaths(file: string, code: number, total: number, perRing: number[]): Promise<void> {
  const table = await runCli(['decode', file]);
  expect(table.code).toBe(code);
  expect(lines(table.stdout)).toHaveLength(total + 1);

  const filtered = await runCli(['decode', file, '--format', 'jsonl', '--cpu', '2', '--event', 'sched_switch_in']);
  expect(lines(filtered.stdout)).toHaveLength(perRing[2]!);

  const last = await runCli(['decode', file, '--format', 'jsonl', '--last', '2']);
  expect(last.code).toBe(code);
  expect(lines(last.stdout)).toHaveLength(sum(perRing.map((n) => Math.min(n, 2))));

  const dump = await runCli(['decode', file, '--format', 'dump', '--last', '3']);
  expect(dump.code).toBe(code);
  expect(lines(dump.stdout).filter((l) => /sched_switch_in/.test(l))).toHaveLength(sum(perRing.map((n) => Math.min(n, 3))));

  const chrome = await runCli(['decode', file, '--format', 'chrome']);
  expect(chrome.code).toBe(code);
  const events = (JSON.parse(chrome.stdout) as { traceEvents: { ph: string }[] }).traceEvents;
  expect(events.filter((e) => e.ph === 'i')).toHaveLength(total);
}

describe('a capture cut at any byte', () => {
  it('is made of several chunks per drain over four rings', () => {
    expect(chunks.length).toBeGreaterThanOrEqual(9);
    expect(new Set(chunks.map((c) => c.ring)).size).toBe(RINGS);
  });

  // every cut goes through jsonl in both orders and the generated decoders; every third cut, and
  // every chunk boundary, through every other format, filter and --last as well
  it.each(cuts().map((cut, i) => ({ cut, everyPath: i % 3 === 0 })))(
    'cut at byte $cut: every whole record comes out of every decoder path',
    async ({ cut, everyPath }) => {
      const file = join(TMP, `cut-${cut}.trace`);
      writeFileSync(file, capture.subarray(0, cut));
      const perRing = wholeBefore(cut);
      const total = sum(perRing);
      const atBoundary = cut === capture.length || chunks.some((c) => c.at === cut);
      const code = atBoundary ? 0 : 1;
      const checkError = (stderr: string) => {
        if (atBoundary) expect(stderr).toBe('');
        else expect(stderr).toMatch(new RegExp(`^tracegen: \\S+: cut off at byte ${cut}[,:] [^\\n]*\\n$`));
      };

      for (const order of ['time', 'ring']) {
        const r = await runCli(['decode', file, '--format', 'jsonl', '--order', order]);
        expect(r.code).toBe(code);
        checkError(r.stderr);
        const got = lines(r.stdout).map((l) => JSON.parse(l) as { cpu: number; args: { pid: number } });
        expect(got).toHaveLength(total);
        for (let ring = 0; ring < RINGS; ring++) expect(got.filter((g) => g.cpu === ring)).toHaveLength(perRing[ring]!);
      }

      if (everyPath || atBoundary) await otherPaths(file, code, total, perRing);

      // the generated decoders yield the same records, then throw the same error
      const bytes = capture.subarray(0, cut);
      const viaIterator: v.TraceRecord[] = [];
      const iterate = () => {
        for (const rec of v.decodeTrace(bytes)) viaIterator.push(rec);
      };
      const viaVisit: v.TraceRecord[] = [];
      const visit = () => v.forEachRecord(bytes, (rec) => viaVisit.push(rec));
      if (atBoundary) {
        iterate();
        visit();
      } else {
        expect(iterate).toThrow(/cut off at byte/);
        expect(visit).toThrow(/cut off at byte/);
      }
      expect(viaIterator).toHaveLength(total);
      expect(viaVisit).toHaveLength(total);
    },
  );
});

describe('--last and dump of a capture', () => {
  it('keep at most a ring of records per CPU, whatever the capture or N', async () => {
    // ring 0 of a 4096-record ring written 3 times over, drained as it goes
    const t = new Tracer(config);
    t.setClock('sequence');
    t.enable();
    const parts: Uint8Array[] = [];
    for (let i = 0; i < 3 * v.RING_SIZE; i++) {
      t.write(v.TraceEventType.SchedSwitchIn, i, 0, 0, 0);
      if (i % 1000 === 999) parts.push(t.drain());
    }
    parts.push(t.drain());
    const file = join(TMP, 'long.trace');
    writeFileSync(file, Buffer.concat(parts));
    const dump = await runCli(['decode', file, '--format', 'dump']);
    expect(dump.code).toBe(0);
    const rows = lines(dump.stdout).filter((l) => l.includes('sched_switch_in'));
    expect(lines(dump.stdout)[0]).toBe(`=== Trace Dump (most recent ${v.RING_SIZE} per CPU) ===`);
    expect(rows).toHaveLength(v.RING_SIZE);
    expect(rows.at(-1)).toMatch(new RegExp(`0x0*${(3 * v.RING_SIZE - 1).toString(16)} 0x0+$`));
    const last = await runCli(['decode', file, '--format', 'jsonl', '--last', '100000000']);
    expect(lines(last.stdout)).toHaveLength(v.RING_SIZE);
  });
});
