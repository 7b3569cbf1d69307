import type { CliIo } from './io.js';
export async function queryCommand(_argv: readonly string[], _io: CliIo): Promise<number> {
  return 2;
}
