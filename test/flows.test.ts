/**
 * Flows (`flow: true`): records whose flow fields of one name carry one value form a chain across
 * threads. stats counts chains and their end-to-end times; Chrome JSON draws flow events ("s",
 * then "t") and Perfetto flow ids on the slices and instants of the chain's records.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readPerfetto, slicesOf } from './helpers/perfetto.js';
import { ringImage } from './helpers/ring-image.js';
import { runCli } from './helpers/run-cli.js';

const TMP = 'test/tmp/flows';
mkdirSync(TMP, { recursive: true });
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

const TEXT = `tracegen: 1
name: pool
clock: { unit: ns, frequency: 1000000000 }
layout: { ring_size: 16, rings: 3 }
events:
  - { id: 0, name: request_begin, doc: arrived, fields: [{ name: request, word: data0, type: u32, flow: true }] }
  - { id: 1, name: request_end, doc: answered, fields: [{ name: request, word: data0, type: u32, flow: true }] }
  - id: 2
    name: job_queued
    doc: the request's job, handed to the pool
    fields:
      - { name: job, word: data0, bits: [0, 31], type: u32, flow: true }
      - { name: request, word: data0, bits: [32, 63], type: u32, flow: true }
  - { id: 3, name: job_done, doc: finished by a worker, fields: [{ name: job, word: data0, type: u32, flow: true }] }
spans:
  - { name: request, begin: request_begin, end: request_end, match: request }
`;

/** Request 17 queues job 42 (done on ring 1), request 18 job 43 (done on ring 2); job 44 is queued by nothing. */
const { input, schemaPath } = ringImage(TMP, 'pool', TEXT, [
  [0, 1000, 0, 17],
  [0, 1100, 2, (17n << 32n) | 42n],
  [0, 1200, 1, 17],
  [0, 1300, 0, 18],
  [0, 1400, 2, (18n << 32n) | 43n],
  [0, 1500, 1, 18],
  [1, 5000, 3, 42],
  [2, 9400, 3, 43],
  [2, 9500, 3, 44],
]);

describe('flows', () => {
  it('stats: chains per flow, the ones of two records or more, and their end-to-end times', async () => {
    const r = await runCli(['stats', input, '--schema', schemaPath, '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const flows = (JSON.parse(r.stdout) as { flows: Record<string, unknown>[] }).flows;
    expect(flows.map((f) => [f['name'], f['chains'], f['linked'], f['records'], f['min'], f['max'], f['unit']])).toEqual([
      // request 17: 1000, 1100, 1200; 18: 1300, 1400, 1500
      ['request', 2, 2, 6, 200, 200, 'ns'],
      // job 42: 1100 to 5000; 43: 1400 to 9400; 44 alone
      ['job', 3, 2, 5, 3900, 8000, 'ns'],
    ]);
    const text = await runCli(['stats', input, '--schema', schemaPath]);
    const lines = text.stdout.split('\n');
    const at = lines.findIndex((l) => l.startsWith('flow'));
    expect(lines.slice(at, at + 4).map((l) => l.split(/\s{2,}/).slice(0, 6))).toEqual([
      ['flow', 'chains', 'linked', 'records', 'min', 'p50'],
      ['request', '2', '2', '6', '200ns', '200ns'],
      ['job', '3', '2', '5', '3.90us', '3.90us'],
      ['(end-to-end times of the linked chains, first record to last, in ns)'],
    ]);
  });

  it('Chrome JSON: a flow event per record of a chain, "s" first, then "t", one id a chain', async () => {
    const r = await runCli(['decode', input, '--schema', schemaPath, '--format', 'chrome']);
    expect(r.code, r.stderr).toBe(0);
    const events = (JSON.parse(r.stdout) as { traceEvents: Record<string, unknown>[] }).traceEvents;
    const flows = events.filter((e) => e['cat'] === 'flow').map((e) => [e['id'], e['ph'], e['ts'], e['tid'], e['bp']]);
    expect(flows).toEqual([
      ['request:17', 's', 1, 0, 'e'],
      ['job:42', 's', 1.1, 0, 'e'],
      ['request:17', 't', 1.1, 0, 'e'],
      ['request:17', 't', 1.2, 0, 'e'],
      ['request:18', 's', 1.3, 0, 'e'],
      ['job:43', 's', 1.4, 0, 'e'],
      ['request:18', 't', 1.4, 0, 'e'],
      ['request:18', 't', 1.5, 0, 'e'],
      ['job:42', 't', 5, 1, 'e'],
      ['job:43', 't', 9.4, 2, 'e'],
      ['job:44', 's', 9.5, 2, 'e'],
    ]);
  });

  it('Perfetto: each slice and instant carries the flow ids of its records, one id a chain, the same in every record of it', async () => {
    const out = join(TMP, 'pool.pftrace');
    const r = await runCli(['export', input, '--schema', schemaPath, '--format', 'perfetto', '-o', out]);
    expect(r.code, r.stderr).toBe(0);
    const trace = readPerfetto(out);
    expect(slicesOf(trace).map((s) => [s.name, s.begin])).toEqual([
      ['request', 1000n],
      ['request', 1300n],
    ]);
    // in time order, as trace_processor links them
    const carrying = trace.events
      .filter((e) => e.flows.length)
      .sort((a, b) => Number(a.ts - b.ts))
      .map((e) => [e.type, e.name || '-', e.ts, e.flows]);
    expect(carrying.map(([type, name, ts, ids]) => [type, name, ts, (ids as bigint[]).length])).toEqual([
      ['begin', 'request', 1000n, 1],
      ['instant', 'job_queued', 1100n, 2],
      ['begin', 'request', 1300n, 1],
      ['instant', 'job_queued', 1400n, 2],
      ['instant', 'job_done', 5000n, 1],
      ['instant', 'job_done', 9400n, 1],
      ['instant', 'job_done', 9500n, 1],
    ]);
    const ids = (i: number) => carrying[i]![3] as bigint[];
    // request 17's slice and its job_queued share an id; the job_queued and job 42's done another
    expect(ids(1)).toContain(ids(0)[0]);
    expect(ids(1)).toContain(ids(4)[0]);
    expect(ids(3)).toContain(ids(2)[0]);
    expect(ids(3)).toContain(ids(5)[0]);
    // ids of different chains and flows differ
    expect(new Set([ids(0)[0], ids(2)[0], ids(4)[0], ids(5)[0], ids(6)[0]]).size).toBe(5);
  });

  it('validate: a flow id is an integer', async () => {
    const r = await runCli(['validate', 'test/schemas/invalid/flow-not-an-id.yaml']);
    expect(r.code).toBe(1);
    expect(r.stderr + r.stdout).toContain('error[flow-not-an-id]: a flow id is an integer: state is not an integer type');
  });
});
