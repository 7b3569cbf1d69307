import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { MAX_SCHEMA_BYTES } from '@tracegen/runtime';
import { WHOLE_FILE, type DiagnosticSink } from '../diagnostics/diagnostic.js';

/** Schemas are hand-written; anything this large is a mistake, and parsing it would only be slow. */
export { MAX_SCHEMA_BYTES };

/** Thrown for a path that cannot be read at all: the CLI reports it as a usage error (exit 2). */
export class UnreadableFileError extends Error {
  override readonly name = 'UnreadableFileError';
}

/**
 * Reads a schema file as text. Problems with the content (too large, binary, not UTF-8) become
 * diagnostics; a path that is missing or a directory throws `UnreadableFileError`.
 */
export function readSource(path: string, sink: DiagnosticSink): string | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new UnreadableFileError(`${path}: ${describeFsError(e)}`);
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new UnreadableFileError(`${path}: is a directory, not a schema file`);
    // the size `stat` gives is 0 for devices and pipes: read with the limit, whatever the file is
    if (st.isFile() && st.size > MAX_SCHEMA_BYTES) return tooLarge(sink, `file is ${st.size} bytes`);
    const bytes = readAtMost(fd, MAX_SCHEMA_BYTES + 1, path);
    if (bytes.length > MAX_SCHEMA_BYTES) return tooLarge(sink, `file is more than ${MAX_SCHEMA_BYTES} bytes`);
    return decodeText(bytes, sink);
  } finally {
    closeSync(fd);
  }
}

function tooLarge(sink: DiagnosticSink, what: string): undefined {
  sink.error('file-too-large', WHOLE_FILE, `${what}; a schema may be at most ${MAX_SCHEMA_BYTES} bytes`);
  return undefined;
}

/** Reads up to `limit` bytes from an open file of any kind (a pipe, a device, /dev/stdin). */
function readAtMost(fd: number, limit: number, path: string): Uint8Array {
  const buf = Buffer.alloc(Math.min(limit, 1 << 16));
  let out = buf;
  let n = 0;
  for (;;) {
    if (n === out.length) {
      if (out.length >= limit) break;
      const grown = Buffer.alloc(Math.min(limit, out.length * 2));
      out.copy(grown, 0, 0, n);
      out = grown;
    }
    let got: number;
    try {
      got = readSync(fd, out, n, out.length - n, null);
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'EAGAIN') continue;
      if (code === 'EOF') break;
      throw new UnreadableFileError(`${path}: ${describeFsError(e)}`);
    }
    if (got === 0) break;
    n += got;
  }
  return out.subarray(0, n);
}

/** Decodes schema bytes, rejecting what is not UTF-8 text. */
export function decodeText(bytes: Uint8Array, sink: DiagnosticSink): string | undefined {
  if (bytes.includes(0)) {
    sink.error('not-text', WHOLE_FILE, 'file contains NUL bytes: this is a binary file, not a YAML schema');
    return undefined;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    sink.error('not-text', WHOLE_FILE, 'file is not valid UTF-8 text');
    return undefined;
  }
}

export function describeFsError(e: unknown): string {
  const code = (e as { code?: string }).code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    case 'EEXIST':
    case 'ENOTDIR':
      return 'a file is in the way of a folder';
    case 'ENOSPC':
      return 'no space left on the device';
    default:
      return e instanceof Error ? e.message : String(e);
  }
}
