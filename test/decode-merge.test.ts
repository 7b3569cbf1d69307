import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { Tracer } from '@tracegen/runtime';
import * as v from '../generated/veridian/index.js';
import { runCli } from './helpers/run-cli.js';

afterAll(() => rmSync('test/tmp/rings3.trace', { force: true }));

/** A tracer of the veridian schema with a fixed layout, like the generated module's. */
const tracer = () =>
  new Tracer({
    layout: { ringSize: v.RING_SIZE, rings: v.RING_COUNT },
    eventName: v.eventTypeName,
    schemaText: v.SCHEMA_TEXT,
    schemaHash: v.SCHEMA_HASH,
  });

describe('decoding a capture of several rings', () => {
  it('merges the rings by timestamp across drains, every event once, ties in file order', async () => {
    const main = tracer();
    main.setClock('sequence'); // a total order to check against
    main.enable();
    const others = [tracer(), tracer()];
    for (const t of others) t.attach(main.tracingBuffer());
    const parts: Uint8Array[] = [main.drain()];
    let seq = 0;
    for (let round = 0; round < 30; round++) {
      // bursts of different lengths per ring, so drains cut each ring at a different moment
      for (let i = 0; i < 97; i++) {
        const t = [main, ...others][(round + i) % 3]!;
        t.write(3, seq++, 0, round, 0);
      }
      parts.push(main.drain());
    }
    mkdirSync('test/tmp', { recursive: true });
    writeFileSync('test/tmp/rings3.trace', Buffer.concat(parts));
    const r = await runCli(['decode', 'test/tmp/rings3.trace', '--format', 'jsonl']);
    expect(r.code).toBe(0);
    const records = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { ts: string; cpu: number; args: { pid: number } });
    expect(records.map((x) => x.args.pid)).toEqual(Array.from({ length: seq }, (_, i) => i));
    expect(new Set(records.map((x) => x.cpu))).toEqual(new Set([0, 1, 2]));
    const ring = await runCli(['decode', 'test/tmp/rings3.trace', '--format', 'jsonl', '--order', 'ring']);
    const byRing = ring.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { cpu: number });
    expect(byRing).toHaveLength(seq);
  });
});
