import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { GENERATED_MARKER, type GeneratedFile } from './generated-file.js';

export type FileChange = { readonly path: string; readonly kind: 'created' | 'updated' | 'unchanged' | 'removed'; readonly before?: string; readonly after?: string };

/**
 * Compares generated files with what `outDir` holds: which would be created, updated, left
 * alone, or removed (a file carrying the generated marker for this schema that the run no longer
 * produces). `owned` limits removal to the files a target writes.
 */
export function planChanges(outDir: string, files: readonly GeneratedFile[], schemaPath: string): FileChange[] {
  const changes: FileChange[] = [];
  const wanted = new Set(files.map((f) => f.path));
  for (const f of files) {
    const path = join(outDir, f.path);
    const before = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
    changes.push({ path, kind: before === undefined ? 'created' : before === f.content ? 'unchanged' : 'updated', ...(before !== undefined ? { before } : {}), after: f.content });
  }
  for (const path of listFiles(outDir)) {
    const rel = relative(outDir, path).split('\\').join('/');
    if (wanted.has(rel)) continue;
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

/** A short line diff of two texts: the first differing lines with a little context. */
export function shortDiff(before: string, after: string, maxLines = 12): string {
  const a = before.split('\n');
  const b = after.split('\n');
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length - 1;
  let endB = b.length - 1;
  while (endA >= start && endB >= start && a[endA] === b[endB]) {
    endA--;
    endB--;
  }
  const out = [`@@ line ${start + 1} @@`];
  if (start > 0) out.push(`  ${a[start - 1]}`);
  const removed = a.slice(start, endA + 1).map((l) => `- ${l}`);
  const added = b.slice(start, endB + 1).map((l) => `+ ${l}`);
  const body = [...removed.slice(0, maxLines / 2), ...(removed.length > maxLines / 2 ? [`  ... ${removed.length - maxLines / 2} more removed`] : []), ...added.slice(0, maxLines / 2), ...(added.length > maxLines / 2 ? [`  ... ${added.length - maxLines / 2} more added`] : [])];
  return [...out, ...body].map((l) => (l.length > 160 ? l.slice(0, 157) + '...' : l)).join('\n') + '\n';
}
