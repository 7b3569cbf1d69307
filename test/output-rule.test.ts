/**
 * One output rule for every writer (docs/cli.md, "Outputs"): the same table of places run
 * against decode -o, report -o, export --format parquet and ctf, generate, and the API. A device,
 * FIFO or link target is written in place and stays what it is; the input itself and a folder
 * are refused (exit 2); a missing parent, a full device and a read-only place fail in one line
 * (exit 1) leaving nothing; what a killed run left aside goes with the next run.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportTrace } from '../generator/index.js';
import { BIN, hasStackTrace, ROOT, runCli } from './helpers/run-cli.js';

const TMP = join(ROOT, 'test/tmp/output-rule');
const INPUT = join(TMP, 'rings.bin');
const SCHEMA = join(TMP, 'veridian.yaml');
const CAN_MKNOD = spawnSync('mknod', [join(ROOT, 'test/tmp/.mknod-probe'), 'c', '1', '3']).status === 0;
rmSync(join(ROOT, 'test/tmp/.mknod-probe'), { force: true });

interface Writer {
  readonly name: string;
  /** Files (or, for `folder`, a folder) it writes at `out`. */
  readonly kind: 'file' | 'folder' | 'generated';
  /** Runs it with output at `out`: exit code and stderr. */
  readonly run: (out: string) => Promise<{ code: number; stderr: string }>;
}

const cli = async (argv: string[]) => {
  const r = await runCli(argv);
  return { code: r.code, stderr: r.stderr };
};
const WRITERS: Writer[] = [
  { name: 'decode -o', kind: 'file', run: (out) => cli(['decode', INPUT, '--schema', SCHEMA, '--format', 'jsonl', '-o', out]) },
  { name: 'report -o', kind: 'file', run: (out) => cli(['report', INPUT, '--schema', SCHEMA, '-o', out]) },
  { name: 'export parquet', kind: 'file', run: (out) => cli(['export', INPUT, '--schema', SCHEMA, '--format', 'parquet', '-o', out]) },
  {
    name: 'API exportTrace parquet',
    kind: 'file',
    run: async (out) => {
      try {
        await exportTrace(INPUT, { schema: SCHEMA, format: 'parquet', output: out });
        return { code: 0, stderr: '' };
      } catch (e) {
        const name = (e as Error).name;
        return { code: name === 'DecodeOptionError' ? 2 : 1, stderr: `tracegen: ${(e as Error).message}\n` };
      }
    },
  },
  { name: 'export ctf', kind: 'folder', run: (out) => cli(['export', INPUT, '--schema', SCHEMA, '--format', 'ctf', '-o', out]) },
  // generate's output is a folder of files: the place under test is its EVENTS.md
  {
    name: 'generate',
    kind: 'generated',
    run: (out) => cli(['generate', SCHEMA, '--target', 'md', '--out', join(out, '..')]),
  },
];

let n = 0;
/** A fresh folder for one case; generate's place is `<folder>/EVENTS.md`. */
function place(w: Writer): { dir: string; out: string } {
  const dir = join(TMP, `case-${n++}`);
  mkdirSync(dir);
  return { dir, out: join(dir, w.kind === 'generated' ? 'EVENTS.md' : w.kind === 'folder' ? 'out.ctf' : 'out.bin') };
}
/** Nothing a writer puts aside (`.NAME.PID.tmp`, a private temp folder) is left in `dir`. */
const asideLeft = (dir: string) => readdirSync(dir).filter((f) => f.includes('.tmp'));
/** One line (a usage error adds the line that names --help), no stack trace, no internal error. */
const oneLine = (stderr: string) => {
  const lines = stderr.trim().split('\n');
  expect(
    lines.filter((l) => !/^Run 'tracegen \w+ --help' for usage\.$/.test(l)),
    stderr,
  ).toHaveLength(1);
  expect(stderr).not.toContain('internal error');
  expect(hasStackTrace(stderr)).toBe(false);
};

beforeAll(() => {
  rmSync(TMP, { recursive: true, force: true });
  mkdirSync(TMP, { recursive: true });
  cpSync('test/fixtures/veridian-seed/rings.bin', INPUT);
  cpSync('schema/veridian.yaml', SCHEMA);
});
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

describe.each(WRITERS)('$name', (w) => {
  it.runIf(CAN_MKNOD)('a device: written in place, still a device (or, for a folder or generated file, refused)', async () => {
    const { dir, out } = place(w);
    spawnSync('mknod', [out, 'c', '1', '3']); // this test's own /dev/null
    const r = await w.run(out);
    expect(r.code).toBe(w.kind === 'file' ? 0 : 2);
    expect(lstatSync(out).isCharacterDevice()).toBe(true);
    expect(asideLeft(dir)).toEqual([]);
  });

  it.runIf(CAN_MKNOD)('a full device: one line, exit 1, still a device, nothing aside', async () => {
    if (w.kind !== 'file') return;
    const { dir, out } = place(w);
    spawnSync('mknod', [out, 'c', '1', '7']); // this test's own /dev/full
    const r = await w.run(out);
    expect(r.code).toBe(1);
    oneLine(r.stderr);
    expect(r.stderr).toContain('no space left');
    expect(lstatSync(out).isCharacterDevice()).toBe(true);
    expect(asideLeft(dir)).toEqual([]);
  });

  it('a FIFO: written in place to its reader, still a FIFO (or refused)', async () => {
    const { dir, out } = place(w);
    spawnSync('mkfifo', [out]);
    if (w.kind !== 'file') {
      expect((await w.run(out)).code).toBe(2);
      expect(lstatSync(out).isFIFO()).toBe(true);
      return;
    }
    const reader = spawn('wc', ['-c', out]);
    let got = '';
    reader.stdout.on('data', (d: Buffer) => (got += d.toString()));
    const done = new Promise((r) => reader.on('close', r));
    const r = await w.run(out);
    await done;
    expect(r.code, r.stderr).toBe(0);
    expect(Number.parseInt(got, 10)).toBeGreaterThan(100);
    expect(lstatSync(out).isFIFO()).toBe(true);
    expect(asideLeft(dir)).toEqual([]);
  });

  it('a symlink: its target is written, the link stays a link', async () => {
    const { dir, out } = place(w);
    const target = join(dir, w.kind === 'folder' ? 'target.ctf' : 'target');
    if (w.kind === 'folder') mkdirSync(target);
    if (w.kind === 'generated') writeFileSync(target, '<!-- @generated by tracegen from an older schema. DO NOT EDIT. -->\n');
    symlinkSync(target, out);
    const r = await w.run(out);
    expect(r.code, r.stderr).toBe(0);
    expect(lstatSync(out).isSymbolicLink()).toBe(true);
    if (w.kind === 'folder') expect(existsSync(join(target, 'metadata'))).toBe(true);
    else expect(statSync(target).size).toBeGreaterThan(100);
    expect(asideLeft(dir)).toEqual([]);
  });

  it('the input itself, also through a link: refused, exit 2, the input unchanged', async () => {
    if (w.kind !== 'file') return; // a folder is never the input; generate's own inputs: generate-golden.test.ts
    const before = readFileSync(INPUT);
    for (const out of [INPUT, join(place(w).dir, 'link-to-input')]) {
      if (out !== INPUT) symlinkSync(INPUT, out);
      const r = await w.run(out);
      expect([out, r.code]).toEqual([out, 2]);
      oneLine(r.stderr);
      expect(r.stderr).toContain('is the input itself');
    }
    expect(readFileSync(INPUT).equals(before)).toBe(true);
  });

  it('a folder (not a previous export): refused, exit 2, untouched', async () => {
    const { out } = place(w);
    mkdirSync(out);
    writeFileSync(join(out, 'keep.txt'), 'mine');
    const r = await w.run(out);
    expect(r.code).toBe(2);
    expect(readdirSync(out)).toEqual(['keep.txt']);
  });

  it('a missing parent: one line, exit 1, nothing made (generate makes its out folder)', async () => {
    const { dir } = place(w);
    const out = join(dir, 'no', 'such', w.kind === 'generated' ? 'EVENTS.md' : 'out');
    const r = await w.run(out);
    if (w.kind === 'generated') {
      expect(r.code).toBe(0);
      expect(existsSync(out)).toBe(true);
      return;
    }
    expect(r.code).toBe(1);
    oneLine(r.stderr);
    expect(existsSync(join(dir, 'no'))).toBe(false);
  });

  it('a read-only place: one line, exit 1', async () => {
    const r = await w.run(join('/sys', w.kind === 'generated' ? 'EVENTS.md' : 'tracegen-out'));
    expect(r.code).toBe(1);
    oneLine(r.stderr);
  });

  it('what a killed run left aside is removed by the next run to the same path', async () => {
    const { dir, out } = place(w);
    const gone = spawnSync(process.execPath, ['-e', '0']).pid!;
    const stale = join(dir, `.${out.split('/').at(-1)}.${gone}.tmp`);
    if (w.kind === 'folder') mkdirSync(stale);
    else writeFileSync(stale, 'half');
    const r = await w.run(out);
    expect(r.code, r.stderr).toBe(0);
    expect(asideLeft(dir)).toEqual([]);
  });
});

describe('a kill in the middle', () => {
  it('leaves nothing at -o, and the next run clears what it left aside', async () => {
    const big = join(TMP, 'big.trace');
    const made = spawnSync(process.execPath, ['dist/bench/make-capture.js', big, '48'], { cwd: ROOT });
    expect(made.status).toBe(0);
    const dir = join(TMP, 'killed');
    mkdirSync(dir);
    const out = join(dir, 'out.jsonl');
    const child = spawn(process.execPath, [BIN, 'decode', big, '--format', 'jsonl', '-o', out]);
    // killed once it is writing: its temporary file exists
    for (let i = 0; i < 200 && !readdirSync(dir).length; i++) await new Promise((r) => setTimeout(r, 25));
    expect(readdirSync(dir)).toHaveLength(1);
    child.kill('SIGKILL');
    await new Promise((r) => child.on('close', r));
    expect(existsSync(out)).toBe(false);
    expect((await runCli(['decode', INPUT, '--schema', SCHEMA, '--format', 'jsonl', '-o', out])).code).toBe(0);
    expect(readdirSync(dir)).toEqual(['out.jsonl']);
  }, 60_000);
});
