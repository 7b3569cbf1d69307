/**
 * `tracegen diff`: each change to a schema, with the codes, categories and lines it must give;
 * trace files and git revisions as baselines; exit codes and formats.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as v from '../generated/veridian/index.js';
import { Tracer } from '@tracegen/runtime';
import { CASES, VERIDIAN } from './helpers/diff-cases.js';
import { hasStackTrace, ROOT, runCli } from './helpers/run-cli.js';

mkdirSync('test/tmp', { recursive: true });
const TMP = mkdtempSync('test/tmp/diff-');
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

/** The 1-based line of the first occurrence of `snippet` in `text`. */
function lineOf(text: string, snippet: string): number {
  const at = text.indexOf(snippet);
  if (at < 0) throw new Error(`snippet not found: ${snippet}`);
  return text.slice(0, at).split('\n').length;
}

describe('each change of a schema gives its findings', () => {
  it(`covers at least 30 changes (${CASES.length})`, () => expect(CASES.length).toBeGreaterThanOrEqual(30));

  it.each(CASES.map((c) => ({ ...c, name: c.what })))('$name', async (c) => {
    let text = c.base;
    for (const [from, to] of c.edits) {
      expect(text.includes(from), `edit not applicable: ${from}`).toBe(true);
      text = text.replace(from, to);
    }
    const base = join(TMP, `${c.what.replace(/\W+/g, '-')}-base.yaml`);
    const next = join(TMP, `${c.what.replace(/\W+/g, '-')}-next.yaml`);
    writeFileSync(base, c.base);
    writeFileSync(next, text);
    const r = await runCli(['diff', base, next, '--format', 'json']);
    const got = (JSON.parse(r.stdout) as { file: string; line: number; code: string; category: string }[]).map((f) => [
      f.code,
      f.category,
      f.file,
      f.line,
    ]);
    const want = c.expect.map(([code, category, snippet]) => {
      const removal = ['event-removed', 'event-retired', 'field-removed', 'enum-value-removed', 'flag-removed', 'type-removed'].includes(
        code,
      );
      return [code, category, removal ? base : next, lineOf(removal ? c.base : text, snippet)];
    });
    const order = (xs: (string | number)[][]) => [...xs].sort((a, b) => String(a).localeCompare(String(b)));
    expect(JSON.stringify(order(got)), r.stderr).toBe(JSON.stringify(order(want)));
    const failing = c.expect.some(([, category]) => category !== 'compatible');
    expect(r.code).toBe(failing ? 1 : 0);
  });
});

describe('tracegen diff', () => {
  const swapped = VERIDIAN.replace('  - id: 2\n    name: sched_switch_out', '  - id: 3\n    name: sched_switch_out').replace(
    '  - id: 3\n    name: sched_switch_in',
    '  - id: 2\n    name: sched_switch_in',
  );

  it("prints text in the validator's style, github annotations, and a markdown changelog", async () => {
    const next = join(TMP, 'swapped.yaml');
    writeFileSync(next, swapped);
    const text = await runCli(['diff', 'schema/veridian.yaml', next]);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain(`${next}:48:11: error[id-reused]: id 3 named 'sched_switch_in'`);
    expect(text.stdout).toContain('48 |     name: sched_switch_out\n   |           ^^^^^^^^^^^^^^^^\n');
    expect(text.stdout.trimEnd().split('\n').at(-1)).toBe('2 wire, 0 source, 0 compatible: fails (--fail-on source)');
    const gh = await runCli(['diff', 'schema/veridian.yaml', next, '--format', 'github']);
    expect(gh.stdout.split('\n')[0]).toMatch(
      new RegExp(`^::error file=${next.replace(/[/.]/g, '\\$&')},line=48,col=11,.*title=id-reused::\\[id-reused\\] id 3 named`),
    );
    const md = await runCli(['diff', 'schema/veridian.yaml', next, '--format', 'markdown']);
    expect(md.stdout).toContain(
      '# Changes to the tracepoints of `veridian`\n\nSince schema/veridian.yaml.\n\n## Breaks traces already written\n',
    );
  });

  it('--fail-on chooses what fails: wire, source (default) or none', async () => {
    const next = join(TMP, 'renamed.yaml');
    writeFileSync(next, VERIDIAN.replace('name: ipc_slow_path', 'name: ipc_slow'));
    expect((await runCli(['diff', 'schema/veridian.yaml', next])).code).toBe(1);
    const wire = await runCli(['diff', 'schema/veridian.yaml', next, '--fail-on', 'wire']);
    expect(wire.code).toBe(0);
    expect(wire.stdout).toContain('warning[event-renamed]');
    expect((await runCli(['diff', 'schema/veridian.yaml', join(TMP, 'swapped.yaml'), '--fail-on', 'none'])).code).toBe(0);
    expect((await runCli(['diff', 'schema/veridian.yaml', 'schema/veridian.yaml'])).stdout).toBe(
      'no changes from schema/veridian.yaml to schema/veridian.yaml: ok\n',
    );
  });

  it('validate --against runs the same check after validation', async () => {
    const r = await runCli(['validate', join(TMP, 'swapped.yaml'), '--against', 'schema/veridian.yaml']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('error[id-reused]');
    expect((await runCli(['validate', join(TMP, 'swapped.yaml'), '--against', 'schema/veridian.yaml', '--fail-on', 'none'])).code).toBe(0);
  });

  it('compares two trace files written before and after a schema change', async () => {
    const trace = (schemaText: string) => {
      const t = new Tracer({
        layout: { ringSize: v.RING_SIZE, rings: v.RING_COUNT },
        eventName: v.eventTypeName,
        schemaText,
        schemaHash: 'ab'.repeat(32),
      });
      t.enable();
      t.write(2, 1, 0, 2, 0);
      return t.snapshot();
    };
    const before = join(TMP, 'before.trace');
    const after = join(TMP, 'after.trace');
    writeFileSync(before, trace(VERIDIAN));
    writeFileSync(after, trace(swapped));
    const r = await runCli(['diff', before, after, '--format', 'json']);
    expect(r.code).toBe(1);
    const findings = JSON.parse(r.stdout) as { file: string; line: number; code: string }[];
    expect(findings.map((f) => [f.code, f.file, f.line])).toEqual([
      ['id-reused', `${after} (its schema)`, 48],
      ['id-reused', `${after} (its schema)`, 55],
    ]);
    // and the text form shows the embedded schema's lines
    expect((await runCli(['diff', before, after])).stdout).toContain('48 |     name: sched_switch_out');
  });

  it('reads a git revision as the baseline, REV:PATH, from a throwaway repository', async () => {
    const repo = join(TMP, 'repo');
    mkdirSync(join(repo, 'schema'), { recursive: true });
    const git = (...args: string[]) =>
      spawnSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: repo, encoding: 'utf8' });
    git('init', '-q');
    writeFileSync(join(repo, 'schema/x.yaml'), VERIDIAN);
    git('add', '.');
    git('commit', '-qm', 'first');
    writeFileSync(join(repo, 'schema/x.yaml'), swapped);
    const r = await runCli(['diff', 'HEAD:schema/x.yaml', 'schema/x.yaml', '--format', 'json'], { cwd: join(ROOT, repo) });
    expect(r.code).toBe(1);
    expect((JSON.parse(r.stdout) as { code: string }[]).map((f) => f.code)).toEqual(['id-reused', 'id-reused']);
    git('commit', '-qam', 'second');
    // both sides from git
    const both = await runCli(['diff', 'HEAD~1:schema/x.yaml', 'HEAD:schema/x.yaml'], { cwd: join(ROOT, repo) });
    expect(both.code).toBe(1);
    expect(both.stdout).toContain('HEAD:schema/x.yaml:48:11: error[id-reused]');
    // an unknown revision, a path outside the repository: one line, exit 2
    for (const arg of ['nosuchrev:schema/x.yaml', 'HEAD:../outside.yaml', 'HEAD:schema/absent.yaml']) {
      const bad = await runCli(['diff', arg, 'schema/x.yaml'], { cwd: join(ROOT, repo) });
      expect([arg, bad.code]).toEqual([arg, 2]);
      expect(bad.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(bad.stderr).toMatch(new RegExp(`^tracegen: cannot read ${arg.replace(/[.]/g, '\\.')}: `));
    }
  });

  it('github annotations name working-tree paths from the repository root, never REV:PATH', async () => {
    const repo = join(TMP, 'gh-repo');
    mkdirSync(join(repo, 'sub/schema'), { recursive: true });
    const git = (...args: string[]) =>
      spawnSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: repo, encoding: 'utf8' });
    git('init', '-q');
    writeFileSync(join(repo, 'sub/schema/app.yaml'), VERIDIAN);
    git('add', '.');
    git('commit', '-qm', 'first');
    // a swap (found in the new file) and a removal (found in the baseline)
    const cap = '      - { name: cap, word: data1, type: u64, format: hex, doc: Capability of the message. }\n\n  - id: 5';
    writeFileSync(join(repo, 'sub/schema/app.yaml'), swapped.replace(cap, '\n  - id: 5'));
    for (const [cwd, args] of [
      ['sub', ['HEAD:./schema/app.yaml', 'schema/app.yaml']],
      ['.', ['HEAD:sub/schema/app.yaml', 'sub/schema/app.yaml']],
    ] as const) {
      const r = await runCli(['diff', ...args, '--format', 'github'], { cwd: join(ROOT, repo, cwd) });
      expect(r.code).toBe(1);
      const files = r.stdout
        .trimEnd()
        .split('\n')
        .map((l) => /file=([^,]*),line=(\d+)/.exec(l)!.slice(1));
      expect(files).toEqual([
        ['sub/schema/app.yaml', '1'], // field-removed: the baseline's line is in the message
        ['sub/schema/app.yaml', '48'],
        ['sub/schema/app.yaml', '55'],
      ]);
      expect(r.stdout).toContain(`(at line ${lineOf(VERIDIAN, cap)} of the baseline, HEAD:`);
    }
  });

  it('a baseline revision never reaches git as an option; the config baseline neither', async () => {
    const repo = join(TMP, 'opt-repo');
    mkdirSync(join(repo, 'schema'), { recursive: true });
    spawnSync('git', ['init', '-q'], { cwd: repo });
    writeFileSync(join(repo, 'schema/app.yaml'), VERIDIAN);
    const victim = join(ROOT, TMP, 'written-by-git');
    const r = await runCli(['diff', '--', `--output=${victim}:schema/app.yaml`, 'schema/app.yaml'], { cwd: join(ROOT, repo) });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`tracegen: cannot read --output=${victim}:schema/app.yaml: a revision cannot begin with '-'\n`);
    writeFileSync(
      join(repo, 'tracegen.config.yaml'),
      `tracegen: 1\nbaseline: "--output=${victim}"\nschemas:\n  - { path: schema/app.yaml, out: gen, targets: [md] }\n`,
    );
    const c = await runCli(['diff'], { cwd: join(ROOT, repo) });
    expect(c.code).toBe(2);
    expect(c.stderr).toMatch(/a revision cannot begin with '-'/);
    expect(existsSync(victim)).toBe(false);
  });

  it('a trace baseline whose header claims a 4 GiB schema is refused without allocating it', async () => {
    const claim = Buffer.from(readFileSync(join(TMP, 'before.trace')));
    claim.writeUInt32LE(0xffff_fff0, 80);
    const path = join(TMP, 'claims-4g.trace');
    writeFileSync(path, claim);
    const r = spawnSync(
      process.execPath,
      ['--max-old-space-size=64', join(ROOT, 'dist/generator/cli/bin.js'), 'diff', path, 'schema/veridian.yaml'],
      {
        encoding: 'utf8',
      },
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('error[file-too-large]: schema is 4294967280 bytes');
  });

  it('bad baselines: missing, a folder, binary, invalid, huge, a trace without a schema or cut off', async () => {
    const binary = join(TMP, 'binary.yaml');
    writeFileSync(binary, Buffer.from([0, 1, 2, 0xff]));
    const invalid = join(TMP, 'invalid.yaml');
    writeFileSync(invalid, 'tracegen: 1\nname: [oops\n');
    const huge = join(TMP, 'huge.yaml');
    writeFileSync(huge, 'tracegen: 1\n' + '#'.repeat(2 * 1024 * 1024) + '\n');
    const full = readFileSync(join(TMP, 'before.trace'));
    const cut = join(TMP, 'cut.trace');
    writeFileSync(cut, full.subarray(0, 60));
    const empty = join(TMP, 'noschema.trace');
    const noSchema = Buffer.from(full.subarray(0, 88));
    noSchema.writeUInt32LE(0, 80);
    noSchema.writeUInt32LE(88, 12);
    writeFileSync(empty, noSchema);
    const cases: [string, number, RegExp][] = [
      [join(TMP, 'absent.yaml'), 2, /no such file/],
      [TMP, 2, /is a directory/],
      [binary, 1, /error\[not-text\]/],
      [invalid, 1, /error\[yaml-syntax\]/],
      [huge, 1, /error\[file-too-large\]/],
      [cut, 2, /cut off inside its header/],
      [empty, 2, /carries no schema/],
    ];
    for (const [baseline, code, message] of cases) {
      const r = await runCli(['diff', baseline, 'schema/veridian.yaml']);
      expect([baseline, r.code]).toEqual([baseline, code]);
      expect(r.stderr).toMatch(message);
      expect(hasStackTrace(r.stderr)).toBe(false);
    }
    expect((await runCli(['diff', 'schema/veridian.yaml'])).code).toBe(2);
    expect((await runCli(['diff', 'a', 'b', '--format', 'xml'])).code).toBe(2);
  });
});

describe("decode with another schema than the trace's own", () => {
  it('says what the given schema would read differently', async () => {
    const next = join(TMP, 'swapped-decode.yaml');
    writeFileSync(
      next,
      VERIDIAN.replace('  - id: 2\n    name: sched_switch_out', '  - id: 3\n    name: sched_switch_out').replace(
        '  - id: 3\n    name: sched_switch_in',
        '  - id: 2\n    name: sched_switch_in',
      ),
    );
    const r = await runCli(['decode', join(TMP, 'before.trace'), '--schema', next, '--format', 'jsonl']);
    expect(r.code).toBe(0);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines[1]).toBe(`tracegen: note: ${next} would read this trace differently:`);
    expect(lines.slice(2).map((l) => /^ {2}wire\[([a-z-]+)\]/.exec(l)?.[1])).toEqual(['id-reused', 'id-reused']);
  });
});
