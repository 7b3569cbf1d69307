import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { BIN, hasStackTrace, ROOT, runBin, runCli } from './helpers/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'tracegen-validate-'));
const write = (name: string, text: string | Buffer) => {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
};

const TWO_ERRORS = `tracegen: 1
name: demo
clock: {unit: ns}
layout: {ring_size: 48, rings: 2}
events:
  - id: 3
    name: tick
    doc: A tick.
  - id: 3
    name: tock
    doc: A tock.
`;

describe('tracegen validate', () => {
  it('accepts the default schema with exit 0', async () => {
    const r = await runCli(['validate', 'schema/veridian.yaml']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('schema/veridian.yaml: ok (10 events)\n');
  });

  it('reports every error, each with its position, source line and caret', async () => {
    const file = write('two.yaml', TWO_ERRORS);
    const r = await runCli(['validate', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${file}:4:21: error[ring-size-not-power-of-two]: ring_size 48 is not a power of two`);
    expect(r.stderr).toContain(`${file}:9:9: error[duplicate-id]: id 3 is already used by 'tick'`);
    expect(r.stderr).toContain('4 | layout: {ring_size: 48, rings: 2}\n  |                     ^^\n');
  });

  it('prints JSON with positions and ranges', async () => {
    const file = write('two-json.yaml', TWO_ERRORS);
    const r = await runCli(['validate', '--format', 'json', file]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual([
      {
        file,
        line: 4,
        column: 21,
        endLine: 4,
        endColumn: 23,
        severity: 'error',
        code: 'ring-size-not-power-of-two',
        message: expect.any(String),
      },
      { file, line: 9, column: 9, endLine: 9, endColumn: 10, severity: 'error', code: 'duplicate-id', message: expect.any(String) },
    ]);
  });

  it('prints GitHub annotations', async () => {
    const file = write('two-gh.yaml', TWO_ERRORS);
    const r = await runCli(['validate', '--format', 'github', file]);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(
      new RegExp(
        `^::error file=${file.replace(/[/.]/g, '\\$&')},line=9,col=9,endLine=9,endColumn=10,title=duplicate-id::\\[duplicate-id\\] id 3`,
      ),
    );
  });

  it('lets warnings pass unless --strict', async () => {
    const file = write(
      'nodoc.yaml',
      'tracegen: 1\nname: demo\nclock: {unit: ns}\nlayout: {ring_size: 64, rings: 1}\nevents:\n  - {id: 0, name: tick}\n',
    );
    const lax = await runCli(['validate', file]);
    expect(lax.code).toBe(0);
    expect(lax.stderr).toContain(`${file}:6:19: warning[missing-doc]`);
    const strict = await runCli(['validate', '--strict', '--format', 'json', file]);
    expect(strict.code).toBe(1);
    expect(JSON.parse(strict.stdout).map((d: { code: string }) => d.code)).toEqual(['missing-doc']);
  });

  it('exits 2 for usage errors: no file, unknown flag, bad format, missing file, directory', async () => {
    expect((await runCli(['validate', '--config', join(tmp, 'none.yaml')])).code).toBe(2);
    expect((await runCli(['validate', '--bogus', 'x.yaml'])).code).toBe(2);
    expect((await runCli(['validate', '--format', 'xml', 'schema/veridian.yaml'])).code).toBe(2);
    const missing = await runCli(['validate', join(tmp, 'nope.yaml')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`tracegen: cannot read ${join(tmp, 'nope.yaml')}: no such file\n`);
    mkdirSync(join(tmp, 'dir.yaml'), { recursive: true });
    const dir = await runCli(['validate', join(tmp, 'dir.yaml')]);
    expect(dir.code).toBe(2);
    expect(dir.stderr).toBe(`tracegen: cannot read ${join(tmp, 'dir.yaml')}: is a directory, not a schema file\n`);
  });

  it("usage errors exit 2 in every command, in the tool's own words", async () => {
    const cases: [string[], string][] = [
      [['generate', '--config', 'x.yaml', 'schema/veridian.yaml'], 'tracegen: --config goes without schema files: it lists them'],
      [['generate', '--out', 'x'], 'tracegen: --out goes with schema files; without them, the project config says it'],
      [['generate', '--watch', '--check'], 'tracegen: --watch writes as files change; --check writes nothing: use one'],
      [['diff', 'a.yaml'], 'tracegen: diff takes a baseline and a schema: tracegen diff <baseline> <schema>'],
      [['generate', '--bogus', 'schema/veridian.yaml'], "tracegen: unknown option '--bogus'"],
      [
        ['generate', '--target', 'py', 'schema/veridian.yaml'],
        "tracegen: --target must be one of ts, js, rust, c, md, python, gdb, not 'py'",
      ],
      [['generate', '--out', 'x', 'a.yaml', 'b.yaml'], 'tracegen: --out takes one schema; without it each goes to generated/<name>/'],
      [
        ['generate', 'schema/veridian.yaml', '--target', 'rust', '--rust-visibility', 'pub; evil'],
        "tracegen: --rust-visibility must be pub, pub(crate), pub(super), pub(self), pub(in path) or empty, not 'pub; evil'",
      ],
      [
        ['generate', 'schema/veridian.yaml', '--target', 'rust', '--rust-trace-fn', 'x(); y'],
        "tracegen: --rust-trace-fn must be a Rust path like trace_event or crate::perf::trace_event, not 'x(); y'",
      ],
      [['decode', 'x.trace', '--last', '-1'], "tracegen: --last -1: write a value that starts with '-' as --last=-1"],
      [['decode', 'x.trace', '--last=-1'], "tracegen: --last must be a positive whole number, not '-1'"],
      [['decode', 'x.trace', '--schema'], 'tracegen: --schema needs a value'],
      [['validate', '--strict=yes', 'x.yaml'], 'tracegen: --strict takes no value'],
    ];
    for (const [argv, message] of cases) {
      const r = await runCli(argv);
      expect([argv.join(' '), r.code, r.stderr.split('\n')[0]]).toEqual([argv.join(' '), 2, message]);
    }
  });

  it('--strict with only warnings: the last line says why it failed', async () => {
    const file = write(
      'nodoc-strict.yaml',
      'tracegen: 1\nname: demo\nclock: {unit: ns}\nlayout: {ring_size: 64, rings: 1}\nevents:\n  - {id: 0, name: tick}\n',
    );
    const r = await runCli(['validate', '--strict', file]);
    expect(r.code).toBe(1);
    expect(r.stderr.trimEnd().split('\n').at(-1)).toBe(`${file}: failed (--strict: 1 warning; 1 events)`);
    expect((await runCli(['validate', file])).stderr.trimEnd().split('\n').at(-1)).toBe(`${file}: ok (1 events, 1 warning)`);
  });

  it('exits 2 for an unknown command', async () => {
    const r = await runCli(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe("tracegen: unknown command 'frobnicate'");
  });
});

describe('no stack trace for any bad input (the real binary)', () => {
  const inputs: [string, string | Buffer, string][] = [
    ['syntax.yaml', 'tracegen: 1\nname: [unclosed\n', 'yaml-syntax'],
    ['tabs.yaml', 'tracegen: 1\nclock:\n\tunit: ns\n', 'yaml-tab'],
    ['empty.yaml', '', 'empty-schema'],
    ['binary.yaml', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 3, 0xff, 0xfe]), 'not-text'],
    ['list.yaml', '- 1\n- 2\n', 'not-a-mapping'],
    [
      'bomb.yaml',
      'a: &a [1,1,1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\n',
      'alias-limit',
    ],
    ['huge.yaml', 'tracegen: 1\n' + '#'.repeat(10 * 1024 * 1024) + '\n', 'file-too-large'],
  ];
  // objects, so the title names only the file and the code (never the 10 MB text)
  it.each(inputs.map(([name, text, code]) => ({ name, text, code })))(
    '$name gives one error line with code $code and exit 1',
    ({ name, text, code }) => {
      const r = runBin(['validate', write(name, text)]);
      expect(r.code).toBe(1);
      expect(hasStackTrace(r.stderr)).toBe(false);
      const headers = r.stderr.split('\n').filter((l) => l.includes(': error['));
      expect(headers).toHaveLength(1);
      expect(headers[0]).toContain(`error[${code}]`);
    },
  );

  it('a missing file and a directory: one line, exit 2', () => {
    for (const path of [join(tmp, 'absent.yaml'), tmp]) {
      const r = runBin(['validate', path]);
      expect(r.code).toBe(2);
      expect(hasStackTrace(r.stderr)).toBe(false);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  it('validate and decode never load ts-morph or handlebars', () => {
    const register = new URL('./helpers/deny-heavy-modules-register.mjs', import.meta.url).href;
    const r = spawnSync(process.execPath, ['--import', register, BIN, 'validate', 'schema/veridian.yaml'], { cwd: ROOT });
    expect(r.stderr.toString()).toBe('schema/veridian.yaml: ok (10 events)\n');
    expect(r.status).toBe(0);
    const decode = spawnSync(
      process.execPath,
      ['--import', register, BIN, 'decode', 'test/fixtures/veridian-seed/rings.bin', '--format', 'dump', '--last', '1'],
      { cwd: ROOT },
    );
    expect(decode.stderr.toString()).toBe('');
    expect(decode.status).toBe(0);
    // the same hook does stop a command that needs ts-morph, so the checks above can fail
    const gen = spawnSync(process.execPath, ['--import', register, BIN, 'generate', '--check', 'schema/veridian.yaml'], { cwd: ROOT });
    expect(gen.status).not.toBe(0);
  });
});
