/** `npm run lint`'s import rule (test/lint/boundaries.mjs, docs/architecture.md) on small trees that break it. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const trees: string[] = [];
afterAll(() => {
  for (const t of trees) rmSync(t, { recursive: true, force: true });
});

/** Runs the lint on a tree of `files` (path: source); its exit code and what it printed. */
function lint(files: Record<string, string>): { code: number; out: string } {
  const root = mkdtempSync(join(tmpdir(), 'tracegen-lint-'));
  trees.push(root);
  for (const dir of ['runtime', 'generated', 'generator']) mkdirSync(join(root, dir), { recursive: true });
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, dirname(path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  const r = spawnSync(process.execPath, ['test/lint/boundaries.mjs'], { env: { ...process.env, BOUNDARIES_ROOT: root }, encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout + r.stderr };
}

describe('the import rule of npm run lint', () => {
  it('passes imports that go down the layers', () => {
    const r = lint({
      'generator/trace/read/reader.ts': "import { x } from '../../schema/model/model.js';\n",
      'generator/schema/model/model.ts': 'export const x = 1;\n',
      'generator/trace/decode/table-view.ts': "import { x } from '../read/reader.js';\n",
    });
    expect(r).toMatchObject({ code: 0 });
  });

  it('fails the reader importing a view, the schema side importing the trace side, and two views of one layer', () => {
    const r = lint({
      'generator/trace/read/reader.ts': "import { v } from '../decode/table-view.js';\n",
      'generator/trace/decode/table-view.ts': 'export const v = 1;\n',
      'generator/schema/emit/emit.ts': "import { r } from '../../trace/read/reader.js';\n",
      'generator/trace/stats/stats.ts': "import { v } from '../decode/table-view.js';\n",
    });
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      'generator/trace/read/reader.ts: imports ../decode/table-view.js; the reader (generator/trace/read) may not import views',
    );
    expect(r.out).toContain('generator/schema/emit/emit.ts: imports ../../trace/read/reader.js; schema side');
    expect(r.out).toContain('the views generator/trace/stats and generator/trace/decode are apart');
  });

  it('fails the runtime importing anything outside it', () => {
    const r = lint({ 'runtime/tracer.ts': "import { x } from '../generator/index.js';\n" });
    expect(r.code).toBe(1);
    expect(r.out).toContain('the runtime imports nothing outside runtime/');
  });
});
