import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { HEADER_AT, HEADER_FIXED_BYTES, isTraceFile, TraceFileError, TraceFileReader } from '@tracegen/runtime';
import { loadSchemaBytes, loadSchemaFile, refuseLarge, type LoadResult } from '../load-schema.js';
import { describeFsError, MAX_SCHEMA_BYTES, UnreadableFileError } from '../load/read-source.js';

/**
 * Loads one side of a diff: a schema file, a trace file (the schema it carries), or `REV:PATH`
 * read with `git show` from the repository of the current folder. The loader's limits and checks
 * apply to each; what cannot be read at all throws `UnreadableFileError`.
 *
 * @example
 * const base = loadSide('origin/main:schema/veridian.yaml');
 */
export function loadSide(arg: string): LoadResult {
  let isFile = false;
  try {
    const st = statSync(arg);
    if (st.isDirectory()) throw new UnreadableFileError(`${arg}: is a directory, not a schema or trace file`);
    isFile = true;
  } catch (e) {
    if (e instanceof UnreadableFileError) throw e;
    const code = (e as { code?: string }).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw new UnreadableFileError(`${arg}: ${describeFsError(e)}`);
  }
  if (isFile) return isTraceFile(readHead(arg, 8)) ? traceSchema(arg) : loadSchemaFile(arg);
  const git = /^([^:]+):(.+)$/.exec(arg);
  if (git) return gitSchema(arg, git[1]!, git[2]!);
  throw new UnreadableFileError(
    `${arg}: no such file (a baseline is a schema file, a trace file, or REV:PATH such as origin/main:schema/x.yaml)`,
  );
}

function readHead(path: string, n: number): Uint8Array {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const buf = new Uint8Array(n);
    const got = readSync(fd, buf, 0, n, 0);
    return buf.subarray(0, got);
  } catch (e) {
    throw new UnreadableFileError(`${path}: ${describeFsError(e)}`);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** What a trace file's label adds to its path: the schema it carries is what is compared. */
export const TRACE_SCHEMA_SUFFIX = ' (its schema)';

/** The schema a trace file carries, read from its header alone (bounded by the loader's limit). */
function traceSchema(path: string): LoadResult {
  const file = `${path}${TRACE_SCHEMA_SUFFIX}`;
  const fixed = readHead(path, HEADER_FIXED_BYTES);
  if (fixed.length < HEADER_FIXED_BYTES) throw new UnreadableFileError(`${path}: the trace file is cut off inside its header`);
  const view = new DataView(fixed.buffer, fixed.byteOffset, fixed.byteLength);
  const textBytes = view.getUint32(HEADER_AT.schemaTextLength, true);
  if (textBytes === 0) throw new UnreadableFileError(`${path}: the trace file carries no schema`);
  const refused = refuseLarge(textBytes, file);
  if (refused) return refused;
  const headerBytes = view.getUint32(HEADER_AT.length, true);
  const head = readHead(path, Math.min(headerBytes, HEADER_FIXED_BYTES + textBytes + 8));
  const reader = new TraceFileReader();
  reader.feed(head);
  try {
    reader.chunks().next();
  } catch (e) {
    if (e instanceof TraceFileError) throw new UnreadableFileError(`${path}: ${e.message}`);
    throw e;
  }
  if (!reader.header) throw new UnreadableFileError(`${path}: the trace file is cut off inside its header`);
  return loadSchemaBytes(new TextEncoder().encode(reader.header.schemaText), file);
}

/** `git show REV:PATH` in the current folder's repository. */
function gitSchema(arg: string, rev: string, path: string): LoadResult {
  // a revision is never an option: `--output=FILE:x.yaml` would have git write a file
  if (rev.startsWith('-')) throw new UnreadableFileError(`${arg}: a revision cannot begin with '-'`);
  const r = spawnSync('git', ['show', '--no-textconv', '--end-of-options', `${rev}:${path}`], { maxBuffer: MAX_SCHEMA_BYTES * 4 });
  if (r.error) {
    const code = (r.error as { code?: string }).code;
    if (code === 'ENOBUFS') return refuseLarge(MAX_SCHEMA_BYTES + 1, arg)!;
    throw new UnreadableFileError(`${arg}: cannot run git (${code === 'ENOENT' ? 'git is not installed' : r.error.message})`);
  }
  if (r.status !== 0) {
    const why =
      r.stderr
        .toString('utf8')
        .split('\n')
        .find((l) => l.trim() !== '')
        ?.replace(/^fatal: /, '') ?? `git exited with ${r.status}`;
    throw new UnreadableFileError(`${arg}: ${why}`);
  }
  return loadSchemaBytes(new Uint8Array(r.stdout), arg);
}
