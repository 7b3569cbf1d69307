import type { CliIo } from './io.js';
export async function decodeCommand(_argv: readonly string[], io: CliIo): Promise<number> {
  io.stderr.write('tracegen: decode is not built yet\n');
  return 2;
}
