import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, runBin } from './helpers/run-cli.js';

const TMP = mkdtempSync(join(tmpdir(), 'tracegen-pack-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

const npm = (args: string[], cwd: string) => {
  const r = spawnSync('npm', args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
};
const packed = (cwd: string) =>
  JSON.parse(npm(['pack', '--dry-run', '--json', '--ignore-scripts'], cwd)) as [{ files: { path: string }[] }];

const MAIN = `import { enable, traceSyscallEntry, traceSyscallExit, snapshot, decodeTrace } from './trace/index.js';

enable();
for (let nr = 0; nr < 5; nr++) {
  traceSyscallEntry(nr, BigInt(nr) * 16n);
  traceSyscallExit(nr, -BigInt(nr));
}
for (const r of decodeTrace(snapshot())) {
  if (r.event === 'syscall_entry') console.log(r.event, r.arg1);
  else if (r.event === 'syscall_exit') console.log(r.event, r.ret);
}
`;

describe('@tracegen/runtime, alone in an app', () => {
  it('packs only what users need, with no install-time build', () => {
    const runtime = packed(join(ROOT, 'runtime'))[0].files.map((f) => f.path);
    expect(runtime.every((p) => /^(dist\/[\w-]+\.(js|d\.ts)|package\.json|README\.md)$/.test(p))).toBe(true);
    expect(runtime).toContain('dist/tracer.js');
    const cli = packed(ROOT)[0].files.map((f) => f.path);
    expect(cli.filter((p) => /^(test|bench|examples|runtime)\/|^dist\/(bench|examples|generated|test)\//.test(p))).toEqual([]);
    for (const needed of [
      'dist/generator/cli/bin.js',
      'dist/generator/index.js',
      'dist/generator/index.d.ts',
      'dist/generator/schema/check/validators/schema.cjs',
      'schema/tracegen.schema.json',
      'schema/tracegen.config.schema.json',
      'generator/schema/emit/templates/rust/trace_events.rs.hbs',
    ])
      expect(cli).toContain(needed);
    for (const dir of ['.', 'runtime']) {
      const pkg = JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
      expect(Object.keys(pkg.scripts ?? {}).filter((s) => /^(pre|post)?(install|prepare|prepack)$/.test(s))).toEqual([]);
    }
    const runtimePkg = JSON.parse(readFileSync(join(ROOT, 'runtime/package.json'), 'utf8')) as Record<string, unknown>;
    expect(runtimePkg['dependencies']).toBeUndefined();
  });

  it('installed alone, it runs generated code that traces and decodes its own snapshot; a runtime it cannot run on is refused', () => {
    const [{ filename }] = JSON.parse(npm(['pack', '--json', '--ignore-scripts', '--pack-destination', TMP], join(ROOT, 'runtime'))) as [
      { filename: string },
    ];
    const app = join(TMP, 'app');
    mkdirSync(join(app, 'src'), { recursive: true });
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'traced-app', private: true, type: 'module' }));
    npm(['install', '--offline', '--no-audit', '--no-fund', join(TMP, filename)], app);
    // nothing but the runtime in node_modules
    expect(readdirSync(join(app, 'node_modules')).filter((n) => !n.startsWith('.'))).toEqual(['@tracegen']);
    expect(readdirSync(join(app, 'node_modules/@tracegen'))).toEqual(['runtime']);

    expect(runBin(['generate', join(ROOT, 'schema/veridian.yaml'), '--out', join(app, 'src/trace')], undefined, app).code).toBe(0);
    writeFileSync(join(app, 'src/main.ts'), MAIN);
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          target: 'es2022',
          strict: true,
          outDir: 'dist',
          rootDir: 'src',
          types: [],
          skipLibCheck: true,
        },
        include: ['src'],
      }),
    );
    const tsc = spawnSync(join(ROOT, 'node_modules/.bin/tsc'), ['-p', '.'], { cwd: app, encoding: 'utf8' });
    expect(tsc.stdout).toBe('');
    const run = spawnSync(process.execPath, ['dist/main.js'], { cwd: app, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.stdout.trim().split('\n')).toEqual([0, 1, 2, 3, 4].flatMap((n) => [`syscall_entry ${n * 16}n`, `syscall_exit ${-n}n`]));

    // the same app against a runtime of another minor version: refused as the module loads
    const other = join(TMP, 'app-other');
    cpSync(app, other, { recursive: true });
    const version = join(other, 'node_modules/@tracegen/runtime/dist/version.js');
    writeFileSync(version, readFileSync(version, 'utf8').replace(/RUNTIME_VERSION = '[^']+'/, "RUNTIME_VERSION = '0.2.0'"));
    const refused = spawnSync(process.execPath, ['dist/main.js'], { cwd: other, encoding: 'utf8' });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(
      'RuntimeVersionError: the tracegen module of schema veridian was generated for @tracegen/runtime ^0.1.0, but 0.2.0 is installed',
    );
  });
});
