import type { CliIo } from './io.js';
export function generateCommand(_argv: readonly string[], io: CliIo): number {
  io.stderr.write('tracegen: generate is not built yet\n');
  return 2;
}
