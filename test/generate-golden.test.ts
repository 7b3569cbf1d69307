import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as packed from './golden/packed/expected/index.js';
import * as many from './golden/many/expected/index.js';
import { runBin, runCli } from './helpers/run-cli.js';

afterAll(() => {
  for (const dir of ['generate', 'generate-bad', 'templates-out', 'bad-templates'])
    rmSync(`test/tmp/${dir}`, { recursive: true, force: true });
});

const TMP = 'test/tmp/generate';

describe('golden cases', () => {
  it.each(['packed', 'many'])('%s: the committed output is what generate writes', async (name) => {
    const r = await runCli(['generate', '--check', `test/golden/${name}/schema.yaml`, '--out', `test/golden/${name}/expected`]);
    expect(r.stderr).toBe(`test/golden/${name}/schema.yaml: generated code is up to date (1 file)\n`);
    expect(r.code).toBe(0);
  });

  it.each(['test/golden/packed/expected/index.ts', 'test/golden/many/expected/index.ts', 'generated/veridian/index.ts'])(
    '%s: no line but the embedded schema text passes 120 characters',
    (path) => {
      const lines = readFileSync(path, 'utf8').split('\n');
      const long = lines.flatMap((line, i) =>
        line.length > 120 && !line.startsWith('export const SCHEMA_TEXT = ') ? [`${i + 1}: ${line}`] : [],
      );
      expect(long).toEqual([]);
      // the layout is real: the long lists are laid out one entry a line
      expect(lines.length).toBeGreaterThan(300);
    },
  );

  it('packed: bit-packed, signed, enum, flags, bool, 64-bit, bigint and empty events round-trip', () => {
    packed.enable();
    packed.tracePacked(packed.IrqKind.Ipi, true, -1234, 0xab, packed.Perms.Read | packed.Perms.Sticky, -128, 0xff_1234_5678, -2048);
    packed.tracePacked(packed.IrqKind.Net, false, 32767, 0, 0, 127, 0, 2047);
    packed.traceEmpty();
    packed.traceWide(0xffff_ffff_ffff_ffffn, -(2n ** 63n));
    packed.traceMixed(2n ** 60n - 1n, 0xf, 2 ** 53 - 1);
    packed.traceSignedWhole(-2147483648, packed.WideSet.High | packed.WideSet.Low);
    packed.traceLast(0xffffffff);
    const records = [...packed.decodeTrace(packed.snapshot())].map(({ ts: _ts, cpu: _cpu, ...r }) => r);
    expect(records).toEqual([
      {
        event: 'packed',
        id: 0,
        kind: 7,
        valid: true,
        delta: -1234,
        vector: 0xab,
        rights: 0x80000001,
        smallNeg: -128,
        straddle: 0xff_1234_5678,
        crossingSigned: -2048,
      },
      {
        event: 'packed',
        id: 0,
        kind: 1,
        valid: false,
        delta: 32767,
        vector: 0,
        rights: 0,
        smallNeg: 127,
        straddle: 0,
        crossingSigned: 2047,
      },
      { event: 'empty', id: 1 },
      { event: 'wide', id: 2, address: 0xffff_ffff_ffff_ffffn, offset: -(2n ** 63n) },
      { event: 'mixed', id: 3, big: 2n ** 60n - 1n, tag: 15, count: 2 ** 53 - 1 },
      { event: 'signed_whole', id: 4, ret: -2147483648, mask: (1n << 60n) | 1n },
      { event: 'last', id: 255, value: 0xffffffff },
    ]);
    const formatted = [...packed.decodeTrace(packed.snapshot())].map(packed.formatRecord);
    expect(formatted).toEqual([
      'packed kind=ipi valid=true delta=-1234 ns vector=0xab rights=read|sticky small_neg=-128 straddle=0xff12345678 crossing_signed=-2048',
      'packed kind=net valid=false delta=32767 ns vector=0x0 rights=0 small_neg=127 straddle=0x0 crossing_signed=2047',
      'empty',
      'wide address=0xffffffffffffffff offset=-9223372036854775808',
      'mixed big=0xfffffffffffffff tag=15 count=9007199254740991',
      'signed_whole ret=-2147483648 mask=low|high',
      'last value=-1',
    ]);
    // the packed words are laid out bit for bit as the schema says
    const first = packed.snapshot();
    const { RECORD_BYTES } = packed;
    const recordAt = first.length - 7 * RECORD_BYTES;
    const view = new DataView(first.buffer, first.byteOffset + recordAt);
    const d0 = view.getBigUint64(16, true);
    expect(d0 & 0x7n).toBe(7n);
    expect((d0 >> 3n) & 1n).toBe(1n);
    expect((d0 >> 4n) & 0xffffn).toBe(BigInt.asUintN(16, -1234n));
    expect((d0 >> 24n) & 0xffn).toBe(0xabn);
    expect(d0 >> 32n).toBe(0x80000001n);
    const d1 = view.getBigUint64(24, true);
    expect(d1 & 0xffn).toBe(0x80n);
    expect((d1 >> 8n) & 0xfffn).toBe(0x800n);
    expect((d1 >> 20n) & 0xff_ffff_ffffn).toBe(0xff_1234_5678n);
    expect(d1 >> 60n).toBe(0n);
  });

  it('an enum value with no name is reported', () => {
    const bytes = new Uint8Array(32);
    bytes[0] = 1;
    bytes[16] = 3; // kind = 3: not a value of IrqKind
    const r = packed.decodeRecord(bytes);
    expect(r.issues).toEqual([{ field: 'kind', message: '3 is not a value of irq_kind' }]);
    expect(packed.formatRecord(r)).toContain('kind=unknown(3)');
  });

  it('many: 256 events, every id named, helpers for all', () => {
    expect(Object.keys(many.EVENT_NAMES)).toHaveLength(256);
    expect(many.eventTypeName(255)).toBe('event_255');
    expect(typeof many.traceEvent255).toBe('function');
    many.enable();
    many.traceEvent1(1, -1n);
    many.traceEvent2(0xbeef, -2);
    many.traceEvent255();
    const records = [...many.decodeTrace(many.snapshot())].map(({ ts: _t, cpu: _c, ...r }) => r);
    expect(records).toEqual([
      { event: 'event_1', id: 1, value: 1, other: -1n },
      { event: 'event_2', id: 2, low: 0xbeef, high: -2 },
      { event: 'event_255', id: 255 },
    ]);
  });
});

describe('tracegen generate', () => {
  it('is deterministic, leaves unchanged files alone, and --check catches a schema edit', async () => {
    rmSync(TMP, { recursive: true, force: true });
    mkdirSync(TMP, { recursive: true });
    cpSync('test/golden/packed/schema.yaml', join(TMP, 'schema.yaml'));
    const out = join(TMP, 'out');
    const first = await runCli(['generate', join(TMP, 'schema.yaml'), '--out', out]);
    expect(first.code).toBe(0);
    expect(first.stderr).toBe(`wrote     ${out}/index.ts\n`);
    const bytes1 = readFileSync(join(out, 'index.ts'));
    const second = await runCli(['generate', join(TMP, 'schema.yaml'), '--out', out]);
    expect(second.stderr).toBe(`unchanged ${out}/index.ts\n`);
    expect(readFileSync(join(out, 'index.ts')).equals(bytes1)).toBe(true);
    expect((await runCli(['generate', '--check', join(TMP, 'schema.yaml'), '--out', out])).code).toBe(0);

    writeFileSync(
      join(TMP, 'schema.yaml'),
      readFileSync(join(TMP, 'schema.yaml'), 'utf8').replace('doc: The highest id.', 'doc: The very highest id.'),
    );
    const check = await runCli(['generate', '--check', join(TMP, 'schema.yaml'), '--out', out]);
    expect(check.code).toBe(1);
    expect(check.stderr).toContain(`tracegen: ${out}/index.ts is out of date`);
    expect(check.stderr).toContain('+  * The very highest id.');
    expect(check.stderr).toContain(`Regenerate with: npx tracegen generate ${TMP}/schema.yaml`);
    expect(readFileSync(join(out, 'index.ts')).equals(bytes1)).toBe(true);
  });

  it("an invalid schema writes nothing, with the validator's messages", async () => {
    rmSync(TMP + '-bad', { recursive: true, force: true });
    mkdirSync(TMP + '-bad', { recursive: true });
    const schema = join(TMP + '-bad', 'schema.yaml');
    writeFileSync(schema, 'tracegen: 1\nname: bad\nclock: {unit: ns}\nlayout: {ring_size: 3, rings: 1}\nevents: []\n');
    const r = await runCli(['generate', schema, '--out', join(TMP + '-bad', 'out')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${schema}:4:21: error[ring-size-not-power-of-two]`);
    expect(r.stderr).toContain('nothing written');
    expect(() => readFileSync(join(TMP + '-bad', 'out', 'index.ts'))).toThrow();
  });

  it("removes a generated file it no longer produces, never a file of the user's", async () => {
    const out = join(TMP, 'out');
    writeFileSync(join(out, 'stale.ts'), `// @generated by tracegen from ${TMP}/schema.yaml. DO NOT EDIT.\n`);
    writeFileSync(join(out, 'mine.ts'), '// my own file\n');
    const r = await runCli(['generate', join(TMP, 'schema.yaml'), '--out', out]);
    expect(r.stderr).toContain(`removed   ${out}/stale.ts`);
    expect(() => readFileSync(join(out, 'stale.ts'))).toThrow();
    expect(readFileSync(join(out, 'mine.ts'), 'utf8')).toBe('// my own file\n');
  });

  it('never replaces a file it did not write, nor its own schema, config or templates; out folders compared by real path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tracegen-own-'));
    const veridian = readFileSync('schema/veridian.yaml', 'utf8');
    // the schema named as a generated file would be: generate EVENTS.md --out . --target md
    writeFileSync(join(dir, 'EVENTS.md'), veridian);
    const self = await runCli(['generate', join(dir, 'EVENTS.md'), '--out', dir, '--target', 'md']);
    expect(self.code).toBe(2);
    expect(self.stderr).toBe(
      `tracegen: ${join(dir, 'EVENTS.md')} is an input of this run; it would be overwritten by its own output; nothing written\n`,
    );
    expect(readFileSync(join(dir, 'EVENTS.md'), 'utf8')).toBe(veridian);
    // ... also when the schema's text carries the marker, and through a link to its folder
    writeFileSync(join(dir, 'index.ts'), `# @generated by tracegen from x. DO NOT EDIT.\n${veridian}`);
    symlinkSync(dir, join(dir, 'link'));
    const linked = await runCli(['generate', join(dir, 'index.ts'), '--out', join(dir, 'link')]);
    expect(linked.code).toBe(2);
    expect(linked.stderr).toContain('is an input of this run');
    // a hand-written file where a template's output goes (an out folder outside the project)
    const templates = join(dir, 'templates');
    mkdirSync(templates);
    writeFileSync(join(templates, 'authorized_keys.hbs'), '{{preamble "#"}}ssh-ed25519 AAAA generated\n');
    const home = join(dir, 'home');
    mkdirSync(home);
    writeFileSync(join(home, 'authorized_keys'), 'ssh-ed25519 AAAA mine\n');
    const keys = await runCli(['generate', 'schema/veridian.yaml', '--templates', templates, '--out', home]);
    expect(keys.code).toBe(2);
    expect(keys.stderr).toBe(
      `tracegen: ${join(home, 'authorized_keys')} exists and was not generated by tracegen (no '@generated by tracegen' marker); move it, or choose another --out; nothing written\n`,
    );
    expect(readFileSync(join(home, 'authorized_keys'), 'utf8')).toBe('ssh-ed25519 AAAA mine\n');
    // what it wrote itself it replaces
    rmSync(join(home, 'authorized_keys'));
    expect((await runCli(['generate', 'schema/veridian.yaml', '--templates', templates, '--out', home])).code).toBe(0);
    expect((await runCli(['generate', 'schema/veridian.yaml', '--templates', templates, '--out', home])).code).toBe(0);
    // a config entry whose out folder holds its schema; two outs that are one folder through a link
    const project = join(dir, 'project');
    mkdirSync(join(project, 'schema'), { recursive: true });
    writeFileSync(join(project, 'schema/index.ts'), veridian);
    writeFileSync(join(project, 'tracegen.config.yaml'), 'tracegen: 1\nschemas:\n  - { path: schema/index.ts, out: schema }\n');
    const own = runBin(['generate'], undefined, project);
    expect(own.code).toBe(2);
    expect(readFileSync(join(project, 'schema/index.ts'), 'utf8')).toBe(veridian);
    cpSync('test/golden/packed/schema.yaml', join(project, 'schema/packed.yaml'));
    mkdirSync(join(project, 'gen'));
    symlinkSync('gen', join(project, 'gen-link'));
    writeFileSync(
      join(project, 'tracegen.config.yaml'),
      'tracegen: 1\nschemas:\n  - { path: schema/index.ts, out: gen }\n  - { path: schema/packed.yaml, out: gen-link }\n',
    );
    const shared = runBin(['validate'], undefined, project);
    expect(shared.code).toBe(1);
    expect(shared.stderr).toContain('error[duplicate-out]: schemas[1] writes to gen-link, as schemas[0] does');
    rmSync(dir, { recursive: true, force: true });
  });

  it('an output folder that cannot be written: one line, exit 1, nothing half-written', async () => {
    const blocker = join(TMP, 'blocker');
    writeFileSync(blocker, 'a file, not a folder\n');
    const r = await runCli(['generate', 'schema/veridian.yaml', '--out', join(blocker, 'out')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`tracegen: cannot write ${join(blocker, 'out')}: a file is in the way of a folder\n`);
    expect(readFileSync(blocker, 'utf8')).toBe('a file, not a folder\n');
  });

  it('generated code imports the runtime as @tracegen/runtime, or as --runtime says', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'tracegen-user-')), 'generated');
    expect((await runCli(['generate', 'schema/veridian.yaml', '--out', out])).code).toBe(0);
    const imports = (text: string) => [...new Set([...text.matchAll(/^(?:import|export) .* from '([^']+)';$/gm)].map((m) => m[1]))];
    expect(imports(readFileSync(join(out, 'index.ts'), 'utf8'))).toEqual(['@tracegen/runtime']);
    expect(imports(readFileSync('generated/veridian/index.ts', 'utf8'))).toEqual(['@tracegen/runtime']);
    expect((await runCli(['generate', 'schema/veridian.yaml', '--out', out, '--runtime', '#trace-runtime'])).code).toBe(0);
    expect(imports(readFileSync(join(out, 'index.ts'), 'utf8'))).toEqual(['#trace-runtime']);
  });

  it('the committed generated/veridian is up to date, as tracegen.config.yaml generates it', async () => {
    const r = await runCli(['generate', '--check']);
    expect([r.code, r.stderr]).toEqual([0, 'schema/veridian.yaml: generated code is up to date (6 files)\n']);
  });

  it('a check of fewer targets than were generated passes: no header depends on the targets beside it', async () => {
    const out = join(TMP, 'fewer');
    expect((await runCli(['generate', 'schema/veridian.yaml', '--out', out, '--target', 'ts', '--target', 'rust'])).code).toBe(0);
    expect((await runCli(['generate', '--check', 'schema/veridian.yaml', '--out', out])).code).toBe(0);
    expect((await runCli(['generate', '--check', '--target', 'rust', 'schema/veridian.yaml', '--out', out])).code).toBe(0);
  });

  it('the command a stale --check prints, run as printed, makes --check pass', async () => {
    const out = join(TMP, 'hint');
    const args = ['schema/veridian.yaml', '--target', 'rust', '--target', 'c', '--out', out, '--rust-visibility', 'pub'];
    expect((await runCli(['generate', ...args])).code).toBe(0);
    // each header names the command, with the options its own file depends on, that makes it again
    expect(readFileSync(join(out, 'trace_events.rs'), 'utf8').split('\n')[1]).toBe(
      `// Edit the schema, then run \`npx tracegen generate schema/veridian.yaml --out ${out} --target rust --rust-visibility pub\`.`,
    );
    expect(readFileSync(join(out, 'trace_events.h'), 'utf8').split('\n')[1]).toBe(
      `// Edit the schema, then run \`npx tracegen generate schema/veridian.yaml --out ${out} --target c\`.`,
    );
    writeFileSync(join(out, 'trace_events.rs'), readFileSync(join(out, 'trace_events.rs'), 'utf8').replace('pub enum', 'pub  enum'));
    const stale = await runCli(['generate', '--check', ...args]);
    expect(stale.code).toBe(1);
    const hint = /^Regenerate with: npx tracegen (.*)$/m.exec(stale.stderr)![1]!;
    expect((await runCli(hint.split(' '))).code).toBe(0);
    expect((await runCli(['generate', '--check', ...args])).code).toBe(0);
  });
});

describe('--templates DIR', () => {
  it('renders every *.hbs template with the schema model', async () => {
    const out = 'test/tmp/templates-out';
    rmSync(out, { recursive: true, force: true });
    const r = await runCli(['generate', 'schema/veridian.yaml', '--templates', 'test/templates/python', '--out', out]);
    expect(r.code).toBe(0);
    const py = readFileSync(join(out, 'events.py'), 'utf8');
    expect(py.split('\n').slice(0, 2)).toEqual([
      '# # @generated by tracegen from schema/veridian.yaml. DO NOT EDIT.',
      '# Edit the schema, then run `npx tracegen generate schema/veridian.yaml --out test/tmp/templates-out --templates test/templates/python`.',
    ]);
    expect(py).toContain('    5: "ipc_fast_recv",  # IpcFastReceive, 2 fields\n');
  });

  it('a template that names something missing fails with one line and writes nothing', async () => {
    const dir = 'test/tmp/bad-templates';
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'x.txt.hbs'), 'line one\n{{#each events}}{{nmae}}{{/each}}\n');
    const r = await runCli(['generate', 'schema/veridian.yaml', '--templates', dir, '--out', join(dir, 'out')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      "tracegen: test/tmp/bad-templates/x.txt.hbs:2:19: 'nmae' is not defined: no helper or field of that name here; nothing written\n",
    );
    writeFileSync(join(dir, 'x.txt.hbs'), '{{#each events}}\n  {{nohelper name}}\n{{/each}}\n');
    const h = await runCli(['generate', 'schema/veridian.yaml', '--templates', dir, '--out', join(dir, 'out')]);
    expect(h.stderr).toBe(
      "tracegen: test/tmp/bad-templates/x.txt.hbs:2:5: 'nohelper' is not defined: no helper or field of that name here; nothing written\n",
    );
  });
});
