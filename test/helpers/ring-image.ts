import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { appendRecord, imageBytes } from '@tracegen/runtime';
import { loadSchemaText } from '../../generator/schema/load-schema.js';

/** One record of a hand-made ring image: its ring (also its cpu byte), timestamp, id and data words. */
export type ImageRecord = readonly [ring: number, ts: number, id: number, data0: number | bigint, data1?: number | bigint];

/**
 * Writes `<name>.yaml` (the schema `text`) and `<name>.bin`, a kernel ring image of the schema's
 * layout holding `records` in order, into `dir`.
 *
 * @example
 * const { input, schemaPath } = ringImage(TMP, 'pool', TEXT, [[0, 1000, 0, 7], [1, 3000, 1, 7]]);
 */
export function ringImage(dir: string, name: string, text: string, records: readonly ImageRecord[]): { input: string; schemaPath: string } {
  const schemaPath = join(dir, `${name}.yaml`);
  writeFileSync(schemaPath, text);
  const layout = loadSchemaText(text, schemaPath).model!.layout;
  const bytes = new Uint8Array(imageBytes(layout));
  for (const [ring, ts, id, data0, data1 = 0] of records)
    appendRecord(bytes, layout, ring, { timestamp: BigInt(ts), id, cpu: ring, data0: BigInt(data0), data1: BigInt(data1) });
  const input = join(dir, `${name}.bin`);
  writeFileSync(input, bytes);
  return { input, schemaPath };
}
