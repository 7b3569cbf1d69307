/**
 * `startCapture`: the flight recorder. Each case runs a real process that traces into a capture
 * and ends a different way: stop(), a normal exit, SIGTERM, an uncaught exception, SIGKILL.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTraceFile } from '@tracegen/runtime';
import { ROOT, runBin } from './helpers/run-cli.js';

const TMP = join(ROOT, 'test/tmp/capture');
beforeAll(() => {
  rmSync(TMP, { recursive: true, force: true });
  mkdirSync(TMP, { recursive: true });
});
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

/** A process that starts a capture, runs `body` (which may use `capture` and `v`), then `end`. */
function script(path: string, options: string, body: string): string {
  return `
    import * as v from './dist/generated/veridian/index.js';
    v.enable();
    const capture = v.startCapture(${JSON.stringify(path)}, ${options});
    ${body}`;
}
const run = (source: string) => spawnSync(process.execPath, ['--input-type=module', '-e', source], { cwd: ROOT, encoding: 'utf8' });
/** The records a capture decodes to (every file holds whole drains). */
const recordsOf = (path: string) => readTraceFile(readFileSync(path)).chunks.reduce((n, c) => n + c.count, 0);

describe('startCapture', () => {
  it('stop() drains and closes; stats say what the file holds and what the rings lost before a drain', () => {
    const path = join(TMP, 'stopped.trace');
    // 10,000 events between two drains overflow the 4096-record ring: what it overwrote is missed
    const r = run(
      script(
        path,
        '{ intervalMs: 60000 }',
        `for (let i = 0; i < 10000; i++) v.traceSchedSwitchIn(i, 1);
         capture.stop();
         capture.stop(); // twice is once
         console.log(JSON.stringify(capture.stats()));`,
      ),
    );
    expect(r.status, r.stderr).toBe(0);
    const stats = JSON.parse(r.stdout) as {
      bytes: number;
      drains: number;
      files: number;
      rings: { ring: number; recorded: number; overwritten: number }[];
    };
    expect(stats.rings[0]).toMatchObject({ ring: 0, recorded: 4096, overwritten: 10000 - 4096 });
    expect(stats.rings.slice(1).every((x) => x.recorded === 0)).toBe(true);
    expect(stats.bytes).toBe(statSync(path).size);
    expect(recordsOf(path)).toBe(4096);
    const decoded = runBin(['decode', path, '--format', 'jsonl']);
    expect(decoded.code).toBe(0);
    expect(decoded.stderr).toContain('lost 5904 events to overwriting');
  });

  it('an exit without stop(), SIGTERM and an uncaught exception still drain the last events', () => {
    const cases: [string, string, number | null, string | null][] = [
      ['exit', '', 0, null],
      ['sigterm', "process.kill(process.pid, 'SIGTERM'); setTimeout(() => {}, 5000);", null, 'SIGTERM'],
      ['crash', "setTimeout(() => { throw new Error('boom'); }, 0);", 1, null],
    ];
    for (const [name, end, status, signal] of cases) {
      const path = join(TMP, `${name}.trace`);
      const r = run(script(path, '{ intervalMs: 60000 }', `for (let i = 0; i < 100; i++) v.traceSchedSwitchIn(i, 2); ${end}`));
      expect([name, r.status, r.signal]).toEqual([name, status, signal]);
      expect([name, recordsOf(path)]).toEqual([name, 100]);
    }
  });

  it('a process killed with SIGKILL leaves a capture that decodes up to its last drain', async () => {
    const path = join(TMP, 'killed.trace');
    const child = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        script(
          path,
          '{ intervalMs: 20 }',
          `let i = 0; setInterval(() => { for (let k = 0; k < 500; k++) v.traceSchedSwitchIn(i++, 3); }, 5);`,
        ),
      ],
      { cwd: ROOT },
    );
    for (let i = 0; i < 200 && !(existsSync(path) && statSync(path).size > 20_000); i++) await new Promise((r) => setTimeout(r, 25));
    child.kill('SIGKILL');
    await new Promise((r) => child.on('close', r));
    const decoded = runBin(['decode', path, '--format', 'jsonl']);
    expect([0, 1]).toContain(decoded.code); // 1 only if the kill cut the last chunk
    const lines = decoded.stdout.trim().split('\n');
    expect(lines.length).toBeGreaterThan(500);
    // every record decoded, in order, from the first one on
    expect(lines.map((l) => (JSON.parse(l) as { args: { pid: number } }).args.pid)).toEqual(lines.map((_, k) => k));
  });

  it('maxBytes rotates: the newest files hold the last stretch, each a trace file of the same run', () => {
    const path = join(TMP, 'rotating.trace');
    const r = run(
      script(
        path,
        '{ intervalMs: 5, maxBytes: 64 * 1024, files: 3 }',
        `for (let k = 0; k < 12; k++) {
           for (let i = 0; i < 1000; i++) v.traceSchedSwitchIn(k * 1000 + i, 4);
           await new Promise((r) => setTimeout(r, 30)); // the capture's timer drains meanwhile
         }
         capture.stop();
         console.log(JSON.stringify(capture.stats()));`,
      ),
    );
    expect(r.status, r.stderr).toBe(0);
    expect(existsSync(`${path}.3`)).toBe(false);
    const runIds = new Set<number>();
    for (const f of [path, `${path}.1`, `${path}.2`]) {
      const file = readTraceFile(readFileSync(f));
      runIds.add(file.header.runId);
      expect(statSync(f).size).toBeLessThanOrEqual(64 * 1024 + 4096 * 32 + 4096);
    }
    expect(runIds.size).toBe(1);
    const stats = JSON.parse(r.stdout) as { files: number; rings: { recorded: number }[] };
    expect(stats.files).toBeGreaterThanOrEqual(4);
    expect(stats.rings[0]!.recorded).toBe(12_000);
    // the files kept hold the last stretch: it ends with the last event
    const pids = runBin(['decode', path, '--format', 'jsonl'])
      .stdout.trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { args: { pid: number } }).args.pid);
    expect(pids.at(-1)).toBe(11_999);
  });
});
