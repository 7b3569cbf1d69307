import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { LoadResult } from '../load-schema.js';
import { TRACE_SCHEMA_SUFFIX } from './baseline.js';
import type { Finding } from './finding.js';

/**
 * Findings as GitHub Actions annotates them: on a file of the working tree, named relative to the
 * repository root, since an annotation on any other name (`main:./schema/app.yaml`, a path
 * relative to a subfolder) lands on no file of the pull request. A finding in the baseline (what
 * was removed) has no line in the working tree: it is annotated on the new schema's file as a
 * whole, the baseline's line named in its message.
 *
 * @example
 * renderDiagnostics(asReportable(forGithub(findings, base, next), failOn), 'github', () => undefined);
 */
export function forGithub(findings: readonly Finding[], base: LoadResult, next: LoadResult): Finding[] {
  const root = repositoryRoot();
  const nextPath = treePath(next.file, root);
  return findings.map((f) => {
    if (f.file === next.file && next.file !== base.file) return { ...f, file: nextPath };
    return {
      ...f,
      file: nextPath,
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: 1,
      message: `${f.message} (at line ${f.line} of the baseline, ${base.file})`,
    };
  });
}

/** The folder git calls the top of the current folder's work tree, or the current folder outside one. */
function repositoryRoot(): string {
  const r = spawnSync('git', ['rev-parse', '--show-toplevel'], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() !== '' ? r.stdout.trim() : process.cwd();
}

/** A side's label (a path, `REV:PATH`, a trace file's `PATH (its schema)`) as a path from the root. */
function treePath(label: string, root: string): string {
  let path = label.endsWith(TRACE_SCHEMA_SUFFIX) ? label.slice(0, -TRACE_SCHEMA_SUFFIX.length) : label;
  let fromRoot = false;
  const git = existsSync(path) ? undefined : /^([^:]+):(.+)$/.exec(path);
  if (git) {
    path = git[2]!;
    // in `REV:PATH`, a path that starts with ./ or ../ is relative to the current folder, others to the root
    fromRoot = !/^\.\.?\//.test(path);
  }
  const absolute = isAbsolute(path) ? path : resolve(fromRoot ? root : process.cwd(), path);
  return relative(root, absolute).split(sep).join('/');
}
