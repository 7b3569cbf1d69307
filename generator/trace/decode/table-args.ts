import {
  bigSignedField,
  bigUnsignedField,
  boolField,
  flagsText,
  hexOf,
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

/**
 * Writes an event's fields for `--format table` (` name=text`, and ` (!issue)` after a value
 * that does not fit) straight into bytes, as SchemaDecoder.fields() and tableLine() would print
 * them: the hot loop of a table of a large capture. Records whose argument-misfit word is set
 * take tableLine() instead (they are rare, and carry two issues per field at most); a property
 * test holds the two paths equal.
 */
export type TableArgsWriter = (d0lo: number, d0hi: number, d1lo: number, d1hi: number, w: ByteWriter) => void;

type FieldWriter = (lo: number, hi: number, w: ByteWriter) => void;

const ISSUE_OPEN = fragment(' (!');
const ISSUE_CLOSE = fragment(')');
const HEX_PREFIX = fragment('0x');

/** `strings`: the trace's string table as the reader fills it (SchemaDecoder.strings). */
export function tableArgsWriter(event: EventModel, strings: StringLookup): TableArgsWriter {
  const writers = event.fields.map((f) => fieldWriter(f, strings));
  const words = event.fields.map((f) => f.word);
  const n = writers.length;
  return (d0lo, d0hi, d1lo, d1hi, w) => {
    for (let i = 0; i < n; i++) {
      if (words[i] === 0) writers[i]!(d0lo, d0hi, w);
      else writers[i]!(d1lo, d1hi, w);
    }
  };
}

function issue(w: ByteWriter, text: string): void {
  w.bytes(ISSUE_OPEN);
  w.ascii(text);
  w.bytes(ISSUE_CLOSE);
}

function fieldWriter(f: FieldModel, strings: StringLookup): FieldWriter {
  const key = fragment(` ${f.names.snake}=`);
  // a unit stands apart from the value: `bytes_total=81920 bytes`
  const unit = f.unit === undefined ? undefined : fragment(` ${f.unit}`);
  const { lo: start, range } = f;
  const width = f.type.width;
  const signedType = f.type.kind === 'int';
  const issueHex = fragment(` (!${storedMisfitPrefix(signedType, width)}`);
  // a whole word's raw bits are its halves as they are: no BigInt needed
  const wholeWord = start === 0 && range === 64;
  const misfit = (lo: number, hi: number, w: ByteWriter): void => {
    w.bytes(key);
    if (wholeWord) {
      w.bytes(HEX_PREFIX);
      w.hex(hi, lo);
      w.bytes(issueHex);
      w.hex(hi, lo);
      w.bytes(ISSUE_CLOSE);
      return;
    }
    const raw = rangeBits(lo, hi, start, range);
    w.ascii(hexOf(raw));
    issue(w, storedMisfitText(signedType, width, raw));
  };
  const withUnit = (w: ByteWriter) => {
    if (unit) w.bytes(unit);
  };
  switch (f.type.kind) {
    case 'string': {
      const text = new StringFieldWriter(f, strings);
      const missing = (value: string, w: ByteWriter) => w.ascii(value);
      return (lo, hi, w) => {
        const id = text.id(lo, hi);
        if (id === -1) return misfit(lo, hi, w);
        w.bytes(key);
        const problem = text.write(id, w, missing);
        if (problem !== undefined) issue(w, problem);
      };
    }
    case 'flags': {
      const labels = f.type.ref.bits.map((b) => [b.bit, b.names.snake] as const);
      return (lo, hi, w) => {
        const v = f.big ? bigUnsignedField(u64Big(hi, lo), start, range, width) : unsignedField(lo, hi, start, range, width);
        if (v === undefined || v === -1) return misfit(lo, hi, w);
        w.bytes(key);
        w.ascii(flagsText(v, labels));
      };
    }
    case 'enum': {
      const names: Record<number, Uint8Array> = Object.fromEntries(f.type.ref.values.map((v) => [v.value, fragment(v.names.snake)]));
      const enumName = f.type.ref.names.snake;
      return (lo, hi, w) => {
        const v = unsignedField(lo, hi, start, range, width);
        if (v === -1) return misfit(lo, hi, w);
        w.bytes(key);
        const name = names[v];
        if (name !== undefined) return w.bytes(name);
        w.ascii(`unknown(${v})`);
        issue(w, unknownEnumText(v, enumName));
      };
    }
    case 'bool':
      return (lo, hi, w) => {
        const b = boolField(lo, hi, start, range);
        if (b === undefined) return misfit(lo, hi, w);
        w.bytes(key);
        w.ascii(b ? 'true' : 'false');
      };
    case 'int': {
      if (f.wholeWord && width === 64 && f.format !== 'hex')
        return (lo, hi, w) => {
          w.bytes(key);
          w.i64(hi, lo);
          withUnit(w);
        };
      if (f.big)
        return (lo, hi, w) => {
          const v = bigSignedField(u64Big(hi, lo), start, range, width);
          if (v === undefined) return misfit(lo, hi, w);
          w.bytes(key);
          w.ascii(f.format === 'hex' ? hexOf(v, width) : v.toString());
          withUnit(w);
        };
      return (lo, hi, w) => {
        const v = signedField(lo, hi, start, range, width);
        if (Number.isNaN(v)) return misfit(lo, hi, w);
        w.bytes(key);
        if (f.format === 'hex') w.ascii(hexOf(v, width));
        else w.int(v);
        withUnit(w);
      };
    }
    default: {
      const hex = f.format === 'hex';
      const asSigned = f.format === 'signed';
      if (f.wholeWord && width === 64)
        return (lo, hi, w) => {
          w.bytes(key);
          if (hex) {
            w.bytes(HEX_PREFIX);
            w.hex(hi, lo);
          } else if (asSigned) w.i64(hi, lo);
          else w.u64(hi, lo);
          withUnit(w);
        };
      if (f.big)
        return (lo, hi, w) => {
          const v = bigUnsignedField(u64Big(hi, lo), start, range, width);
          if (v === undefined) return misfit(lo, hi, w);
          w.bytes(key);
          w.ascii(hex ? hexOf(v, width) : asSigned ? BigInt.asIntN(width, v).toString() : v.toString());
          withUnit(w);
        };
      const half = 2 ** (width - 1);
      return (lo, hi, w) => {
        const v = unsignedField(lo, hi, start, range, width);
        if (v === -1) return misfit(lo, hi, w);
        w.bytes(key);
        if (hex) {
          w.bytes(HEX_PREFIX);
          w.hex(Math.floor(v / TWO_32), v >>> 0);
        } else if (asSigned) w.int(v >= half ? v - 2 * half : v);
        else w.uint(v);
        withUnit(w);
      };
    }
  }
}
