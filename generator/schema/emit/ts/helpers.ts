import { dataOffset, WRONG_TYPE_BIGINT } from '@tracegen/runtime';
import type { FunctionDeclarationStructure } from 'ts-morph';
import { StructureKind } from './ts-morph.js';
import type { EventModel, FieldModel } from '../../model/model.js';
import { jsDocText } from './escape.js';
import { misfitBits, planWords, stringIdLocal } from './packing.js';
import { fieldPlace, fieldTsType } from './types.js';
import { call, chain, LINE_WIDTH } from './layout.js';

/** Where a helper's statements start: one step into the function. */
const BODY_COLUMN = 2;

/**
 * `trace<Event>(...)`: one helper per event. Disabled or masked off, it costs one load and one
 * branch (the effective mask word); enabled, it packs its parameters into the data words and
 * writes one record, flagging the arguments that did not fit their fields.
 */
export function traceHelper(event: EventModel): FunctionDeclarationStructure {
  const { word, bit } = maskTest(event);
  const [w0, w1] = planWords(event);
  // the misfit word is the last argument, left out when no argument can misfit; a call that
  // does not fit on its line takes one argument a line (the misfit terms one a line after that)
  const terms = misfitBits(event);
  const misfits = terms.length ? [chain(BODY_COLUMN + 2, ' | ', terms, { trail: 1, indent: '  ' })] : [];
  const body: string[] = [
    `if (($tracer.mask[${word}]! & ${bit}) === 0) return;`,
    ...wrongTypeGuards(event),
    // a string's text becomes its id: one map lookup once this thread has traced it
    ...event.fields.filter((f) => f.type.kind === 'string').map((f) => `const ${stringIdLocal(f)} = $tracer.intern(${f.names.camel});`),
  ];
  if (!w0.big && !w1.big) {
    body.push(call(BODY_COLUMN, '$tracer.write', [String(event.id), w0.lo, w0.hi, w1.lo, w1.hi, ...misfits], ';'));
  } else {
    body.push(call(BODY_COLUMN, 'const $i = $tracer.begin', [String(event.id), ...misfits], ';'));
    // `$i` indexes the record's first u32: its data words in u32 (or, halved, u64) units
    for (const [n, w] of [w0, w1].entries()) {
      const at = dataOffset(n as 0 | 1);
      if (w.big) body.push(assignment(`$tracer.u64[($i >>> 1) + ${at / 8}]`, w.whole));
      else body.push(`$tracer.u32[$i + ${at / 4}] = ${w.lo};`, `$tracer.u32[$i + ${at / 4 + 1}] = ${w.hi};`);
    }
    body.push('$tracer.commit();');
  }
  return {
    kind: StructureKind.Function,
    isExported: true,
    name: `trace${event.names.pascal}`,
    docs: [
      {
        description: jsDocText(
          `${event.doc || `The ${event.names.snake} event.`}\n\nRecords event ${event.id} (\`${event.names.snake}\`) when tracing is enabled and the event is in the mask.`,
        ),
        tags: [
          ...event.fields.map((f) => ({ tagName: 'param', text: jsDocText(`${f.names.camel} ${paramDoc(f)}`) })),
          { tagName: 'example', text: `trace${event.names.pascal}(${event.fields.map(exampleValue).join(', ')});` },
        ],
      },
    ],
    parameters: event.fields.map((f) => ({ name: f.names.camel, type: fieldTsType(f) })),
    returnType: 'void',
    statements: body,
  };
}

/**
 * From JavaScript any value can arrive. A number parameter given anything but a number becomes
 * NaN, a bigint parameter given anything but a bigint becomes 2^64: neither fits any field, so
 * the misfit check flags the field, and both store 0 (docs/runtime.md). Bools need no guard: their
 * check is their type. One test of the parameters' types and one branch on the path of a
 * well-typed call; the replacements sit in the cold block behind it (measured in one run against
 * the helpers without guards: 0-3%, the noise of the machine; a guard per parameter cost 2-4%).
 */
function wrongTypeGuards(event: EventModel): string[] {
  // a bool's check is its type; intern() takes any value as its String()
  const guarded = event.fields.filter((f) => f.type.kind !== 'bool' && f.type.kind !== 'string');
  if (!guarded.length) return [];
  const want = (f: FieldModel) => (f.big ? 'bigint' : 'number');
  const replacement = (f: FieldModel) =>
    f.big ? `0x${WRONG_TYPE_BIGINT.toString(16)}n` : f.type.kind === 'enum' ? `NaN as ${fieldTsType(f)}` : 'NaN';
  const test = (f: FieldModel) => `typeof ${f.names.camel} !== '${want(f)}'`;
  const fixes = guarded.map((f) => `if (${test(f)}) ${f.names.camel} = ${replacement(f)};`);
  const anyWrong = chain(BODY_COLUMN + 4, ' || ', guarded.map(test), { trail: 3 });
  return [`if (${anyWrong}) {\n${fixes.map((l) => `  ${l}`).join('\n')}\n}`];
}

/** `target = value;` in a helper's body, the value on the next line when both do not fit on one. */
function assignment(target: string, value: string): string {
  const flat = `${target} = ${value};`;
  return BODY_COLUMN + flat.length <= LINE_WIDTH ? flat : `${target} =\n  ${value};`;
}

/** The word of the effective mask an event's tracepoint tests, and its bit there. */
function maskTest(event: EventModel): { word: number; bit: string } {
  return { word: event.id >> 5, bit: `0x${((1 << (event.id & 31)) >>> 0).toString(16)}` };
}

/**
 * `trace<Event>Enabled()`: whether the event's tracepoint would record now, as cheap as a disabled
 * tracepoint (the same load and test), so that arguments costly to compute are computed only then,
 * as Linux's `trace_<event>_enabled()` does.
 */
export function enabledHelper(event: EventModel): FunctionDeclarationStructure {
  const { word, bit } = maskTest(event);
  return {
    kind: StructureKind.Function,
    isExported: true,
    name: `trace${event.names.pascal}Enabled`,
    docs: [
      {
        description: jsDocText(
          `True when tracing is on and \`${event.names.snake}\` is in the mask: trace${event.names.pascal} would record now. Costs what a disabled tracepoint costs.`,
        ),
        tags: [
          {
            tagName: 'example',
            text: `if (trace${event.names.pascal}Enabled()) trace${event.names.pascal}(${event.fields.map(exampleValue).join(', ')});`,
          },
        ],
      },
    ],
    returnType: 'boolean',
    statements: [`return ($tracer.mask[${word}]! & ${bit}) !== 0;`],
  };
}

function paramDoc(f: FieldModel): string {
  const doc = f.doc ? `${f.doc} ` : '';
  return `${doc}(${fieldPlace(f)}${f.unit ? `, in ${f.unit}` : ''})`;
}

function exampleValue(f: FieldModel): string {
  switch (f.type.kind) {
    case 'bool':
      return 'true';
    case 'string':
      return `'${f.names.snake}'`;
    case 'enum':
      return `${f.type.ref.names.pascal}.${f.type.ref.values[0]!.names.pascal}`;
    case 'flags':
      return `${f.type.ref.names.pascal}.${f.type.ref.bits[0]!.names.pascal}${f.big ? '' : ''}`;
    default:
      return f.big ? '1n' : '1';
  }
}
