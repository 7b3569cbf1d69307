import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { cli } from '../../generator/cli/main.js';
import type { CliIo } from '../../generator/cli/io.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = fileURLToPath(new URL('../../dist/generator/cli/bin.js', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout as bytes, for binary output. */
  bytes: Buffer;
}

/**
 * Runs the CLI function in-process with captured streams; `cwd` runs it from that folder (each
 * test file runs in a process of its own, one test at a time, so changing folder is safe).
 */
export async function runCli(
  argv: string[],
  opts: { stdoutTTY?: boolean; stderrTTY?: boolean; now?: () => number; cwd?: string } = {},
): Promise<CliResult> {
  const out: Buffer[] = [];
  let err = '';
  const io: CliIo = {
    stdout: { write: (c: string | Uint8Array) => out.push(Buffer.from(c)), isTTY: opts.stdoutTTY ?? false },
    stderr: { write: (c: string) => (err += c), isTTY: opts.stderrTTY ?? false },
    ...(opts.now ? { now: opts.now } : {}),
  };
  const here = process.cwd();
  if (opts.cwd) process.chdir(opts.cwd);
  let code: number;
  try {
    code = await cli(argv, io);
  } finally {
    process.chdir(here);
  }
  const bytes = Buffer.concat(out);
  return { code, stdout: bytes.toString('utf8'), stderr: err, bytes };
}

/** Runs the built binary as a real process (what users and CI run). */
export function runBin(argv: string[], input?: Buffer | string, cwd = ROOT): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...argv], { cwd, input, maxBuffer: 1 << 30 });
  return { code: r.status ?? -1, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8'), bytes: r.stdout };
}

/** True when text looks like a JavaScript stack trace. */
export function hasStackTrace(text: string): boolean {
  return /^\s+at .+\(.+:\d+:\d+\)$/m.test(text) || /\n\s+at /.test(text);
}
