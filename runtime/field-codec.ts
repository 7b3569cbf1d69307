/**
 * What every decoder (the generated ones, `tracegen decode`'s table, jsonl and chrome output)
 * answers for a field whose value does not fit, so that all of them agree:
 *
 * - **Stored misfit**: the bits of the field's range hold a value its type cannot (a u32 field
 *   whose word holds 0x1_0000_0001, a bool range holding 2). The value is the range's raw bits,
 *   read as signed for a signed field (an i8 in 16 bits holding 0xff00 is -256), as the field's
 *   type holds it (`misfitValue`); the table shows the raw bits in hex; the issue is
 *   `does not fit u32: 0x100000001`.
 * - **Argument misfit**: the traced program passed a value its field cannot hold (a u8 given
 *   300). The tracepoint never throws; it records the value's low bits, as before, and sets the
 *   field's bit in the record's argument-misfit word, so the record cannot pass for an honest
 *   one. The value decodes from the stored bits as usual; the issue is
 *   `argument did not fit u8 when traced (only its low bits were recorded)`.
 *
 * A record with issues also carries its raw data words. The argument-misfit word is bytes
 * 12-15 of the record, which the kernel always leaves zero: kernel images stay byte-identical,
 * and only runtime records of misfit calls differ. Bit k is field k (in schema order); fields
 * from the 32nd on share bit 31.
 */
import { addIssue, rawWords, type FieldIssue, type RawWords } from './bits.js';
import { OFFSET_ARG_MISFITS } from './layout.js';

export { OFFSET_ARG_MISFITS };

/**
 * What a trace helper stores in place of a bigint parameter given another JavaScript type (a
 * number, a string, undefined): 2^64, which fits no field, so the field is flagged as an argument
 * misfit, and whose low bits are all 0, so 0 is recorded. (A number parameter given another type
 * becomes NaN for the same two reasons.)
 */
export const WRONG_TYPE_BIGINT = 0x1_0000_0000_0000_0000n;

/** The bit of field `index` (schema order) in the argument-misfit word. */
export function argumentMisfitBit(index: number): number {
  return (index < 31 ? 1 << index : 1 << 31) >>> 0;
}

/** The type as issues name it: `u32`, `i12`, `u1` for a bool. */
export function misfitTypeName(signed: boolean, width: number): string {
  return `${signed ? 'i' : 'u'}${width}`;
}

/** The issue of a stored misfit. */
export function storedMisfitText(signed: boolean, width: number, raw: bigint): string {
  return `${storedMisfitPrefix(signed, width)}${raw.toString(16)}`;
}

/** A stored misfit's issue up to the hex digits of the raw bits (`does not fit u32: 0x`), for decoders that write the digits themselves. */
export function storedMisfitPrefix(signed: boolean, width: number): string {
  return `does not fit ${misfitTypeName(signed, width)}: 0x`;
}

/** The issue of an argument misfit. */
export function argumentMisfitText(signed: boolean, width: number): string {
  return `argument did not fit ${misfitTypeName(signed, width)} when traced (only its low bits were recorded)`;
}

/** The issue of an enum field whose value has no name. */
export function unknownEnumText(value: number, enumName: string): string {
  return `${value} is not a value of ${enumName}`;
}

/**
 * The issue of a string field whose id has no text: 0 is what the runtime records when its
 * table was full; any other id is missing from the input (a kernel image has no table, a file
 * cut before its strings).
 */
export function missingStringText(id: number): string {
  return id === 0 ? 'the string table was full when traced: the text was not kept' : `string id ${id} is not in the trace's string table`;
}

/** A string field's value when its text is missing: `#id`. */
export function missingStringValue(id: number): string {
  return `#${id}`;
}

/** The bits of a field's range in a word given as two u32 halves, unsigned. */
export function rangeBits(lo: number, hi: number, start: number, range: number): bigint {
  return BigInt.asUintN(range, ((BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0)) >> BigInt(start));
}

/** How a field's value is typed: what a misfit's raw bits become. */
export type FieldValueKind = 'number' | 'bigint' | 'boolean';

/**
 * A stored misfit's value: the raw bits as the field's type can hold them, read with the field's
 * signedness (`signedRange`: the range's width for a signed field, 0 for others), so that a
 * signed field's range means what CTF readers make of it too: a bigint as is, a number when
 * within 2^53 (else NaN, which JSON prints as null), a boolean as "not zero".
 */
export function misfitValue(raw: bigint, kind: FieldValueKind, signedRange = 0): number | bigint | boolean {
  const v = signedRange > 0 ? BigInt.asIntN(signedRange, raw) : raw;
  if (kind === 'bigint') return v;
  if (kind === 'boolean') return v !== 0n;
  return v <= 9007199254740991n && v >= -9007199254740991n ? Number(v) : NaN;
}

/** A field as the argument check names it: `[name, signed, width]` (a bool is `[name, false, 1]`); null from older generated code for a bool. */
export type ArgumentField = readonly [name: string, signed: boolean, width: number] | null;

/**
 * A decoded record with the issues of its argument-misfit word added (and its raw words), or
 * the record itself when the word flags none of its fields. Decoders call it only for records
 * whose word is not zero, so the common path reads one u32 and nothing more.
 */
export function withArgumentIssues<R extends { readonly issues?: readonly FieldIssue[]; readonly raw?: RawWords }>(
  record: R,
  view: DataView,
  offset: number,
  fields: readonly ArgumentField[] | undefined,
): R {
  const bits = view.getUint32(offset + OFFSET_ARG_MISFITS, true);
  let issues: FieldIssue[] | undefined;
  fields?.forEach((f, index) => {
    if (f && (bits & argumentMisfitBit(index)) !== 0) issues = addIssue(issues, f[0], argumentMisfitText(f[1], f[2]));
  });
  if (!issues) return record;
  return { ...record, issues: [...(record.issues ?? []), ...issues], raw: record.raw ?? rawWords(view, offset) };
}
