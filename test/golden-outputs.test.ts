/**
 * Golden files of every text output, on the kernel's own records (test/fixtures/veridian-seed)
 * and the packed golden schema: decode's table, dump, jsonl and Chrome JSON, stats, and the Rust,
 * C and Markdown targets. A change to any of them shows here as a diff; when it is meant,
 * `UPDATE_GOLDEN=1 npx vitest run test/golden-outputs.test.ts` writes the new files.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/run-cli.js';

const DIR = 'test/golden/outputs';
const RINGS = 'test/fixtures/veridian-seed/rings.bin';
const SCHEMA = 'schema/veridian.yaml';
const UPDATE = process.env['UPDATE_GOLDEN'] === '1';

function golden(name: string, text: string): void {
  const path = join(DIR, name);
  if (UPDATE) writeFileSync(path, text);
  expect(existsSync(path), `${path} is missing: UPDATE_GOLDEN=1 writes it`).toBe(true);
  expect(text).toBe(readFileSync(path, 'utf8'));
}

describe('golden text outputs', () => {
  it.each([
    // the last records of each ring: every CPU, every event the seed wrote, misfits among them
    ['decode-table.txt', ['decode', RINGS, '--schema', SCHEMA, '--frequency', '2400000000', '--last', '24']],
    ['decode-ring-order.txt', ['decode', RINGS, '--schema', SCHEMA, '--order', 'ring', '--last', '4']],
    ['decode-dump.txt', ['decode', RINGS, '--schema', SCHEMA, '--format', 'dump', '--last', '24']],
    ['decode.jsonl', ['decode', RINGS, '--schema', SCHEMA, '--format', 'jsonl', '--last', '24']],
    ['decode-chrome.json', ['decode', RINGS, '--schema', SCHEMA, '--format', 'chrome', '--frequency', '2400000000', '--last', '24']],
    ['stats.txt', ['stats', RINGS, '--schema', SCHEMA, '--frequency', '2400000000']],
    ['stats.json', ['stats', RINGS, '--schema', SCHEMA, '--format', 'json']],
  ])('%s', async (name, argv) => {
    const r = await runCli(argv);
    expect(r.code, r.stderr).toBe(0);
    golden(name, r.stdout);
  });

  // a fixed folder: the generated files name the command that made them
  const out = 'test/tmp/golden-outputs';
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it.each([
    ['packed.rs', 'trace_events.rs', 'rust'],
    ['packed.h', 'trace_events.h', 'c'],
    ['packed.md', 'EVENTS.md', 'md'],
  ])('%s', async (name, file, target) => {
    const r = await runCli(['generate', 'test/golden/packed/schema.yaml', '--target', target, '--out', join(out, target)]);
    expect(r.code, r.stderr).toBe(0);
    golden(name, readFileSync(join(out, target, file), 'utf8'));
  });
});
