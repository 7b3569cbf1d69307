/**
 * Hostile and huge input: every command answers in bounded memory and time, with one line and
 * its exit code, and output never destroys what it replaces. Inputs are made here, in the
 * test's own folder (sparse files, FIFOs, symlinks, device nodes made with mknod).
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as v from '../generated/veridian/index.js';
import { applyChanges } from '../generator/schema/emit/write-files.js';
import { CHUNK_HEADER_BYTES, encodeHeader, writeChunkHeader } from '@tracegen/runtime';
import { hasStackTrace, ROOT, runCli } from './helpers/run-cli.js';

mkdirSync('test/tmp', { recursive: true });
const TMP = resolve(mkdtempSync('test/tmp/hostile-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));
const MEASURED = join(ROOT, 'test/helpers/measured-cli.mjs');
const SCHEMA = join(ROOT, 'schema/veridian.yaml');

interface Measured {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Peak resident memory, MiB. */
  mib: number;
  seconds: number;
}

/** Runs the CLI in a child under a 4 GiB address-space cap, measuring its peak memory and time. */
function measure(args: string[], opts: { input?: string | Buffer; shell?: string } = {}): Measured {
  const t0 = performance.now();
  const command = opts.shell ?? `exec "${process.execPath}" "${MEASURED}" ${args.map((a) => `'${a}'`).join(' ')}`;
  const r = spawnSync('bash', ['-c', `ulimit -v 4194304; ${command}`], {
    cwd: ROOT,
    input: opts.input,
    maxBuffer: 1 << 26,
    timeout: 60_000,
  });
  const stderr = r.stderr.toString('utf8');
  const rss = /@@maxrss (\d+)\n$/.exec(stderr);
  return {
    code: r.status,
    stdout: r.stdout.toString('utf8'),
    stderr: stderr.replace(/@@maxrss \d+\n$/, ''),
    mib: rss ? Number(rss[1]) / 1024 : Infinity,
    seconds: (performance.now() - t0) / 1000,
  };
}

const oneLine = (m: Measured) => {
  expect(hasStackTrace(m.stderr)).toBe(false);
  expect(m.stderr.trimEnd().split('\n')).toHaveLength(1);
};

/** A trace file: a header (of `schemaText`) and chunks of ring `ring` records with these timestamps. */
function traceFile(chunks: { ring: number; ts: bigint[] }[], schemaText = v.SCHEMA_TEXT): Buffer {
  const parts: Uint8Array[] = [
    encodeHeader({
      layout: { ringSize: v.RING_SIZE, rings: v.RING_COUNT },
      clock: 'ns',
      frequency: 1e9,
      wallClockZeroMs: 0,
      schemaHash: v.SCHEMA_HASH,
      schemaText,
    }),
  ];
  let index = new Map<number, number>();
  for (const c of chunks) {
    const bytes = new Uint8Array(CHUNK_HEADER_BYTES + c.ts.length * 32);
    const first = index.get(c.ring) ?? 0;
    writeChunkHeader(bytes, 0, { ring: c.ring, count: c.ts.length, firstIndex: first, overwritten: 0, dropped: 0 });
    index.set(c.ring, first + c.ts.length);
    const view = new DataView(bytes.buffer);
    c.ts.forEach((t, i) => {
      const at = CHUNK_HEADER_BYTES + i * 32;
      view.setBigUint64(at, t, true);
      view.setUint8(at + 8, 3);
      view.setUint8(at + 9, c.ring);
    });
    parts.push(bytes);
  }
  index = new Map();
  return Buffer.concat(parts);
}

describe('memory and time stay bounded', () => {
  it('validate reads /dev/zero and an endless pipe only up to the 1 MiB limit', () => {
    for (const m of [
      measure(['validate', '/dev/zero']),
      measure([], { shell: `yes | "${process.execPath}" "${MEASURED}" validate /dev/stdin` }),
    ]) {
      expect(m.code).toBe(1);
      expect(m.stderr).toMatch(/error\[file-too-large\]: file is more than 1048576 bytes/);
      expect(m.mib).toBeLessThan(200);
      expect(m.seconds).toBeLessThan(20);
    }
  });

  it('decode classifies /dev/zero and a sparse 3 GB file by size before reading them whole', () => {
    const sparse = join(TMP, 'sparse.bin');
    writeFileSync(sparse, '');
    truncateSync(sparse, 3 * 2 ** 30);
    const zero = measure(['decode', '/dev/zero', '--schema', SCHEMA]);
    expect(zero.code).toBe(1);
    expect(zero.stderr).toMatch(/^tracegen: \/dev\/zero: more than 2097280 bytes is not a ring image/);
    const big = measure(['decode', sparse, '--schema', SCHEMA]);
    expect(big.code).toBe(1);
    expect(big.stderr).toMatch(/3221225472 bytes is not a ring image/);
    for (const m of [zero, big]) {
      oneLine(m);
      expect(m.mib).toBeLessThan(200);
      expect(m.seconds).toBeLessThan(20);
    }
    rmSync(sparse);
  });

  it('a serial log is read as a stream: 100 MB of chatter and a 60 MB line cost little memory', () => {
    const log = join(TMP, 'big.log');
    const fd = openSync(log, 'w');
    const chatter = Buffer.from('[  12.5] usb 1-1: new full-speed USB device number 2 using xhci_hcd\r\n'.repeat(16 * 1024));
    for (let n = 0; n < 100 * 2 ** 20; n += chatter.length) writeSync(fd, chatter);
    writeSync(fd, Buffer.alloc(60 * 2 ** 20, 'x'));
    writeSync(fd, '\n' + readFileSync('test/fixtures/veridian-seed-42/dump.txt', 'utf8'));
    closeSync(fd);
    const m = measure(['decode', log, '--schema', SCHEMA, '--format', 'jsonl', '-o', join(TMP, 'big.jsonl')]);
    expect(m.code).toBe(0);
    expect(readFileSync(join(TMP, 'big.jsonl'), 'utf8').trim().split('\n')).toHaveLength(42);
    expect(m.mib).toBeLessThan(250);
    rmSync(log);
  });

  it("the schema inside a trace file is held to the loader's limit before it is parsed", () => {
    const file = join(TMP, 'doc50.trace');
    writeFileSync(file, traceFile([{ ring: 0, ts: [1n] }], v.SCHEMA_TEXT.replace('doc: >-', `doc: ${'y'.repeat(50 * 2 ** 20)}\nx: >-`)));
    const m = measure(['decode', file]);
    expect(m.code).toBe(1);
    oneLine(m);
    expect(m.stderr).toMatch(/the schema inside is \d+ bytes; a schema may be at most 1048576 bytes/);
    expect(m.mib).toBeLessThan(300);
    rmSync(file);
  });

  it('claims larger than a ring or a header fail at once, not after gigabytes', () => {
    const good = traceFile([{ ring: 0, ts: [1n, 2n] }]);
    const hl = good.readUInt32LE(12);
    const claims = Buffer.from(good);
    claims.writeUInt32LE(2 ** 31, hl + 8);
    const file = join(TMP, 'claims.trace');
    writeFileSync(file, claims);
    truncateSync(file, 256 * 2 ** 20);
    const header = Buffer.from(good);
    header.writeUInt32LE(0xfffffff8, 12);
    writeFileSync(join(TMP, 'header.trace'), header);
    truncateSync(join(TMP, 'header.trace'), 256 * 2 ** 20);
    const a = measure(['decode', file]);
    expect(a.stderr).toMatch(/chunk claims 2147483648 records, but a ring holds 4096/);
    const b = measure(['decode', join(TMP, 'header.trace')]);
    expect(b.stderr).toMatch(/header is damaged \(it claims 4294967288 bytes/);
    for (const m of [a, b]) {
      expect(m.code).toBe(1);
      oneLine(m);
      expect(m.seconds).toBeLessThan(10);
      expect(m.mib).toBeLessThan(200);
    }
  });

  it('a ring whose timestamps run far ahead cannot hold the time merge back', () => {
    const chunks: { ring: number; ts: bigint[] }[] = [];
    for (let d = 0; d < 30_000; d++) chunks.push({ ring: 0, ts: [BigInt(d + 1)] }, { ring: 1, ts: [2n ** 62n + BigInt(d)] });
    const file = join(TMP, 'ahead.trace');
    writeFileSync(file, traceFile(chunks));
    const m = measure(['decode', file, '--format', 'jsonl', '-o', join(TMP, 'ahead.jsonl')]);
    expect(m.code).toBe(0);
    expect(readFileSync(join(TMP, 'ahead.jsonl'), 'utf8').trim().split('\n')).toHaveLength(60_000);
    // quadratic before: 30k drains took about 20 s, 80k took 143 s
    expect(m.seconds).toBeLessThan(10);
    // and timestamps that go backwards are said to break the order
    const back = join(TMP, 'back.trace');
    writeFileSync(
      back,
      traceFile([
        { ring: 0, ts: [5n, 3n, 4n] },
        { ring: 1, ts: [1n] },
      ]),
    );
    const r = measure(['decode', back, '--format', 'jsonl']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      /^tracegen: note: the output is not wholly in time order: 1 record older than the one before it in its ring; --order ring prints the file's order\n$/,
    );
  });
});

describe('damaged headers and chunks: one line, exit 1', () => {
  const good = traceFile([{ ring: 0, ts: [1n] }]);
  const hl = good.readUInt32LE(12);
  const damage: [string, (b: Buffer) => void, RegExp][] = [
    ['header length below the fixed part', (b) => b.writeUInt32LE(40, 12), /header is damaged \(it claims 40 bytes/],
    ['a chunk for ring 200 of 16', (b) => b.writeUInt16LE(200, hl + 4), /chunk for ring 200, but the trace has 16 rings/],
    ['a count of 2^53', (b) => b.writeUInt32LE(0x200000, hl + 28), /a count of 2\^53 or more/],
    ['frequency Infinity', (b) => b.writeDoubleLE(Infinity, 32), /clock frequency Infinity/],
    ['frequency 5e-324', (b) => b.writeDoubleLE(5e-324, 32), /clock frequency 5e-324/],
  ];
  it.each(damage.map(([what, edit, message]) => ({ what, edit, message })))('$what', async ({ edit, message }) => {
    const b = Buffer.from(good);
    edit(b);
    const file = join(TMP, 'damaged.trace');
    writeFileSync(file, b);
    const r = await runCli(['decode', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('--frequency outside 1 Hz to 10^15 Hz is a usage error', async () => {
    for (const f of ['Infinity', '5e-324', '0', '1e16']) expect((await runCli(['decode', 'x.trace', `--frequency=${f}`])).code).toBe(2);
  });
});

describe('output never destroys what it replaces', () => {
  const trace = () => {
    const file = join(TMP, 'in.trace');
    writeFileSync(file, traceFile([{ ring: 0, ts: [1n, 2n] }]));
    return file;
  };
  const temps = () => readdirSync(TMP).filter((f) => f.endsWith('.tmp'));

  it('-o a device node or a FIFO is written in place; the node stays what it was', async () => {
    const input = trace();
    const dev = join(TMP, 'full');
    const made = spawnSync('mknod', [dev, 'c', '1', '7']); // this test's own /dev/full, never the machine's
    if (made.status === 0) {
      const r = await runCli(['decode', input, '-o', dev]);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(`tracegen: cannot write ${dev}: no space left on the device\n`);
      expect(lstatSync(dev).isCharacterDevice()).toBe(true);
      const nul = join(TMP, 'null');
      spawnSync('mknod', [nul, 'c', '1', '3']);
      expect((await runCli(['decode', input, '-o', nul])).code).toBe(0);
      expect(lstatSync(nul).isCharacterDevice()).toBe(true);
    }
    const fifo = join(TMP, 'fifo');
    spawnSync('mkfifo', [fifo]);
    const reader = spawn('cat', [fifo]);
    let got = '';
    reader.stdout.on('data', (d: Buffer) => (got += d.toString()));
    const done = new Promise((r) => reader.on('close', r));
    const r = spawnSync(process.execPath, [join(ROOT, 'dist/generator/cli/bin.js'), 'decode', input, '--format', 'jsonl', '-o', fifo], {
      timeout: 20_000,
    });
    await done;
    expect(r.status).toBe(0);
    expect(got.trim().split('\n')).toHaveLength(2);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    expect(temps()).toEqual([]);
  });

  it('-o a symlink writes its target and keeps the link', async () => {
    const input = trace();
    const link = join(TMP, 'out-link');
    symlinkSync('target.jsonl', link);
    expect((await runCli(['decode', input, '--format', 'jsonl', '-o', link])).code).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(TMP, 'target.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
  });

  it('-o the input itself, or a folder, is refused with exit 2; a missing folder is one line, exit 1; no temporary file is left', async () => {
    const input = trace();
    const before = readFileSync(input);
    const self = await runCli(['decode', input, '-o', input]);
    expect([self.code, self.stderr.split('\n')[0]]).toEqual([2, `tracegen: -o ${input} is the input itself; write the output elsewhere`]);
    symlinkSync(input, join(TMP, 'alias.trace'));
    expect((await runCli(['decode', join(TMP, 'alias.trace'), '-o', input])).code).toBe(2);
    expect(readFileSync(input)).toEqual(before);
    const dir = await runCli(['decode', input, '-o', TMP]);
    expect([dir.code, dir.stderr.split('\n')[0]]).toEqual([2, `tracegen: -o ${TMP} is a folder; give a file name`]);
    const missing = await runCli(['decode', input, '-o', join(TMP, 'no/such/x')]);
    expect([missing.code, missing.stderr]).toEqual([1, `tracegen: cannot write ${join(TMP, 'no/such/x')}: its folder does not exist\n`]);
    expect(temps()).toEqual([]);
  });
});

describe('generate writes all or nothing, and removes only its own files', () => {
  it('--out a parent folder never removes the files of a subfolder', async () => {
    const out = join(TMP, 'gen');
    expect(
      (await runCli(['generate', 'schema/veridian.yaml', '--target', 'ts', '--target', 'rust', '--out', join(out, 'veridian')])).code,
    ).toBe(0);
    expect((await runCli(['generate', 'schema/veridian.yaml', '--target', 'ts', '--out', out])).code).toBe(0);
    expect(readdirSync(join(out, 'veridian')).sort()).toEqual(['index.ts', 'trace_events.rs']);
    // a stale file of this schema directly in the folder is removed, as before
    writeFileSync(join(out, 'old.ts'), readFileSync(join(out, 'index.ts')));
    const again = await runCli(['generate', 'schema/veridian.yaml', '--target', 'ts', '--out', out]);
    expect(again.stderr).toContain(`removed   ${join(out, 'old.ts')}`);
  });

  it('an output folder that can never exist fails in bounded time', () => {
    const r = spawnSync(
      process.execPath,
      [join(ROOT, 'dist/generator/cli/bin.js'), 'generate', 'schema/veridian.yaml', '--out', '/proc/1/x'],
      { cwd: ROOT, timeout: 10_000, encoding: 'utf8' },
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('tracegen: cannot write /proc/1/x: no such file\n');
  });

  it('two generations into one new folder at once both succeed', async () => {
    const bin = join(ROOT, 'dist/generator/cli/bin.js');
    for (let round = 0; round < 2; round++) {
      const out = join(TMP, `race-${round}/deep/er`);
      const both = [0, 1].map(
        () =>
          new Promise<{ code: number | null; stderr: string }>((done) => {
            const child = spawn(
              process.execPath,
              [bin, 'generate', 'schema/veridian.yaml', '--target', 'ts', '--target', 'c', '--out', out],
              { cwd: ROOT },
            );
            let stderr = '';
            child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
            child.on('close', (code) => done({ code, stderr }));
          }),
      );
      for (const r of await Promise.all(both)) expect([r.code, r.stderr.includes('tracegen:')]).toEqual([0, false]);
      expect(readdirSync(out).sort()).toEqual(['index.ts', 'trace_events.h']);
    }
  });

  it('a failure while writing leaves every old file as it was and no temporary file', () => {
    const dir = join(TMP, 'atomic');
    mkdirSync(dir);
    writeFileSync(join(dir, 'a.ts'), 'old a');
    writeFileSync(join(dir, 'b.rs'), 'old b');
    const changes = [
      { path: join(dir, 'a.ts'), kind: 'updated' as const, before: 'old a', after: 'new a' },
      { path: join(dir, 'b.rs'), kind: 'updated' as const, before: 'old b', after: 'new b' },
    ];
    let writes = 0;
    const failing = (path: string, text: string) => {
      if (++writes === 2) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
      writeFileSync(path, text);
    };
    expect(() => applyChanges(changes, failing)).toThrow(/ENOSPC/);
    expect([readFileSync(join(dir, 'a.ts'), 'utf8'), readFileSync(join(dir, 'b.rs'), 'utf8')]).toEqual(['old a', 'old b']);
    expect(readdirSync(dir).sort()).toEqual(['a.ts', 'b.rs']);
    applyChanges(changes);
    expect([readFileSync(join(dir, 'a.ts'), 'utf8'), readFileSync(join(dir, 'b.rs'), 'utf8')]).toEqual(['new a', 'new b']);
    expect(existsSync(join(dir, 'a.ts'))).toBe(true);
  });
});
