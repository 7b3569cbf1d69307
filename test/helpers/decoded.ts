import { spawnSync } from 'node:child_process';
import { expect } from 'vitest';
import { ROOT, runBin } from './run-cli.js';

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
