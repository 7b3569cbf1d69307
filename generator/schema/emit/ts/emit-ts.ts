import { TS_NAMES } from '../../model/target-names.js';
import { imageBytes, OFFSET_CPU, OFFSET_ID, RECORD_BYTES, RUNTIME_VERSION } from '@tracegen/runtime';
import type { StatementStructures } from 'ts-morph';
import { printStructure, StructureKind } from './ts-morph.js';
import type { EventModel, SchemaModel } from '../../model/model.js';
import { preamble, type GeneratedFile } from '../generated-file.js';
import { ARGUMENT_WORD, argumentFieldsTable, decodeStatements } from './decoders.js';
import { jsDocText, tsString } from './escape.js';
import { formatCase } from './format.js';
import { call, chain, docComment, LINE_WIDTH, layoutLongLines, list, ternary } from './layout.js';
import { enabledHelper, traceHelper } from './helpers.js';
import { runtimeControls } from './controls.js';
import { fieldTsType, labelTableName } from './types.js';

/** Runtime names the generated module uses, imported under `$` aliases so no field can shadow them. */
const RUNTIME_IMPORTS = [
  'Tracer',
  'recordViews',
  'requireRuntime',
  'addIssue',
  'bigSignedField',
  'bigUnsignedField',
  'boolField',
  'enumText',
  'flagsText',
  'hexOf',
  'misfitValue',
  'missingStringText',
  'missingStringValue',
  'packHi',
  'packLo',
  'rangeBits',
  'rawWords',
  'signedField',
  'signedText',
  'storedMisfitText',
  'unknownEnumText',
  'unsignedField',
  'withArgumentIssues',
];
const RUNTIME_TYPES = [
  'ArgumentField',
  'AttachOptions',
  'Capture',
  'CaptureOptions',
  'ClockKind',
  'FieldIssue',
  'RawWords',
  'RingStats',
  'TraceHeader',
];

/**
 * Emits `index.ts` for a schema: the typed enum, name table, trace helpers, decoders and the
 * runtime's controls, built as ts-morph structures and printed in one call.
 *
 * @example
 * const [file] = emitTypeScript(model, '@tracegen/runtime');
 */
export function emitTypeScript(
  model: SchemaModel,
  runtimeSpecifier: string,
  regenerate = `npx tracegen generate ${model.sourcePath}`,
): GeneratedFile[] {
  const body: Statement[] = [
    // first, so that a runtime this module cannot run on says so as it loads, not in a tracepoint later
    `\n$requireRuntime(${tsString(`^${RUNTIME_VERSION}`)}, ${tsString(`the tracegen module of schema ${model.name}`)});\n`,
    ...section('The schema', schemaConstants(model)),
    ...section('Enums and flags', labelTables(model)),
    ...section('Event types and their printed names', eventTypes(model)),
    ...section('Decoded records', recordTypes(model)),
    ...section('Tracing controls', runtimeControls(model)),
    ...section(
      'Tracepoints: one helper per event',
      model.events.flatMap((e) => [traceHelper(e), enabledHelper(e)]),
    ),
    ...section('Decoding', decoders(model)),
    // last, being long: the runtime reads it only when it writes a trace file
    ...section('The schema text', [
      constant('SCHEMA_TEXT', tsString(model.text), 'The schema itself, embedded in every trace file so that it decodes alone.'),
    ]),
  ];
  // import exactly what the body uses, so `noUnusedLocals` holds for every schema; under `$`
  // aliases, so that no field (a parameter) can shadow a runtime function a helper calls
  const used = JSON.stringify(body);
  const uses = (name: string) => new RegExp(`\\$${name}\\b`).test(used);
  const imports = [
    ...RUNTIME_IMPORTS.filter(uses).map((name) => ({ name, alias: `$${name}`, isTypeOnly: false })),
    ...RUNTIME_TYPES.filter(uses).map((name) => ({ name, alias: `$${name}`, isTypeOnly: true })),
  ].sort((a, b) => a.name.localeCompare(b.name));
  const statements: Statement[] = [
    // one import a line
    ...imports.map(
      ({ name, alias, isTypeOnly }): StatementStructures => ({
        kind: StructureKind.ImportDeclaration,
        moduleSpecifier: runtimeSpecifier,
        isTypeOnly,
        namedImports: [{ name, alias }],
      }),
    ),
    {
      kind: StructureKind.ExportDeclaration,
      moduleSpecifier: runtimeSpecifier,
      namedExports: ['TraceFileError', 'TracingError'],
    },
    ...body,
  ];
  // the whole file in one call, printed straight from its structure (no project, no parse)
  const content = layoutLongLines(
    printStructure(
      {
        kind: StructureKind.SourceFile,
        leadingTrivia: `${preamble(model.sourcePath, regenerate, '//')}/* eslint-disable */\n\n`,
        statements,
      },
      { indentNumberOfSpaces: 2, useSingleQuote: true, newLine: '\n' },
    ),
  );
  return [{ path: 'index.ts', content }];
}

type Statement = StatementStructures | string;

/** A group of declarations under a comment line, after a blank line. */
function section(title: string, statements: Statement[]): Statement[] {
  const [first, ...rest] = statements;
  if (first === undefined) return [];
  const lead = `\n// ${title}\n\n`;
  return [typeof first === 'string' ? `${lead}${first}` : ({ ...first, leadingTrivia: lead } as StatementStructures), ...rest];
}

/**
 * `export const name: type = initializer;` under its doc comment. Written as text, not as a
 * structure: the printer indents every later line of a structure's initializer one step more,
 * which would misplace the closing bracket of a list laid out one entry a line.
 */
function constant(name: string, initializer: string | ((lead: number) => string), doc: string, type?: string): string {
  const head = `export const ${name}${type ? `: ${type}` : ''} = `;
  const value = typeof initializer === 'string' ? initializer : initializer(head.length);
  return `${docComment(jsDocText(doc))}\n${head}${value};`;
}

/** A type alias written as text (see `constant`), its doc comment first when it has one. */
function typeAlias(name: string, type: string | ((lead: number) => string), doc?: string): string {
  const head = `export type ${name} = `;
  const value = typeof type === 'string' ? type : type(head.length);
  // a value that starts on the next line leaves no space at the end of this one
  return `${doc ? `${docComment(jsDocText(doc))}\n` : ''}${value.startsWith('\n') ? head.trimEnd() : head}${value};`;
}

function schemaConstants(m: SchemaModel): Statement[] {
  return [
    constant('SCHEMA_NAME', tsString(m.name), m.doc || `The ${m.name} trace schema.`),
    constant('SCHEMA_HASH', tsString(m.hash), 'SHA-256 of the schema text: trace files carry it, decoders compare it.'),
    constant('RING_SIZE', String(m.layout.ringSize), 'Records per ring (a power of two).'),
    constant('RING_COUNT', String(m.layout.rings), 'Rings: one per CPU in the kernel, one per thread in the runtime.'),
    constant('RECORD_BYTES', String(RECORD_BYTES), "Bytes of one record: the kernel's TraceEvent."),
    constant('IMAGE_BYTES', String(imageBytes(m.layout)), "Bytes of the whole ring image (the kernel's TRACE_RINGS)."),
    constant(
      'SPANS',
      (lead) =>
        list(
          lead,
          '[',
          m.spans.map((sp) =>
            list(
              4,
              '{ ',
              [
                `name: ${tsString(sp.names.snake)}`,
                `begin: ${tsString(sp.begin.names.snake)}`,
                `end: ${tsString(sp.end.names.snake)}`,
                `match: ${sp.match === undefined ? 'undefined' : tsString(sp.match)}`,
                `scope: ${tsString(sp.scope)}`,
              ],
              ' }',
              { trail: 1, indent: '  ' },
            ),
          ),
          '] as const',
          { trail: 1 },
        ),
      'Begin/end event pairs, matched by a field both carry (undefined: the nearest end), on one ring (scope thread) or any (process), for analysis.',
      m.spans.length
        ? undefined
        : `ReadonlyArray<{\n${['name: string', `begin: ${TS_NAMES.eventName}`, `end: ${TS_NAMES.eventName}`, 'match: string | undefined', "scope: 'thread' | 'process'"].map((p) => `  readonly ${p};\n`).join('')}}>`,
    ),
    constant(
      'KERNEL_CLOCK',
      `{ unit: ${tsString(m.clock.unit)}, frequency: ${m.clock.frequency ?? 'undefined'} } as const`,
      `What the kernel's timestamps count. ${m.clock.doc}`,
    ),
  ];
}

function labelTables(m: SchemaModel): Statement[] {
  const out: Statement[] = [];
  for (const e of m.enums) {
    out.push(
      constant(
        e.names.pascal,
        (lead) =>
          list(
            lead,
            '{ ',
            e.values.map((v) => `${v.names.pascal}: ${v.value}`),
            ' } as const',
            { trail: 1 },
          ),
        e.doc || `The ${e.names.snake} enum.`,
      ),
    );
    out.push(typeAlias(e.names.pascal, `(typeof ${e.names.pascal})[keyof typeof ${e.names.pascal}]`));
    out.push(
      constant(
        labelTableName(e),
        (lead) =>
          list(
            lead,
            '{ ',
            e.values.map((v) => `${v.value}: ${tsString(v.names.snake)}`),
            ' }',
            { trail: 1 },
          ),
        `Printed names of ${e.names.pascal} values.`,
        'Readonly<Record<number, string>>',
      ),
    );
  }
  for (const f of m.flags) {
    const big = f.width > 53;
    out.push(
      constant(
        f.names.pascal,
        (lead) =>
          list(
            lead,
            '{ ',
            f.bits.map((b) => `${b.names.pascal}: ${big ? `${(1n << BigInt(b.bit)).toString()}n` : String(2 ** b.bit)}`),
            ' } as const',
            { trail: 1 },
          ),
        `${f.doc || `The ${f.names.snake} flags.`}\n\nCombine with \`|\`.`,
      ),
    );
    out.push(
      constant(
        labelTableName(f),
        (lead) =>
          list(
            lead,
            '[',
            f.bits.map((b) => `[${b.bit}, ${tsString(b.names.snake)}]`),
            ']',
            { trail: 1 },
          ),
        `Bit numbers and printed names of ${f.names.pascal} flags.`,
        'ReadonlyArray<readonly [number, string]>',
      ),
    );
  }
  return out;
}

function eventTypes(m: SchemaModel): Statement[] {
  const maxId = Math.max(-1, ...m.events.map((e) => e.id));
  const table = Array.from({ length: maxId + 1 }, (_, id) => {
    const e = m.events.find((x) => x.id === id);
    return e ? tsString(e.names.snake) : 'undefined';
  });
  return [
    constant(
      TS_NAMES.eventType,
      (lead) =>
        list(
          lead,
          '{ ',
          m.events.map((e) => `${e.variant}: ${e.id}`),
          ' } as const',
          { trail: 1 },
        ),
      `Event ids by kernel variant name: \`${TS_NAMES.eventType}.SyscallEntry === 0\`.`,
    ),
    typeAlias(TS_NAMES.eventType, m.events.length ? `(typeof ${TS_NAMES.eventType})[keyof typeof ${TS_NAMES.eventType}]` : 'never'),
    constant(
      'EVENT_NAMES',
      (lead) =>
        list(
          lead,
          '{ ',
          m.events.map((e) => `${e.id}: ${tsString(e.names.snake)}`),
          ' } as const',
          { trail: 1 },
        ),
      'Printed names by id: what dumps print.',
    ),
    typeAlias(TS_NAMES.eventName, m.events.length ? '(typeof EVENT_NAMES)[keyof typeof EVENT_NAMES]' : 'never'),
    `const $NAME_BY_ID: ReadonlyArray<${TS_NAMES.eventName} | undefined> = ${list(62, '[', table, ']', { trail: 1 })};`,
    {
      kind: StructureKind.Function,
      isExported: true,
      name: 'eventTypeName',
      docs: [
        {
          description: "The printed name of an event id, or `'unknown'` for any other id (the kernel's `event_type_name`).",
          tags: [
            { tagName: 'example', text: `eventTypeName(${m.events[0]?.id ?? 0}); // ${tsString(m.events[0]?.names.snake ?? 'unknown')}` },
          ],
        },
      ],
      parameters: [{ name: 'id', type: 'number' }],
      returnType: `${TS_NAMES.eventName} | 'unknown'`,
      statements: ["return $NAME_BY_ID[id] ?? 'unknown';"],
    },
    {
      kind: StructureKind.Function,
      isExported: true,
      name: 'eventTypeId',
      docs: ['The id of a printed name, or undefined.'],
      parameters: [{ name: 'name', type: 'string' }],
      returnType: `${TS_NAMES.eventType} | undefined`,
      statements: [
        `const id = $NAME_BY_ID.indexOf(name as ${TS_NAMES.eventName});`,
        `return id < 0 ? undefined : (id as ${TS_NAMES.eventType});`,
      ],
    },
  ];
}

function recordTypes(m: SchemaModel): Statement[] {
  const common = [
    {
      name: 'ts',
      type: 'bigint',
      isReadonly: true,
      docs: ['Timestamp: nanoseconds on the runtime timeline, or the kernel clock for kernel traces.'],
    },
    { name: 'cpu', type: 'number', isReadonly: true, docs: ['The ring (CPU or thread) that recorded it.'] },
    {
      name: 'issues',
      type: 'readonly $FieldIssue[]',
      isReadonly: true,
      hasQuestionToken: true,
      docs: [
        "Fields whose stored value or traced argument did not fit their type (a stored misfit's value is its raw bits: docs/runtime.md).",
      ],
    },
    {
      name: 'raw',
      type: '$RawWords',
      isReadonly: true,
      hasQuestionToken: true,
      docs: ['The raw data words, present when there are issues.'],
    },
  ];
  const out: Statement[] = [
    {
      kind: StructureKind.Interface,
      isExported: true,
      name: TS_NAMES.recordBase,
      docs: ['What every decoded record has beside its event and fields.'],
      properties: common,
    },
  ];
  for (const e of m.events) {
    out.push({
      kind: StructureKind.Interface,
      isExported: true,
      name: `${e.names.pascal}Record`,
      extends: [TS_NAMES.recordBase],
      docs: [jsDocText(`A decoded \`${e.names.snake}\` record (id ${e.id}). ${e.doc}`)],
      properties: [
        { name: 'event', type: tsString(e.names.snake).replace(/^"|"$/g, "'"), isReadonly: true },
        { name: 'id', type: String(e.id), isReadonly: true },
        ...e.fields.map((f) => ({
          name: f.names.camel,
          type: fieldTsType(f),
          isReadonly: true,
          docs: [jsDocText(f.doc || f.names.snake)],
        })),
      ],
    });
  }
  out.push({
    kind: StructureKind.Interface,
    isExported: true,
    name: TS_NAMES.unknownRecord,
    extends: [TS_NAMES.recordBase],
    docs: ['A record whose id the schema does not define: its words are kept as they are.'],
    properties: [
      { name: 'event', type: "'unknown'", isReadonly: true },
      { name: 'id', type: 'number', isReadonly: true },
      { name: 'raw', type: '$RawWords', isReadonly: true },
    ],
  });
  out.push(
    typeAlias(
      TS_NAMES.record,
      (lead) =>
        chain(lead, ' | ', [...m.events.map((e) => `${e.names.pascal}Record`), TS_NAMES.unknownRecord], { trail: 1, breakFirst: true }),
      'Every decoded record: switch on `event` to narrow.',
    ),
  );
  return out;
}

/** Where a function's statements start: one step in. */
const BODY_COLUMN = 2;

/** The arguments that find a trace file's chunks (of this schema, or any when allowed; one run, or all). */
const RECORD_VIEWS_ARGS = ['fileBytes', '{ name: SCHEMA_NAME, hash: SCHEMA_HASH }', 'options.allowSchemaMismatch', 'options.run'];

const WITH_ARGUMENT_ISSUES = '$withArgumentIssues(record, view, offset, $ARGUMENT_FIELDS[record.id])';

/** A decoder's `return`: the record with its issues and raw words when a field has an issue, else without. */
function returnWithIssues(base: readonly string[]): string {
  const issues = [...base, 'issues: $issues', 'raw: $rawWords($view, $o)'];
  const flat = `return $issues ? ${list(0, '{ ', issues, ' }')} : ${list(0, '{ ', base, ' }')};`;
  if (BODY_COLUMN + flat.length <= LINE_WIDTH) return flat;
  const inner = BODY_COLUMN + 4;
  return `return $issues\n  ? ${list(inner, '{ ', issues, ' }', { indent: '  ' })}\n  : ${list(inner, '{ ', base, ' }', { indent: '  ', trail: 1 })};`;
}

/** The parameters of the functions that decode the record at a byte offset of a view. */
const RECORD_AT = [
  { name: 'view', type: 'DataView' },
  { name: 'offset', type: 'number' },
];

function decoders(m: SchemaModel): Statement[] {
  const perEvent: StatementStructures[] = m.events.map((e: EventModel) => {
    const base = [`event: ${tsString(e.names.snake)}`, `id: ${e.id}`, 'ts: $ts', 'cpu: $cpu', ...e.fields.map((f) => f.names.camel)];
    const hasIssues = decodeStatements(e).some((s) => s.includes('$issues'));
    return {
      kind: StructureKind.Function,
      name: `$decode${e.names.pascal}`,
      parameters: [
        { name: '$view', type: 'DataView' },
        { name: '$o', type: 'number' },
        { name: '$ts', type: 'bigint' },
        { name: '$cpu', type: 'number' },
      ],
      returnType: `${e.names.pascal}Record`,
      statements: [
        ...decodeStatements(e),
        hasIssues ? returnWithIssues(base) : `return ${list(BODY_COLUMN + 7, '{ ', base, ' }', { trail: 1 })};`,
      ],
    };
  });
  const cases = m.events.map((e) => `case ${e.id}: return $decode${e.names.pascal}(view, offset, ts, cpu);`);
  // the loops test the argument-misfit word themselves and call the bare decoder: any code added
  // inside it would push it past what V8 inlines into them (a quarter of the speed)
  const decodeAt = `${ARGUMENT_WORD('view', 'o')} === 0 ? $decodeBare(view, o) : decodeRecordAt(view, o)`;
  /** The walk of a trace file's records (one runtime view per chunk), doing `each` with every record. */
  const walkRecords = (each: (record: string) => string) => {
    const loop = `for (let o = 0; o < view.byteLength; o += ${RECORD_BYTES})`;
    const step = `${loop} ${each(decodeAt)};`;
    return [
      call(BODY_COLUMN, 'const views = $recordViews', RECORD_VIEWS_ARGS, ';'),
      'for (let next = views.next(); ; next = views.next()) {',
      '  if (next.done) return next.value;',
      '  const view = next.value;',
      BODY_COLUMN + 2 + step.length <= LINE_WIDTH ? `  ${step}` : `  ${loop} {\n    ${each(decodeAt)};\n  }`,
      '}',
    ];
  };
  return [
    ...perEvent,
    `${docComment('Per event id, its fields as the argument check names them (a bool is a u1: from JavaScript it may get any value).')}\n` +
      `const $ARGUMENT_FIELDS: Readonly<Record<number, readonly $ArgumentField[]>> = ${argumentFieldsTable(m.events, 78)};`,
    {
      kind: StructureKind.Function,
      name: '$decodeBare',
      docs: ["A record's event and fields, without the issues of its argument-misfit word."],
      parameters: RECORD_AT,
      returnType: TS_NAMES.record,
      statements: [
        'const ts = view.getBigUint64(offset, true);',
        `const id = view.getUint8(offset + ${OFFSET_ID});`,
        `const cpu = view.getUint8(offset + ${OFFSET_CPU});`,
        `switch (id) {`,
        ...cases.map((c) => `  ${c}`),
        `  default: return { event: 'unknown', id, ts, cpu, raw: $rawWords(view, offset) };`,
        '}',
      ],
    },
    {
      kind: StructureKind.Function,
      isExported: true,
      name: 'decodeRecordAt',
      docs: [
        `Decodes the ${RECORD_BYTES}-byte record at byte \`offset\` of \`view\`, with an issue for each traced argument that did not fit its field.`,
      ],
      parameters: RECORD_AT,
      returnType: TS_NAMES.record,
      statements: [
        'const record = $decodeBare(view, offset);',
        `return ${ternary(BODY_COLUMN + 7, `${ARGUMENT_WORD('view', 'offset')} === 0`, 'record', WITH_ARGUMENT_ISSUES)};`,
      ],
    },
    {
      kind: StructureKind.Function,
      isExported: true,
      name: 'decodeRecord',
      docs: [
        {
          description: `Decodes the ${RECORD_BYTES}-byte record at byte \`offset\` of \`bytes\` (a ring image, a chunk of a trace file).`,
          tags: [
            {
              tagName: 'example',
              text: "const record = decodeRecord(image, 0);\nif (record.event === 'unknown') console.log(record.raw);",
            },
          ],
        },
      ],
      parameters: [
        { name: 'bytes', type: 'Uint8Array' },
        { name: 'offset', type: 'number', initializer: '0' },
      ],
      returnType: TS_NAMES.record,
      statements: [
        `if (offset < 0 || offset + ${RECORD_BYTES} > bytes.length) {`,
        '  throw new RangeError(`no whole record at byte ${offset} of ${bytes.length}`);',
        '}',
        'return decodeRecordAt(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset);',
      ],
    },
    {
      kind: StructureKind.Interface,
      isExported: true,
      name: TS_NAMES.decodeOptions,
      docs: ['How `decodeTrace` and `forEachRecord` read a trace file.'],
      properties: [
        {
          name: 'allowSchemaMismatch',
          type: 'boolean',
          isReadonly: true,
          hasQuestionToken: true,
          docs: ['Decode a file written with another schema (its hash differs) with this one.'],
        },
        {
          name: 'run',
          type: 'number',
          isReadonly: true,
          hasQuestionToken: true,
          docs: ['Only this run of a file several runs were appended to (1 = the first).'],
        },
      ],
    },
    {
      kind: StructureKind.Function,
      isExported: true,
      isGenerator: true,
      name: 'decodeTrace',
      docs: [
        {
          description:
            'Iterates the records of a trace file (a `snapshot()`, or `drain()`s appended together), ring by ring in file order: the runs of a file several runs appended to come one after another, never interleaved, and `run` (1 = the first) picks one.\nThrows `TraceFileError` if the file is damaged or cut off (after yielding what came before), or was written with another schema unless `allowSchemaMismatch` is set.',
          tags: [{ tagName: 'example', text: "for (const r of decodeTrace(readFileSync('app.trace'))) console.log(formatRecord(r));" }],
        },
      ],
      parameters: [
        { name: 'fileBytes', type: 'Uint8Array' },
        { name: 'options', type: TS_NAMES.decodeOptions, initializer: '{}' },
      ],
      returnType: `Generator<${TS_NAMES.record}, $TraceHeader>`,
      statements: walkRecords((record) => `yield ${record}`),
    },
    {
      kind: StructureKind.Function,
      isExported: true,
      name: 'forEachRecord',
      docs: [
        {
          description:
            'Calls `visit` with every record of a trace file, like `decodeTrace` but without an iterator: the fastest way through a large trace. Returns the header.',
          tags: [
            { tagName: 'example', text: "let faults = 0;\nforEachRecord(bytes, (r) => { if (r.event === 'page_fault') faults++; });" },
          ],
        },
      ],
      parameters: [
        { name: 'fileBytes', type: 'Uint8Array' },
        { name: 'visit', type: `(record: ${TS_NAMES.record}) => void` },
        { name: 'options', type: TS_NAMES.decodeOptions, initializer: '{}' },
      ],
      returnType: '$TraceHeader',
      statements: walkRecords((record) => `visit(${record})`),
    },
    {
      kind: StructureKind.Function,
      isExported: true,
      name: 'formatRecord',
      docs: [
        {
          description:
            "Renders a record's event and fields with their display formats: hex, signed, enum names, flag sets like `write|user`.",
          tags: [{ tagName: 'example', text: `formatRecord(record); // ${tsString(exampleFormat(m))}` }],
        },
      ],
      parameters: [{ name: 'r', type: TS_NAMES.record }],
      returnType: 'string',
      statements: [
        'let text: string;',
        'switch (r.event) {',
        ...m.events.map((e) => formatCaseText(e)),
        '  default: text = `unknown(${r.id}) data0=${$hexOf(r.raw.data0)} data1=${$hexOf(r.raw.data1)}`;',
        '}',
        'if (r.issues) for (const issue of r.issues) text += ` !${issue.field}: ${issue.message}`;',
        'return text;',
      ],
    },
  ];
}

/** One case of `formatRecord`'s switch: on one line when it fits, else its assignment on its own lines. */
function formatCaseText(e: EventModel): string {
  const label = `case ${tsString(e.names.snake)}:`;
  const parts = formatCase(e);
  const flat = `  ${label} text = ${parts.join(' + ')}; break;`;
  if (BODY_COLUMN + flat.length <= LINE_WIDTH) return flat;
  const column = BODY_COLUMN + 4;
  return `  ${label}\n    text = ${chain(column + 7, ' + ', parts, { trail: 1, indent: '    ' })};\n    break;`;
}

function exampleFormat(m: SchemaModel): string {
  const e = m.events.find((x) => x.fields.length > 0) ?? m.events[0];
  if (!e) return 'unknown(0) data0=0x0 data1=0x0';
  return [e.names.snake, ...e.fields.map((f) => `${f.names.snake}=${f.format === 'hex' ? '0x1' : '1'}`)].join(' ');
}
