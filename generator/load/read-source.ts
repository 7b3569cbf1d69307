import { readFileSync, statSync } from 'node:fs';
import { WHOLE_FILE, type DiagnosticSink } from '../diagnostics/diagnostic.js';

/** Schemas are hand-written; anything this large is a mistake, and parsing it would only be slow. */
export const MAX_SCHEMA_BYTES = 1024 * 1024;

/** Thrown for a path that cannot be read at all: the CLI reports it as a usage error (exit 2). */
export class UnreadableFileError extends Error {
  override readonly name = 'UnreadableFileError';
}

/**
 * Reads a schema file as text. Problems with the content (too large, binary, not UTF-8) become
 * diagnostics; a path that is missing or a directory throws `UnreadableFileError`.
 */
export function readSource(path: string, sink: DiagnosticSink): string | undefined {
  let size: number;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw new UnreadableFileError(`${path}: is a directory, not a schema file`);
    size = st.size;
  } catch (e) {
    if (e instanceof UnreadableFileError) throw e;
    throw new UnreadableFileError(`${path}: ${describeFsError(e)}`);
  }
  if (size > MAX_SCHEMA_BYTES) {
    sink.error('file-too-large', WHOLE_FILE, `file is ${size} bytes; a schema may be at most ${MAX_SCHEMA_BYTES} bytes`);
    return undefined;
  }
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new UnreadableFileError(`${path}: ${describeFsError(e)}`);
  }
  return decodeText(bytes, sink);
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
