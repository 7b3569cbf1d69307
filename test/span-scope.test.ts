/**
 * Spans of scope `process`: a begin on one ring and its end on another pair by their match value,
 * in stats, Chrome JSON (an async pair) and query's `spans`; the same records under scope
 * `thread` pair nothing across rings.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { ringImage } from './helpers/ring-image.js';
import { runCli } from './helpers/run-cli.js';

const TMP = 'test/tmp/span-scope';
mkdirSync(TMP, { recursive: true });
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

const schema = (scope: string) => `tracegen: 1
name: pool
clock: { unit: ns, frequency: 1000000000 }
layout: { ring_size: 16, rings: 4 }
events:
  - { id: 0, name: job_queued, doc: queued by the main thread, fields: [{ name: job, word: data0, type: u32 }] }
  - { id: 1, name: job_done, doc: finished by a worker, fields: [{ name: job, word: data0, type: u32 }] }
spans:
  - { name: job, begin: job_queued, end: job_done, match: job, scope: ${scope} }
`;

/** Jobs 7 and 8 queued on ring 0, finished on rings 1 and 2 (8 before 7), and job 9 never finished. */
function image(dir: string, scope: string): { input: string; schemaPath: string } {
  return ringImage(dir, scope, schema(scope), [
    [0, 1000, 0, 7],
    [0, 1100, 0, 8],
    [0, 1200, 0, 9],
    [2, 1500, 1, 8],
    [1, 3000, 1, 7],
  ]);
}

describe('span scope', () => {
  it('process: begins and ends on other rings pair by match in stats; thread: they do not', async () => {
    for (const [scope, count, unmatched] of [
      ['process', 2, 1],
      ['thread', 0, 5],
    ] as const) {
      const { input, schemaPath } = image(TMP, scope);
      const r = await runCli(['stats', input, '--schema', schemaPath, '--format', 'json']);
      expect(r.code, r.stderr).toBe(0);
      const span = (JSON.parse(r.stdout) as { spans: { name: string; count: number; unmatched: number; min: number; max: number }[] })
        .spans[0]!;
      expect([scope, span.count, span.unmatched]).toEqual([scope, count, unmatched]);
      if (scope === 'process') expect([span.min, span.max]).toEqual([400, 2000]);
    }
  });

  it('process: Chrome JSON draws each as an async pair, begin on its thread and end on the other', async () => {
    const { input, schemaPath } = image(TMP, 'process');
    const r = await runCli(['decode', input, '--schema', schemaPath, '--format', 'chrome']);
    expect(r.code, r.stderr).toBe(0);
    const events = (JSON.parse(r.stdout) as { traceEvents: Record<string, unknown>[] }).traceEvents;
    const pairs = events
      .filter((e) => e['ph'] === 'b' || e['ph'] === 'e')
      .map((e) => [e['ph'], e['id'], e['tid'], e['ts'], (e['args'] as { job: number }).job]);
    expect(pairs).toEqual([
      ['b', 1, 0, 1.1, 8],
      ['e', 1, 2, 1.5, 8],
      ['b', 2, 0, 1, 7],
      ['e', 2, 1, 3, 7],
    ]);
    // the begin that never ended is an instant
    expect(events.filter((e) => e['ph'] === 'i').map((e) => (e['args'] as { job: number }).job)).toEqual([9]);
    expect(events.some((e) => e['ph'] === 'X')).toBe(false);
  });

  it("process: query's spans pair them too", async () => {
    const { input, schemaPath } = image(TMP, 'process');
    const r = await runCli([
      'query',
      input,
      '--schema',
      schemaPath,
      'SELECT "match", cpu, duration FROM spans ORDER BY begin_ts',
      '--format',
      'json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([
      { match: '7', cpu: 1, duration: 2000 },
      { match: '8', cpu: 2, duration: 400 },
    ]);
  });
});
