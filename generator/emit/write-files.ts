import {
  type Stats,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { GENERATED_MARKER, type GeneratedFile } from './generated-file.js';

export type FileChange = {
  readonly path: string;
  readonly kind: 'created' | 'updated' | 'unchanged' | 'removed';
  readonly before?: string;
  readonly after?: string;
};

/**
 * Compares generated files with what `outDir` holds: which would be created, updated, left
 * alone, or removed. A file is removed only when it carries the generated marker for this
 * schema, the run no longer produces it, and `owns` says it is the kind of file the requested
 * targets write (so `--target ts` never removes the Rust output of an earlier run).
 */
export function planChanges(
  outDir: string,
  files: readonly GeneratedFile[],
  schemaPath: string,
  owns: (path: string) => boolean,
): FileChange[] {
  const changes: FileChange[] = [];
  const wanted = new Set(files.map((f) => f.path));
  for (const f of files) {
    const path = join(outDir, f.path);
    const before = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
    changes.push({
      path,
      kind: before === undefined ? 'created' : before === f.content ? 'unchanged' : 'updated',
      ...(before !== undefined ? { before } : {}),
      after: f.content,
    });
  }
  for (const path of listFiles(outDir)) {
    const rel = relative(outDir, path).split('\\').join('/');
    if (wanted.has(rel) || !owns(rel)) continue;
    const text = readHead(path);
    if (text.includes(`${GENERATED_MARKER} from ${schemaPath}.`))
      changes.push({ path, kind: 'removed', before: readFileSync(path, 'utf8') });
  }
  return changes;
}

/**
 * Applies changes all or nothing: every new or changed file is first written to a temporary
 * file beside it; only when all are written are they renamed over the old ones (each rename
 * atomic), then stale files are removed. A failure while writing (a full disk, no permission)
 * removes the temporary files and leaves every old file as it was. Unchanged files are not
 * touched, so their timestamps stay and build tools do not rebuild.
 */
export function applyChanges(changes: readonly FileChange[], writeFile: (path: string, text: string) => void = writeFileSync): void {
  const writes = changes.filter((c) => c.kind === 'created' || c.kind === 'updated');
  const staged: [tmp: string, path: string][] = [];
  try {
    for (const c of writes) {
      makeFolder(dirname(c.path));
      const tmp = join(dirname(c.path), `.${Math.random().toString(36).slice(2)}.tracegen.tmp`);
      staged.push([tmp, c.path]);
      writeFile(tmp, c.after!);
    }
  } catch (e) {
    for (const [tmp] of staged) rmSync(tmp, { force: true });
    throw e;
  }
  for (const [tmp, path] of staged) renameSync(tmp, path);
  for (const c of changes) if (c.kind === 'removed') rmSync(c.path, { force: true });
}

/**
 * Creates a folder and its missing parents one level at a time, so a path that can never exist
 * (under /proc, below a file) fails at once instead of retrying (Node's recursive mkdir loops
 * on such paths).
 */
function makeFolder(dir: string): void {
  const missing: string[] = [];
  let at = dir;
  for (;;) {
    let st: Stats;
    try {
      st = lstatSync(at);
    } catch (e) {
      if ((e as { code?: string }).code !== 'ENOENT') throw e;
      missing.push(at);
      const up = dirname(at);
      if (up === at) break;
      at = up;
      continue;
    }
    if (!st.isDirectory() && !statSync(at).isDirectory()) throw Object.assign(new Error(`${at} is not a folder`), { code: 'ENOTDIR' });
    break;
  }
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d);
    } catch (e) {
      // another generation made it meanwhile: that is the folder we wanted
      if ((e as { code?: string }).code !== 'EEXIST' || !statSync(d).isDirectory()) throw e;
    }
  }
}

/** The files directly in `dir`: generators write no subfolders, and stale-file removal must never reach into one. */
function listFiles(dir: string): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) if (entry.isFile()) out.push(join(dir, entry.name));
  return out.sort();
}

function readHead(path: string): string {
  try {
    return readFileSync(path, 'utf8').slice(0, 400);
  } catch {
    return '';
  }
}

/**
 * A short line diff of two texts: the changed lines of the first few hunks, each with the line
 * number where it starts. Enough to see what a regeneration would change.
 */
export function shortDiff(before: string, after: string, maxLines = 16): string {
  const a = before.split('\n');
  const b = after.split('\n');
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const ops = lineOps(a.slice(start, endA), b.slice(start, endB));
  const out: string[] = [];
  let line = start + 1;
  let lastWasChange = false;
  for (const op of ops) {
    if (op.kind === ' ') {
      line++;
      lastWasChange = false;
      continue;
    }
    if (!lastWasChange) out.push(`@@ line ${line} @@`);
    out.push(`${op.kind} ${op.text.length > 150 ? op.text.slice(0, 147) + '...' : op.text}`);
    if (op.kind === '-') line++;
    lastWasChange = true;
    if (out.length >= maxLines) {
      out.push('  ...');
      break;
    }
  }
  return out.join('\n') + '\n';
}

type Op = { kind: ' ' | '-' | '+'; text: string };

/** Line edits by longest common subsequence; a huge middle falls back to remove-all/add-all. */
function lineOps(a: string[], b: string[]): Op[] {
  if (a.length * b.length > 4_000_000)
    return [...a.map((text) => ({ kind: '-' as const, text })), ...b.map((text) => ({ kind: '+' as const, text }))];
  const w = b.length + 1;
  const lcs = new Uint32Array((a.length + 1) * w);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i * w + j] = a[i] === b[j] ? lcs[(i + 1) * w + j + 1]! + 1 : Math.max(lcs[(i + 1) * w + j]!, lcs[i * w + j + 1]!);
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      ops.push({ kind: ' ', text: a[i++]! });
      j++;
    } else if (i < a.length && (j === b.length || lcs[(i + 1) * w + j]! >= lcs[i * w + j + 1]!)) {
      ops.push({ kind: '-', text: a[i++]! });
    } else {
      ops.push({ kind: '+', text: b[j++]! });
    }
  }
  return ops;
}
