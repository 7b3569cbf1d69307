import {
  argumentMisfitBit,
  argumentMisfitText,
  bigSignedField,
  bigUnsignedField,
  boolField,
  flagsText,
  hexOf,
  misfitValue,
  numberText,
  rangeBits,
  signedField,
  storedMisfitPrefix,
  storedMisfitText,
  TWO_32,
  unknownEnumText,
  unsignedField,
} from '@tracegen/runtime';
import type { StringLookup } from '@tracegen/runtime';
import type { EventModel, FieldModel } from '../../schema/model/model.js';
import { StringFieldWriter } from './string-field.js';
import { fragment, type ByteWriter } from '../output/byte-writer.js';
import { u64Big } from '../read/record.js';
import { fieldSpec } from '../read/schema-decoder.js';

/**
 * The issues found while writing a record's fields, kept until the args object is closed and
 * then written as bytes: each a prefix made once per field, then the message's text or the hex
 * digits of a misfit's raw bits. No string is built for the common misfit (a field on its whole
 * word), which kernel records have by the million.
 */
export class JsonArgs {
  count = 0;
  readonly #prefix: IssuePrefix[] = [];
  readonly #text: (string | undefined)[] = [];
  readonly #hi: number[] = [];
  readonly #lo: number[] = [];

  /** An issue whose message is `text` (ASCII: names, digits, our own words). */
  add(prefix: IssuePrefix, text: string): void {
    const i = this.count++;
    this.#prefix[i] = prefix;
    this.#text[i] = text;
  }

  /** An issue whose message is `prefix` followed by the hex digits of a u64 given as halves. */
  addHex(prefix: IssuePrefix, hi: number, lo: number): void {
    const i = this.count++;
    this.#prefix[i] = prefix;
    this.#text[i] = undefined;
    this.#hi[i] = hi;
    this.#lo[i] = lo;
  }

  /** Writes the issues as `{"field":...,"message":...}` objects, comma-separated, and forgets them. */
  write(w: ByteWriter): void {
    for (let i = 0; i < this.count; i++) {
      if (i) w.bytes(COMMA);
      this.#message(w, i, this.#prefix[i]!.json);
      w.bytes(ISSUE_END);
    }
    this.count = 0;
  }

  /** Writes the issues as one JSON string, `field: message; ...` (Chrome JSON's args), and forgets them. */
  writeText(w: ByteWriter): void {
    w.bytes(QUOTE);
    for (let i = 0; i < this.count; i++) {
      if (i) w.bytes(SEMICOLON);
      this.#message(w, i, this.#prefix[i]!.text);
    }
    w.bytes(QUOTE);
    this.count = 0;
  }

  #message(w: ByteWriter, i: number, prefix: Uint8Array): void {
    w.bytes(prefix);
    const text = this.#text[i];
    if (text === undefined) w.hex(this.#hi[i]!, this.#lo[i]!);
    else w.ascii(text);
  }
}

const ISSUE_END = fragment('"}');
const SEMICOLON = fragment('; ');

/** The start of an issue of `field` up to its message's first character: as a JSON object's, and as text. */
interface IssuePrefix {
  readonly json: Uint8Array;
  readonly text: Uint8Array;
}

function issuePrefix(field: string, messageStart = ''): IssuePrefix {
  return { json: fragment(`{"field":${JSON.stringify(field)},"message":"${messageStart}`), text: fragment(`${field}: ${messageStart}`) };
}

/**
 * Writes one field's `"name":value` for `--format jsonl`, straight from the record's u32 halves
 * into bytes: the hot loop of decoding a capture, so no intermediate objects or strings, and
 * BigInt only for values beyond 2^53.
 */
type FieldWriter = (lo: number, hi: number, w: ByteWriter, out: JsonArgs) => void;

export type ArgsWriter = (d0lo: number, d0hi: number, d1lo: number, d1hi: number, args: number, w: ByteWriter, out: JsonArgs) => void;

/**
 * Which JSON a field is written as. `jsonl`: one JSON type per field (fields wider than 53 bits
 * are decimal strings whatever their value; a misfit's value as the runtime's codec reads it).
 * `chrome`: numbers while they are exact, for a viewer that shows numbers; past 2^53 the field's
 * display text (hex where the schema says) as a string; a misfit's raw bits as hex text; and
 * each field's unit beside it as `<field>_unit`.
 */
export type JsonDialect = 'jsonl' | 'chrome';

const COMMA = fragment(',');

/**
 * Builds the writer of an event's fields, `"name":value` comma-separated: the inside of its
 * `args` object. `strings`: the trace's string table as the reader fills it (SchemaDecoder.strings).
 */
export function jsonArgsWriter(event: EventModel, strings: StringLookup, dialect: JsonDialect = 'jsonl'): ArgsWriter {
  const writers = event.fields.map((f) => withUnit(f, fieldWriter(f, strings, dialect === 'chrome'), dialect === 'chrome'));
  const words = event.fields.map((f) => f.word);
  // the argument-misfit issues of runtime records, in field order (runtime/field-codec.ts)
  const argumentIssues = event.fields.map((f, index) => ({
    bit: argumentMisfitBit(index),
    prefix: issuePrefix(f.names.snake),
    message: argumentMisfitText(f.type.kind === 'int', f.type.width),
  }));
  return (d0lo, d0hi, d1lo, d1hi, args, w, out) => {
    for (let i = 0; i < writers.length; i++) {
      if (i) w.bytes(COMMA);
      if (words[i] === 0) writers[i]!(d0lo, d0hi, w, out);
      else writers[i]!(d1lo, d1hi, w, out);
    }
    if (args !== 0) for (const a of argumentIssues) if ((args & a.bit) !== 0) out.add(a.prefix, a.message);
  };
}

/** A field wider than 53 bits: always a decimal string, so each field has one JSON type whatever its value. */
const QUOTE = fragment('"');

function bigText(v: bigint): string {
  return `"${v}"`;
}

/** Chrome's `"<field>_unit":"<unit>"` after a field that has a unit. */
function withUnit(f: FieldModel, write: FieldWriter, chrome: boolean): FieldWriter {
  if (!chrome || f.unit === undefined) return write;
  const unit = fragment(`,"${f.names.snake}_unit":${JSON.stringify(f.unit)}`);
  return (lo, hi, w, out) => {
    write(lo, hi, w, out);
    w.bytes(unit);
  };
}

const QUOTE_HEX = fragment('"0x');
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function fieldWriter(f: FieldModel, strings: StringLookup, chrome: boolean): FieldWriter {
  const spec = fieldSpec(f);
  const key = fragment(`"${f.names.snake}":`);
  const { lo: start, range } = f;
  const width = f.type.width;
  const valueKind = f.type.kind === 'bool' ? 'boolean' : f.big ? 'bigint' : 'number';
  const prefix = issuePrefix(f.names.snake);
  const hexPrefix = issuePrefix(f.names.snake, storedMisfitPrefix(f.type.kind === 'int', width));
  // a whole word's raw bits are its halves as they are: no BigInt needed
  const signed = f.type.kind === 'int';
  const wholeWord = start === 0 && range === 64 && valueKind === 'number' && !signed;
  const misfit = (lo: number, hi: number, w: ByteWriter, out: JsonArgs): void => {
    w.bytes(key);
    if (wholeWord) {
      out.addHex(hexPrefix, hi, lo);
      if (hi < 0x200000) w.uint(hi * TWO_32 + lo);
      else if (chrome) {
        w.bytes(QUOTE_HEX);
        w.hex(hi, lo);
        w.bytes(QUOTE);
      } else w.ascii('null');
      return;
    }
    const raw = rangeBits(lo, hi, start, range);
    out.add(prefix, storedMisfitText(f.type.kind === 'int', width, raw));
    const v = misfitValue(raw, valueKind, signed ? range : 0);
    // Chrome: the value while it is an exact number, else the raw bits as hex text
    if (chrome)
      w.ascii(
        typeof v === 'bigint' && v >= -MAX_SAFE && v <= MAX_SAFE
          ? String(v)
          : typeof v === 'number' && !Number.isNaN(v)
            ? String(v)
            : `"${hexOf(raw)}"`,
      );
    else w.ascii(typeof v === 'bigint' ? bigText(v) : Number.isNaN(v) ? 'null' : String(v));
  };
  /** A value past 53 bits, exact: jsonl's decimal string; Chrome's number while it is exact, else its display text. */
  const bigValue = (v: bigint, w: ByteWriter): void => {
    if (!chrome) w.ascii(bigText(v));
    else if (v >= -MAX_SAFE && v <= MAX_SAFE) w.ascii(String(v));
    // with a unit beside it, the number's decimal digits; without, its display text
    else w.ascii(`"${f.unit === undefined ? numberText(spec, v, false) : String(v)}"`);
  };
  /** A number beyond 2^53, signed or not: exact, as a decimal string where JSON numbers are not. */
  const bigWriter =
    (read: (word: bigint, start: number, range: number, width: number) => bigint | undefined): FieldWriter =>
    (lo, hi, w, out) => {
      const v = read(u64Big(hi, lo), start, range, width);
      if (v === undefined) return misfit(lo, hi, w, out);
      w.bytes(key);
      bigValue(v, w);
    };
  switch (f.type.kind) {
    case 'string': {
      const text = new StringFieldWriter(f, strings);
      const missing = (value: string, w: ByteWriter) => w.ascii(`"${value}"`);
      return (lo, hi, w, out) => {
        const id = text.id(lo, hi);
        if (id === -1) return misfit(lo, hi, w, out);
        w.bytes(key);
        const problem = text.write(id, w, missing);
        if (problem !== undefined) out.add(prefix, problem);
      };
    }
    case 'flags': {
      const labels = f.type.ref.bits.map((b) => [b.bit, b.names.snake] as const);
      return (lo, hi, w, out) => {
        const v = f.big ? bigUnsignedField(u64Big(hi, lo), start, range, width) : unsignedField(lo, hi, start, range, width);
        if (v === undefined || v === -1) return misfit(lo, hi, w, out);
        w.bytes(key);
        w.ascii(`"${flagsText(v, labels)}"`);
      };
    }
    case 'enum': {
      const names: Record<number, Uint8Array> = Object.fromEntries(f.type.ref.values.map((v) => [v.value, fragment(`"${v.names.snake}"`)]));
      const enumName = f.type.ref.names.snake;
      return (lo, hi, w, out) => {
        const v = unsignedField(lo, hi, start, range, width);
        if (v === -1) return misfit(lo, hi, w, out);
        w.bytes(key);
        const name = names[v];
        if (name !== undefined) return w.bytes(name);
        out.add(prefix, unknownEnumText(v, enumName));
        w.uint(v);
      };
    }
    case 'bool':
      return (lo, hi, w, out) => {
        const b = boolField(lo, hi, start, range);
        if (b === undefined) return misfit(lo, hi, w, out);
        w.bytes(key);
        w.ascii(b ? 'true' : 'false');
      };
    case 'int': {
      if (f.wholeWord && width === 64 && chrome)
        return (lo, hi, w) => {
          w.bytes(key);
          const h = hi | 0;
          // exact as a double strictly within +-2^53
          if ((h > -0x200000 || (h === -0x200000 && lo !== 0)) && h < 0x200000) w.int(h * TWO_32 + lo);
          else bigValue(BigInt.asIntN(64, u64Big(hi, lo)), w);
        };
      if (f.wholeWord && width === 64) {
        return (lo, hi, w) => {
          w.bytes(key);
          // a string whatever the value: one JSON type per field
          w.bytes(QUOTE);
          w.i64(hi, lo);
          w.bytes(QUOTE);
        };
      }
      if (f.big) return bigWriter(bigSignedField);
      return (lo, hi, w, out) => {
        const v = signedField(lo, hi, start, range, width);
        if (Number.isNaN(v)) return misfit(lo, hi, w, out);
        w.bytes(key);
        w.int(v);
      };
    }
    default: {
      if (f.wholeWord && width === 64 && chrome)
        return (lo, hi, w) => {
          w.bytes(key);
          if (hi < 0x200000) w.uint(hi * TWO_32 + lo);
          else bigValue(u64Big(hi, lo), w);
        };
      if (f.wholeWord && width === 64) {
        return (lo, hi, w) => {
          w.bytes(key);
          w.bytes(QUOTE);
          w.u64(hi, lo);
          w.bytes(QUOTE);
        };
      }
      if (f.big) return bigWriter(bigUnsignedField);
      return (lo, hi, w, out) => {
        const v = unsignedField(lo, hi, start, range, width);
        if (v === -1) return misfit(lo, hi, w, out);
        w.bytes(key);
        w.uint(v);
      };
    }
  }
}
