/**
 * One field of a record read as every reader shows it: its value, its text in the field's
 * display format, and its issue when the stored bits do not fit its type or name no enum value.
 * The one statement of those rules for readers driven by a schema at run time: tracegen's
 * decoder (the table, the API, stats) and the report page, which embeds this module. The
 * generated decoders inline the same field readers (bits.ts) and texts (field-codec.ts), and the
 * byte writers of jsonl and the table are this function unrolled; a property test holds them all
 * equal on random records.
 *
 * Depends only on bits.ts, field-codec.ts and layout.ts, whose code the report page embeds with it.
 */
import { bigSignedField, bigUnsignedField, boolField, enumText, flagsText, hexOf, signedField, signedText, unsignedField } from './bits.js';
import { missingStringText, missingStringValue, misfitValue, rangeBits, storedMisfitText, unknownEnumText } from './field-codec.js';

/** What a reader needs of a field: where its bits are, its type, its display format and its names. */
export interface FieldSpec {
  readonly name: string;
  readonly kind: 'uint' | 'int' | 'bool' | 'enum' | 'flags' | 'string';
  /** Which data word (0 or 1) and which bits of it: from `lo`, `range` bits. */
  readonly word: 0 | 1;
  readonly lo: number;
  readonly range: number;
  /** The type's width in bits (a bool's is 1). */
  readonly width: number;
  /** Wider than 53 bits: read as a bigint. */
  readonly big: boolean;
  /** How numbers are shown: hex, signed (an unsigned field read as signed), or decimal. */
  readonly format: string;
  /** Shown after a number, apart from it. */
  readonly unit?: string;
  /** An enum's value names, and its name (for the issue of a value it lacks). */
  readonly labels?: Readonly<Record<number, string>>;
  readonly enumName?: string;
  /** A flags set's bit numbers and names. */
  readonly bits?: readonly (readonly [number, string])[];
}

/** Where a string field's id finds its text: the trace's string table (a Map of id to text). */
export interface StringLookup {
  get(id: number): string | undefined;
}

const NO_STRINGS: StringLookup = new Map();

/** A field's value as readers give it: a number, a bigint, a boolean, or a label (an enum's name, flags, a string field's text). */
export type FieldReadValue = number | bigint | boolean | string;

export interface FieldReading {
  readonly value: FieldReadValue;
  /** The value as the table shows it: hex, signed, names, a unit after it. */
  readonly text: string;
  /** Set when the stored bits do not fit the field's type, or name no value of its enum. */
  readonly issue?: string;
}

/**
 * Reads field `f` from its data word, given as u32 halves; a string field's text from `strings`.
 *
 * @example
 * readField({ name: 'nr', kind: 'uint', word: 0, lo: 0, range: 32, width: 32, big: false, format: 'decimal' }, 7, 0);
 * // { value: 7, text: '7' }
 */
export function readField(f: FieldSpec, lo: number, hi: number, strings: StringLookup = NO_STRINGS): FieldReading {
  const signed = f.kind === 'int';
  const misfit = (): FieldReading => {
    const raw = rangeBits(lo, hi, f.lo, f.range);
    const value = misfitValue(raw, f.kind === 'bool' ? 'boolean' : f.big ? 'bigint' : 'number', signed ? f.range : 0);
    return { value, text: hexOf(raw), issue: storedMisfitText(signed, f.width, raw) };
  };
  if (f.big) {
    const word = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
    const v = signed ? bigSignedField(word, f.lo, f.range, f.width) : bigUnsignedField(word, f.lo, f.range, f.width);
    if (v === undefined) return misfit();
    if (f.kind === 'flags') {
      const text = flagsText(v, f.bits!);
      return { value: text, text };
    }
    return { value: v, text: numberText(f, v, true) };
  }
  switch (f.kind) {
    case 'bool': {
      const b = boolField(lo, hi, f.lo, f.range);
      return b === undefined ? misfit() : { value: b, text: String(b) };
    }
    case 'int': {
      const v = signedField(lo, hi, f.lo, f.range, f.width);
      return Number.isNaN(v) ? misfit() : { value: v, text: numberText(f, v, true) };
    }
    default: {
      const v = unsignedField(lo, hi, f.lo, f.range, f.width);
      if (v === -1) return misfit();
      if (f.kind === 'enum') {
        const text = enumText(v, f.labels!);
        return f.labels![v] === undefined ? { value: v, text, issue: unknownEnumText(v, f.enumName!) } : { value: text, text };
      }
      if (f.kind === 'flags') {
        const text = flagsText(v, f.bits!);
        return { value: text, text };
      }
      if (f.kind === 'string') return stringReading(v, strings);
      return { value: v, text: numberText(f, v, true) };
    }
  }
}

/** A string field's reading: its text (quoted in the table), or `#id` and the issue when the table lacks it. */
export function stringReading(id: number, strings: StringLookup): FieldReading {
  const text = strings.get(id);
  if (text === undefined || id === 0) {
    const value = missingStringValue(id);
    return { value, text: value, issue: missingStringText(id) };
  }
  return { value: text, text: JSON.stringify(text) };
}

/**
 * A number field's value in its display format (hex, signed, or decimal), and its unit after it
 * when `withUnit`: `bytes_total=81920 bytes`.
 */
export function numberText(f: Pick<FieldSpec, 'kind' | 'width' | 'format' | 'unit'>, v: number | bigint, withUnit: boolean): string {
  const text = f.format === 'hex' ? hexOf(v, f.width) : f.format === 'signed' && f.kind === 'uint' ? signedText(v, f.width) : String(v);
  return withUnit && f.unit !== undefined && f.unit !== '' ? `${text} ${f.unit}` : text;
}
