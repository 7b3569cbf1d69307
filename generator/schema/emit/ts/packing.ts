import { argumentMisfitBit, TWO_32 } from '@tracegen/runtime';
import type { EventModel, FieldModel } from '../../model/model.js';

/**
 * How a trace helper turns its typed parameters into the record's two data words. Words with
 * only number fields become two u32 halves computed with 32-bit integer operations (no BigInt,
 * no allocation); a word with a bigint field is built as one bigint and stored through a 64-bit
 * view.
 */
export interface WordPlan {
  readonly big: boolean;
  /** For number words: expressions of the low and high u32 halves. */
  readonly lo: string;
  readonly hi: string;
  /** For bigint words: an expression of the whole u64. */
  readonly whole: string;
}

export function planWords(event: EventModel): [WordPlan, WordPlan] {
  return [planWord(event.fields.filter((f) => f.word === 0)), planWord(event.fields.filter((f) => f.word === 1))];
}

function planWord(fields: readonly FieldModel[]): WordPlan {
  if (fields.some((f) => f.big)) {
    const parts = fields.map(bigPart);
    const whole = parts.length === 1 && fields[0]!.wholeWord ? parts[0]! : `BigInt.asUintN(64, ${parts.join(' | ')})`;
    return { big: true, lo: '0', hi: '0', whole };
  }
  const lo: string[] = [];
  const hi: string[] = [];
  for (const f of fields) {
    const [l, h] = numberParts(f);
    if (l !== undefined) lo.push(l);
    if (h !== undefined) hi.push(h);
  }
  return { big: false, lo: join(lo), hi: join(hi), whole: '' };
}

function join(parts: string[]): string {
  return parts.length === 0 ? '0' : parts.length === 1 ? parts[0]! : parts.map((p) => `(${p})`).join(' | ');
}

/** The parameter's value as a number, whatever its type: a string field's is its id, which the helper interned first. */
function numeric(f: FieldModel): string {
  if (f.type.kind === 'string') return stringIdLocal(f);
  return f.type.kind === 'bool' ? `(${f.names.camel} === true ? 1 : 0)` : f.names.camel;
}

/** The local a helper holds a string field's id in (`$path`: no parameter begins with `$`). */
export function stringIdLocal(f: FieldModel): string {
  return `$${f.names.camel}`;
}

/** Low and high u32 contributions of a number field (undefined: contributes nothing there). */
function numberParts(f: FieldModel): [string | undefined, string | undefined] {
  const v = numeric(f);
  const signed = f.type.kind === 'int';
  const width = f.type.width;
  if (f.wholeWord) {
    if (width <= 32) return [`${v} >>> 0`, signed ? `${v} >> 31` : undefined];
    return [`${v} >>> 0`, `Math.floor(${v} / ${TWO_32}) >>> 0`];
  }
  const s = f.lo;
  const r = f.range;
  if (s + r <= 32) {
    const masked = r === 32 ? `${v}` : `${v} & ${mask(r)}`;
    return [s === 0 ? masked : `(${masked}) << ${s}`, undefined];
  }
  if (s >= 32) {
    const masked = r === 32 ? `${v}` : `${v} & ${mask(r)}`;
    return [undefined, s === 32 ? masked : `(${masked}) << ${s - 32}`];
  }
  // the range crosses the halves or is wider than 32 bits: the runtime's packers handle every case
  return [`$packLo(${v}, ${s}, ${r})`, `$packHi(${v}, ${s}, ${r})`];
}

function mask(bits: number): string {
  return '0x' + (2 ** bits - 1).toString(16);
}

function bigPart(f: FieldModel): string {
  // BigInt() throws for NaN and fractions: a number joins a bigint word by its low 32 bits (as
  // in number words), or, when wider than 32 bits, as itself if a safe integer, else 0
  const v = f.big
    ? f.names.camel
    : f.type.width <= 32
      ? `BigInt(${numeric(f)} >>> 0)`
      : `BigInt(Number.isSafeInteger(${f.names.camel}) ? ${f.names.camel} : 0)`;
  if (f.wholeWord) return v;
  const masked = `BigInt.asUintN(${f.range}, ${v})`;
  return f.lo === 0 ? masked : `(${masked} << ${f.lo}n)`;
}

/**
 * The record's argument-misfit word (runtime/field-codec.ts): the terms OR-ed into it, field k's
 * bit set when its argument does not fit its type; none when no argument of the event can misfit
 * (an event without fields). A few compares on values the helper already holds; never a throw.
 */
export function misfitBits(event: EventModel): string[] {
  const parts: string[] = [];
  event.fields.forEach((f, index) => {
    const cond = misfitCondition(f);
    if (cond) parts.push(`(${cond} ? 0x${argumentMisfitBit(index).toString(16)} : 0)`);
  });
  return parts;
}

function misfitCondition(f: FieldModel): string | undefined {
  const v = f.names.camel;
  const w = f.type.width;
  const signed = f.type.kind === 'int';
  // an id from the string table is a u32 whatever the text
  if (f.type.kind === 'string') return undefined;
  // from JavaScript, a bool parameter may get anything: only `true` and `false` fit
  if (f.type.kind === 'bool') return `typeof ${v} !== 'boolean'`;
  if (f.big) return `BigInt.as${signed ? 'IntN' : 'UintN'}(${w}, ${v}) !== ${v}`;
  // a flags set combined with `|` is an int32 once bit 31 is in it: both readings of 32 bits fit
  if (w === 32 && f.type.kind === 'flags') return `(${v} | 0) !== ${v} && ${v} >>> 0 !== ${v}`;
  if (w === 32) return signed ? `(${v} | 0) !== ${v}` : `${v} >>> 0 !== ${v}`;
  if (w < 32) return signed ? `(${v} << ${32 - w}) >> ${32 - w} !== ${v}` : `(${v} & ${mask(w)}) !== ${v}`;
  const [min, max] = signed ? [-(2 ** (w - 1)), 2 ** (w - 1) - 1] : [0, 2 ** w - 1];
  return `!(Number.isInteger(${v}) && ${v} >= ${min} && ${v} <= ${max})`;
}
