/**
 * Counter fields (`counter: true`): stats gives each one's min, max, mean and latest value, and
 * Chrome JSON a counter event per value, one track per `<event>.<field>`; a value that does not
 * fit its field is no point of the counter.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ringImage } from './helpers/ring-image.js';
import { runCli } from './helpers/run-cli.js';

const TMP = 'test/tmp/counters';
mkdirSync(TMP, { recursive: true });
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

const SCHEMA = join(TMP, 'queue.yaml');
const TEXT = `tracegen: 1
name: queue
clock: { unit: ns, frequency: 1000000000 }
layout: { ring_size: 16, rings: 2 }
events:
  - id: 0
    name: queue_depth
    doc: the job queue's length, sampled by the main thread
    fields:
      - { name: depth, word: data0, bits: [0, 7], type: u4, counter: true, unit: jobs }
      - { name: shard, word: data1, type: u32 }
`;
writeFileSync(SCHEMA, TEXT);

/** Depths 3, 9, 1 on ring 0, then 5 on ring 1, and a stored 0x1f that does not fit u4. */
function image(): string {
  return ringImage(TMP, 'queue', TEXT, [
    [0, 1000, 0, 3, 1],
    [0, 2000, 0, 9, 1],
    [0, 3000, 0, 1, 1],
    [1, 4000, 0, 5, 1],
    [1, 5000, 0, 0x1f, 1],
  ]).input;
}

describe('counter fields', () => {
  it('stats: min, max, mean and the latest value, in the field unit; a misfit is left out', async () => {
    const input = image();
    const json = await runCli(['stats', input, '--schema', SCHEMA, '--format', 'json']);
    expect(json.code, json.stderr).toBe(0);
    expect((JSON.parse(json.stdout) as { counters: unknown[] }).counters).toEqual([
      { event: 'queue_depth', field: 'depth', count: 4, min: 1, max: 9, mean: 4.5, last: 5, unit: 'jobs' },
    ]);
    const text = await runCli(['stats', input, '--schema', SCHEMA]);
    const lines = text.stdout.split('\n');
    const at = lines.findIndex((l) => l.startsWith('counter'));
    expect(lines.slice(at, at + 2).map((l) => l.split(/\s{2,}/))).toEqual([
      ['counter', 'count', 'min', 'max', 'mean', 'last'],
      ['queue_depth.depth', '4', '1 jobs', '9 jobs', '4.5 jobs', '5 jobs'],
    ]);
  });

  it('Chrome JSON: a counter event per value, on the track of <event>.<field>', async () => {
    const r = await runCli(['decode', image(), '--schema', SCHEMA, '--format', 'chrome']);
    expect(r.code, r.stderr).toBe(0);
    const events = (JSON.parse(r.stdout) as { traceEvents: Record<string, unknown>[] }).traceEvents;
    expect(events.filter((e) => e['ph'] === 'C').map((e) => [e['name'], e['ts'], e['args']])).toEqual([
      ['queue_depth.depth', 1, { depth: 3 }],
      ['queue_depth.depth', 2, { depth: 9 }],
      ['queue_depth.depth', 3, { depth: 1 }],
      ['queue_depth.depth', 4, { depth: 5 }],
    ]);
    // every record is still an instant with its fields
    expect(events.filter((e) => e['ph'] === 'i')).toHaveLength(5);
  });
});
