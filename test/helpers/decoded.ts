import { spawnSync } from 'node:child_process';
import { expect } from 'vitest';
import { ROOT, runBin, runCli } from './run-cli.js';

/** One line of `tracegen decode --format jsonl`. */
export interface JsonRecord {
  ts: string;
  cpu: number;
  id: number;
  event: string;
  data0: string;
  data1: string;
  args: Record<string, unknown>;
  issues?: { field: string; message: string }[];
}

/** The same, from the CLI run in this process (for tests that decode many small inputs). */
export async function decodeJsonlHere(input: string, extra: readonly string[] = []): Promise<JsonRecord[]> {
  const r = await runCli(['decode', input, '--format', 'jsonl', ...extra]);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as JsonRecord);
}

/** What `tracegen decode INPUT --format jsonl ...extra` prints, parsed (the built binary, as users run it). */
export function decodeJsonl(input: string, extra: readonly string[] = []): JsonRecord[] {
  const r = runBin(['decode', input, '--format', 'jsonl', ...extra]);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as JsonRecord);
}

/** A runtime capture written by the main thread and two workers (examples/worker-pool). */
export function makePoolCapture(path: string): void {
  const r = spawnSync(process.execPath, ['dist/examples/worker-pool/main.js', path, '2', '300'], { cwd: ROOT, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
}

/**
 * A capture of `records` records or more on the sequence clock, drained every 300 spans: syscall
 * spans that do not nest, each around 1-8 page faults and frame allocations (a fixed pseudo-random
 * sequence). Large enough to cross drain, appender-chunk and Parquet row-group boundaries.
 */
export function makeSpanCapture(path: string, records: number): void {
  const script = `
    import { closeSync, openSync, writeSync } from 'node:fs';
    import * as v from './dist/generated/veridian/index.js';
    const fd = openSync(${JSON.stringify(path)}, 'w');
    v.setClock('sequence');
    v.enable();
    let events = 0, spans = 0, seed = 1;
    const rnd = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    while (events < ${records}) {
      for (let k = 0; k < 300; k++) {
        const nr = spans++ & 0x1ff;
        v.traceSyscallEntry(nr, 0n);
        const n = 1 + Math.floor(rnd() * 8);
        for (let j = 0; j < n; j++) rnd() < 0.5 ? v.tracePageFault(0xdead000n, 2) : v.traceFrameAlloc(0x1000n, 0);
        v.traceSyscallExit(nr, 0n);
        events += n + 2;
      }
      writeSync(fd, v.drain());
    }
    closeSync(fd);`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
}
