/**
 * Captures that several runs appended to one file (the README's `appendFileSync(drain())`, run
 * twice): the file says which run each record belongs to, and no reader mixes them.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeHeader, readTraceFile } from '@tracegen/runtime';
import { decode, DecodeOptionError } from '../generator/index.js';
import { ROOT, runCli } from './helpers/run-cli.js';

const TMP = join(ROOT, 'test/tmp/runs');
const TWO = join(TMP, 'two.trace');

/** One process tracing: three switches, a drain appended, a syscall, another drain appended. */
function traceOnce(path: string, pid: number): void {
  const script = `
    import { appendFileSync } from 'node:fs';
    import * as v from './dist/generated/veridian/index.js';
    v.enable();
    for (let i = 0; i < 3; i++) v.traceSchedSwitchIn(${pid}, i);
    appendFileSync(${JSON.stringify(path)}, v.drain());
    v.traceSyscallEntry(1, 0n);
    v.traceSyscallExit(1, 0n);
    appendFileSync(${JSON.stringify(path)}, v.drain());`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
}

beforeAll(() => {
  rmSync(TMP, { recursive: true, force: true });
  mkdirSync(TMP, { recursive: true });
  traceOnce(TWO, 100);
  traceOnce(TWO, 200);
});
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

describe('runs appended to one capture', () => {
  it('every header carries its run id; a run that drains twice is one run, another process another', async () => {
    const { chunks } = readTraceFile(readFileSync(TWO));
    expect(chunks.map((c) => c.run)).toEqual([1, 1, 2, 2]);
    const one = join(TMP, 'one.trace');
    traceOnce(one, 7);
    expect(readTraceFile(readFileSync(one)).chunks.map((c) => c.run)).toEqual([1, 1]);
  });

  it('decode prints each run in turn, named, never merged by time; --run picks one', async () => {
    const table = await runCli(['decode', TWO]);
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split('\n').slice(1);
    const marker = lines.findIndex((l) => l.startsWith('--- run 2 of '));
    expect(marker).toBe(5);
    expect(lines[marker]).toMatch(
      /^--- run 2 of .*two\.trace \(id [0-9a-f]{8}, started \d{4}-\d\d-\d\dT[\d:.]+Z\); its timestamps start again ---$/,
    );
    expect(
      lines
        .slice(0, marker)
        .filter((l) => l.includes('sched_switch_in'))
        .every((l) => l.includes('pid=100')),
    ).toBe(true);
    expect(
      lines
        .slice(marker + 1)
        .filter((l) => l.includes('sched_switch_in'))
        .every((l) => l.includes('pid=200')),
    ).toBe(true);
    const second = await runCli(['decode', TWO, '--run', '2', '--format', 'jsonl']);
    expect(second.code).toBe(0);
    const records = second.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { event: string; args: Record<string, unknown> });
    expect(records.map((r) => r.event)).toEqual(['sched_switch_in', 'sched_switch_in', 'sched_switch_in', 'syscall_entry', 'syscall_exit']);
    expect(records.filter((r) => r.event === 'sched_switch_in').map((r) => r.args['pid'])).toEqual([200, 200, 200]);
    const absent = await runCli(['decode', TWO, '--run', '3']);
    expect([absent.code, absent.stderr.split('\n')[0]]).toEqual([2, `tracegen: --run 3: ${TWO} holds 2 runs`]);
  });

  it('every other reader refuses to mix runs (exit 2, naming --run), and reads one when told', async () => {
    const refusals = [
      ['decode', TWO, '--format', 'jsonl'],
      ['decode', TWO, '--format', 'chrome'],
      ['decode', TWO, '--format', 'dump'],
      ['stats', TWO],
      ['report', TWO, '-o', join(TMP, 'r.html')],
      ['export', TWO, '--format', 'ctf', '-o', join(TMP, 'x.ctf')],
      ['query', TWO, 'SELECT count(*) FROM events'],
    ];
    for (const args of refusals) {
      const r = await runCli(args);
      expect([args.join(' '), r.code]).toEqual([args.join(' '), 2]);
      expect(r.stderr).toContain(`${TWO} holds more than one run: run 2 (id `);
      expect(r.stderr).toContain('give --run N for one');
    }
    const stats = JSON.parse((await runCli(['stats', TWO, '--run', '1', '--format', 'json'])).stdout) as {
      total: number;
      spans: { count: number }[];
    };
    expect([stats.total, stats.spans[0]!.count]).toEqual([5, 1]);
    expect((await runCli(['export', TWO, '--run', '2', '--format', 'ctf', '-o', join(TMP, 'x.ctf')])).code).toBe(0);
    const q = await runCli(['query', TWO, '--run', '2', 'SELECT count(*) AS n FROM events', '--format', 'csv']);
    expect([q.code, q.stdout.trim().split('\n').at(-1)]).toEqual([0, '5']);
  });

  it('the generated decoders: runs one after another in file order, and `run` picks one', async () => {
    const v = await import('../generated/veridian/index.js');
    const bytes = readFileSync(TWO);
    const pids = (options: { run?: number }) =>
      [...v.decodeTrace(bytes, options)].flatMap((r) => (r.event === 'sched_switch_in' ? [r.pid] : []));
    expect(pids({})).toEqual([100, 100, 100, 200, 200, 200]);
    expect(pids({ run: 2 })).toEqual([200, 200, 200]);
    let n = 0;
    v.forEachRecord(bytes, () => n++, { run: 1 });
    expect(n).toBe(5);
  });

  it('the API too', async () => {
    expect(() => decode(TWO)).toThrow(DecodeOptionError);
    const second = decode(TWO, { run: 2 });
    expect(second.records.filter((r) => r.event === 'sched_switch_in').map((r) => r.fields['pid'])).toEqual([200, 200, 200]);
  });

  it('files of writers without run ids: each header begins a run', async () => {
    const { header, chunks } = readTraceFile(readFileSync(TWO));
    const bytes = readFileSync(TWO);
    // the same file with its run ids zeroed, as an older writer left them
    const old = Buffer.from(bytes);
    for (let at = 0; at < old.length; at = old.indexOf('TRACEGEN', at + 1)) {
      if (at < 0) break;
      old.writeUInt32LE(0, at + 84);
    }
    expect(encodeHeader({ ...header, runId: 0 }).length).toBe(header.byteLength);
    expect(readTraceFile(old).chunks.map((c) => c.run)).toEqual(chunks.map((c) => c.run));
  });
});
