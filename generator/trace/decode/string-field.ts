import { missingStringText, missingStringValue, unsignedField, type StringLookup } from '@tracegen/runtime';
import type { FieldModel } from '../../schema/model/model.js';
import { fragment, type ByteWriter } from '../output/byte-writer.js';

/** What the views reserve for a record (besides its texts). */
const RECORD_ROOM = 4096;

/**
 * A string field's value as the byte-writing views write it (the table, jsonl, Chrome JSON): its
 * text as a JSON string (the table shows it quoted too, as readField's text does), or, when the
 * trace's table lacks the id, `"#id"` and the issue. The quoted bytes are made once per text.
 */
export class StringFieldWriter {
  readonly #strings: StringLookup;
  readonly #quoted = new Map<string, Uint8Array>();
  readonly #start: number;
  readonly #range: number;
  readonly #width: number;

  constructor(f: FieldModel, strings: StringLookup) {
    this.#strings = strings;
    this.#start = f.lo;
    this.#range = f.range;
    this.#width = f.type.width;
  }

  /** The field's id, or -1 when its range holds more than an id (a stored misfit). */
  id(lo: number, hi: number): number {
    return unsignedField(lo, hi, this.#start, this.#range, this.#width);
  }

  /**
   * Writes the text of `id` quoted, or `missing` (its own form of `#id`) when the table lacks it;
   * returns the issue to report then, else undefined.
   */
  write(id: number, w: ByteWriter, missing: (value: string, w: ByteWriter) => void): string | undefined {
    const text = id === 0 ? undefined : this.#strings.get(id);
    if (text === undefined) {
      missing(missingStringValue(id), w);
      return missingStringText(id);
    }
    let bytes = this.#quoted.get(text);
    if (bytes === undefined) {
      // a run's texts are at most the runtime's table; several runs in one read start it afresh
      if (this.#quoted.size >= 65536) this.#quoted.clear();
      bytes = fragment(JSON.stringify(text));
      this.#quoted.set(text, bytes);
    }
    // a text may be longer than the room a record reserves: room for it and the record's rest
    w.reserve(bytes.length + RECORD_ROOM);
    w.bytes(bytes);
    return undefined;
  }
}
