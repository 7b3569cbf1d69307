import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { GENERATED_MARKER, type GeneratedFile } from './generated-file.js';

export type FileChange = { readonly path: string; readonly kind: 'created' | 'updated' | 'unchanged' | 'removed'; readonly before?: string; readonly after?: string };

/**
 * Compares generated files with what `outDir` holds: which would be created, updated, left
 * alone, or removed. A file is removed only when it carries the generated marker for this
 * schema, the run no longer produces it, and `owns` says it is the kind of file the requested
 * targets write (so `--target ts` never removes the Rust output of an earlier run).
 */
export function planChanges(outDir: string, files: readonly GeneratedFile[], schemaPath: string, owns: (path: string) => boolean): FileChange[] {
  const changes: FileChange[] = [];
  const wanted = new Set(files.map((f) => f.path));
  for (const f of files) {
    const path = join(outDir, f.path);
    const before = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
    changes.push({ path, kind: before === undefined ? 'created' : before === f.content ? 'unchanged' : 'updated', ...(before !== undefined ? { before } : {}), after: f.content });
  }
  for (const path of listFiles(outDir)) {
    const rel = relative(outDir, path).split('\\').join('/');
    if (wanted.has(rel) || !owns(rel)) continue;
    const text = readHead(path);
    if (text.includes(`${GENERATED_MARKER} from ${schemaPath}.`)) changes.push({ path, kind: 'removed', before: readFileSync(path, 'utf8') });
  }
  return changes;
}

/**
 * Applies changes: each new or changed file is written to a temporary file beside it, then
 * renamed over the old one, so a reader (or a crash) never sees half a file. Unchanged files
 * are not touched, so their timestamps stay and build tools do not rebuild.
 */
export function applyChanges(changes: readonly FileChange[]): void {
  for (const c of changes) {
    if (c.kind === 'created' || c.kind === 'updated') {
      mkdirSync(dirname(c.path), { recursive: true });
      const tmp = join(dirname(c.path), `.${Math.random().toString(36).slice(2)}.tracegen.tmp`);
      try {
        writeFileSync(tmp, c.after!);
        renameSync(tmp, c.path);
      } catch (e) {
        rmSync(tmp, { force: true });
        throw e;
      }
    } else if (c.kind === 'removed') {
      rmSync(c.path);
    }
  }
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(p));
    else if (entry.isFile()) out.push(p);
  }
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
  if (a.length * b.length > 4_000_000) return [...a.map((text) => ({ kind: '-' as const, text })), ...b.map((text) => ({ kind: '+' as const, text }))];
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
