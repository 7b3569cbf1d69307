/**
 * Named tracks: a thread names its ring (`setThreadName`, `attachTracing(buffer, { name })`), the
 * trace file carries the names (name sections), and every output shows them.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTraceFile, TRACE_FILE_VERSION, TraceFileReader } from '@tracegen/runtime';
import { readPerfetto } from './helpers/perfetto.js';
import { ROOT, runCli } from './helpers/run-cli.js';

const TMP = 'test/tmp/named-tracks';
const TRACE = join(TMP, 'named.trace');

beforeAll(() => {
  rmSync(TMP, { recursive: true, force: true });
  mkdirSync(TMP, { recursive: true });
  // the main thread names ring 0 and a worker names the ring it claims; a third name is cut at a character
  const script = `
    import { writeFileSync, appendFileSync } from 'node:fs';
    import { Worker } from 'node:worker_threads';
    import * as v from './dist/generated/veridian/index.js';
    v.enable();
    v.setThreadName('http main');
    v.traceSyscallEntry(1, 0n);
    writeFileSync(${JSON.stringify(TRACE)}, v.drain());
    const src = "import { workerData, parentPort } from 'node:worker_threads';" +
      "import * as v from '${ROOT}/dist/generated/veridian/index.js';" +
      "v.attachTracing(workerData, { name: 'http worker ' + 'é'.repeat(40) }); v.traceSyscallEntry(2, 0n); v.traceSyscallExit(2, 0n); parentPort.postMessage(0);";
    const w = new Worker(src, { eval: true, workerData: v.tracingBuffer() });
    await new Promise((r) => w.once('message', r));
    v.traceSyscallExit(1, 0n);
    appendFileSync(${JSON.stringify(TRACE)}, v.drain());
    await w.terminate();`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
});
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

/** 'http worker ' and as many 'é' (2 bytes each) as fit 56 bytes: 22. */
const WORKER = `http worker ${'é'.repeat(22)}`;

describe('named tracks', () => {
  it('the trace file carries each name once, before the records after it; a long name is cut at a character', () => {
    const bytes = readFileSync(TRACE);
    const reader = new TraceFileReader();
    reader.feed(bytes);
    [...reader.chunks()];
    reader.finish();
    expect([...reader.names]).toEqual([
      [0, 'http main'],
      [1, WORKER],
    ]);
    expect(readTraceFile(bytes).header.version).toBe(TRACE_FILE_VERSION);
  });

  it('decode, stats, Chrome JSON, Perfetto and CTF show them', async () => {
    const table = await runCli(['decode', TRACE]);
    expect(table.stdout).toContain('--- ring 0 is "http main" ---\n');
    expect(table.stdout).toContain(`--- ring 1 is "${WORKER}" ---\n`);
    const stats = await runCli(['stats', TRACE, '--format', 'json']);
    expect((JSON.parse(stats.stdout) as { threads: unknown }).threads).toEqual([
      { ring: 0, name: 'http main' },
      { ring: 1, name: WORKER },
    ]);
    const chrome = await runCli(['decode', TRACE, '--format', 'chrome']);
    const names = (JSON.parse(chrome.stdout) as { traceEvents: Record<string, unknown>[] }).traceEvents
      .filter((e) => e['name'] === 'thread_name')
      .map((e) => [e['tid'], (e['args'] as { name: string }).name])
      .sort((a, b) => Number(a[0]) - Number(b[0]));
    expect(names).toEqual([
      [0, 'http main'],
      [1, WORKER],
    ]);
    const out = join(TMP, 'named.pftrace');
    expect((await runCli(['export', TRACE, '--format', 'perfetto', '-o', out])).code).toBe(0);
    const threads = [...readPerfetto(out).tracks.values()]
      .filter((t) => t.kind === 'thread')
      .map((t) => [t.tid, t.name])
      .sort((a, b) => Number(a[0]) - Number(b[0]));
    expect(threads).toEqual([
      [1, 'http main'],
      [2, WORKER],
    ]);
    const ctf = join(TMP, 'named.ctf');
    expect((await runCli(['export', TRACE, '--format', 'ctf', '-o', ctf])).code).toBe(0);
    const metadata = readFileSync(join(ctf, 'metadata'), 'utf8');
    expect(metadata).toContain('\tthread_name_0 = "http main";');
    expect(metadata).toContain(`\tthread_name_1 = "${WORKER}";`);
  });
});
