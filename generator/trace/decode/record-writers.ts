import type { SchemaDecoder } from '../read/schema-decoder.js';
import { fragment, type ByteWriter } from '../output/byte-writer.js';
import { jsonArgsWriter, type ArgsWriter, type JsonArgs } from './json-args.js';
import { tableArgsWriter, type TableArgsWriter } from './table-args.js';

const OPEN = fragment('{');
const CLOSE = fragment('}');
const EMPTY_OBJECT = fragment('{}');
const UNKNOWN = fragment('unknown');

/**
 * What the byte-writing views (table, jsonl, Chrome JSON) compile once per schema: per event id,
 * its name as bytes and the writers of its fields, so that the hot loop does one array access
 * per record for each.
 */
export class RecordWriters {
  readonly decoder: SchemaDecoder;
  readonly #json: (ArgsWriter | undefined)[] = new Array(256);
  readonly #chrome: (ArgsWriter | undefined)[] = new Array(256);
  readonly #nameBytes: (Uint8Array | undefined)[] = new Array(256);
  readonly #table: (TableArgsWriter | undefined)[] = new Array(256);
  readonly #tableNames: (Uint8Array | undefined)[] = new Array(256);

  constructor(decoder: SchemaDecoder) {
    this.decoder = decoder;
    for (const e of decoder.model.events) {
      this.#json[e.id] = jsonArgsWriter(e, decoder.strings);
      this.#chrome[e.id] = jsonArgsWriter(e, decoder.strings, 'chrome');
      this.#nameBytes[e.id] = fragment(e.names.snake);
      this.#table[e.id] = tableArgsWriter(e, decoder.strings);
      this.#tableNames[e.id] = fragment(` ${e.names.snake.padEnd(18)}`);
    }
  }

  /** Writes the record's named fields as a JSON object; issues are added to `out`. */
  writeJsonArgs(id: number, d0lo: number, d0hi: number, d1lo: number, d1hi: number, args: number, w: ByteWriter, out: JsonArgs): void {
    const write = id >= 0 ? this.#json[id] : undefined;
    if (!write) {
      w.bytes(EMPTY_OBJECT);
      return;
    }
    w.bytes(OPEN);
    write(d0lo, d0hi, d1lo, d1hi, args, w, out);
    w.bytes(CLOSE);
  }

  /** The fields of an id the schema has as Chrome JSON's args write them (json-args.ts), without braces. */
  writeChromeFields(id: number, d0lo: number, d0hi: number, d1lo: number, d1hi: number, args: number, w: ByteWriter, out: JsonArgs): void {
    this.#chrome[id]!(d0lo, d0hi, d1lo, d1hi, args, w, out);
  }

  /** The table's field writer of an event id; undefined for ids the schema lacks. */
  tableArgs(id: number): TableArgsWriter | undefined {
    return this.#table[id];
  }

  /** The table's name column of an id the schema has: a space and the name padded to 18. */
  tableName(id: number): Uint8Array {
    return this.#tableNames[id]!;
  }

  /** The printed name of an id as bytes (`unknown` for ids the schema lacks). */
  nameBytes(id: number): Uint8Array {
    return (id >= 0 ? this.#nameBytes[id] : undefined) ?? UNKNOWN;
  }
}
