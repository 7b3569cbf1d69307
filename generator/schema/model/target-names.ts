/**
 * What each target does with a schema's names, and which results cannot compile there: the
 * validator refuses such a name and says which target it would break, so that every schema
 * `validate` accepts generates code that compiles in every target (test/names-corpus.test.ts
 * proves it with every keyword and reserved name of the languages involved).
 */
import { namesOf } from './names.js';

/** JavaScript's and TypeScript's reserved words (strict mode): no parameter may be one. */
const TS_KEYWORDS = new Set([
  'break',
  'case',
  'catch',
  'class',
  'const',
  'continue',
  'debugger',
  'default',
  'delete',
  'do',
  'else',
  'enum',
  'export',
  'extends',
  'false',
  'finally',
  'for',
  'function',
  'if',
  'import',
  'in',
  'instanceof',
  'new',
  'null',
  'return',
  'super',
  'switch',
  'this',
  'throw',
  'true',
  'try',
  'typeof',
  'var',
  'void',
  'while',
  'with',
  'yield',
  'let',
  'static',
  'implements',
  'interface',
  'package',
  'private',
  'protected',
  'public',
  'await',
  'arguments',
  'eval',
  'undefined',
  'nan',
  'infinity',
]);

/** C11 and C++17 keywords, and the C++ words of later standards g++ warns of: no parameter may be one. */
const C_KEYWORDS = new Set([
  // C11
  'auto',
  'break',
  'case',
  'char',
  'const',
  'continue',
  'default',
  'do',
  'double',
  'else',
  'enum',
  'extern',
  'float',
  'for',
  'goto',
  'if',
  'inline',
  'int',
  'long',
  'register',
  'restrict',
  'return',
  'short',
  'signed',
  'sizeof',
  'static',
  'struct',
  'switch',
  'typedef',
  'union',
  'unsigned',
  'void',
  'volatile',
  'while',
  // C++17 and later
  'auto',
  'char',
  'double',
  'extern',
  'float',
  'goto',
  'inline',
  'int',
  'long',
  'register',
  'restrict',
  'short',
  'signed',
  'sizeof',
  'unsigned',
  'volatile',
  'bool',
  'alignas',
  'alignof',
  'asm',
  'bitand',
  'bitor',
  'compl',
  'constexpr',
  'decltype',
  'delete',
  'explicit',
  'friend',
  'mutable',
  'namespace',
  'noexcept',
  'not',
  'operator',
  'or',
  'and',
  'xor',
  'template',
  'thread_local',
  'typedef',
  'typeid',
  'typename',
  'using',
  'virtual',
  'wchar_t',
  'nullptr',
  'char8_t',
  'char16_t',
  'char32_t',
  'concept',
  'requires',
  'co_await',
  'co_return',
  'co_yield',
  'static_assert',
  'static_cast',
  'dynamic_cast',
  'reinterpret_cast',
  'const_cast',
  'catch',
  'and_eq',
  'or_eq',
  'not_eq',
  'xor_eq',
  'consteval',
  'constinit',
]);

/** Keys a decoded record has beside its fields (and what every JavaScript object has). */
const RECORD_KEYS = new Set(['event', 'ts', 'cpu', 'id', 'raw', 'issues', 'constructor', 'prototype']);

/** Rust's strict and reserved keywords (2021 edition, and `gen` of 2024): no module, type or variant may be one. */
const RUST_KEYWORDS = new Set([
  'as',
  'break',
  'const',
  'continue',
  'crate',
  'else',
  'enum',
  'extern',
  'false',
  'fn',
  'for',
  'if',
  'impl',
  'in',
  'let',
  'loop',
  'match',
  'mod',
  'move',
  'mut',
  'pub',
  'ref',
  'return',
  'self',
  'Self',
  'static',
  'struct',
  'super',
  'trait',
  'true',
  'type',
  'unsafe',
  'use',
  'where',
  'while',
  'async',
  'await',
  'dyn',
  'abstract',
  'become',
  'box',
  'do',
  'final',
  'macro',
  'override',
  'priv',
  'typeof',
  'unsized',
  'virtual',
  'yield',
  'try',
  'gen',
]);

/**
 * Global names of JavaScript and TypeScript's standard library. The generated module declares a
 * constant and a type for every enum and flags set: one of these names would shadow the global
 * that the module (or the code importing it) uses.
 */
const TS_GLOBALS = new Set([
  'Array',
  'ArrayBuffer',
  'ArrayBufferLike',
  'ArrayBufferView',
  'ArrayLike',
  'AsyncGenerator',
  'AsyncGeneratorFunction',
  'AsyncIterable',
  'AsyncIterableIterator',
  'AsyncIterator',
  'Atomics',
  'Awaited',
  'BigInt',
  'BigInt64Array',
  'BigUint64Array',
  'Boolean',
  'Buffer',
  'Capitalize',
  'ConstructorParameters',
  'DataView',
  'Date',
  'Error',
  'EvalError',
  'Exclude',
  'Extract',
  'FinalizationRegistry',
  'Float32Array',
  'Float64Array',
  'Function',
  'Generator',
  'GeneratorFunction',
  'Infinity',
  'InstanceType',
  'Int16Array',
  'Int32Array',
  'Int8Array',
  'Intl',
  'Iterable',
  'IterableIterator',
  'Iterator',
  'IteratorResult',
  'JSON',
  'Json',
  'Lowercase',
  'Map',
  'Math',
  'NaN',
  'NonNullable',
  'Number',
  'Object',
  'Omit',
  'OmitThisParameter',
  'Parameters',
  'Partial',
  'Pick',
  'Promise',
  'PromiseLike',
  'PropertyDescriptor',
  'PropertyKey',
  'Proxy',
  'RangeError',
  'Readonly',
  'ReadonlyArray',
  'ReadonlyMap',
  'ReadonlySet',
  'Record',
  'ReferenceError',
  'Reflect',
  'RegExp',
  'Required',
  'ReturnType',
  'Set',
  'SharedArrayBuffer',
  'String',
  'Symbol',
  'SyntaxError',
  'TemplateStringsArray',
  'ThisParameterType',
  'ThisType',
  'TypeError',
  'URIError',
  'Uint16Array',
  'Uint32Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Uncapitalize',
  'Uppercase',
  'WeakMap',
  'WeakRef',
  'WeakSet',
  'Console',
  'Performance',
  'Process',
  'GlobalThis',
  'Undefined',
  'Unknown',
  'Never',
  'Any',
  'Object',
  'Void',
]);

/** Type names the generated TypeScript module declares: the emitter names them from here. */
export const TS_NAMES = {
  eventType: 'TraceEventType',
  eventName: 'TraceEventName',
  record: 'TraceRecord',
  recordBase: 'TraceRecordBase',
  unknownRecord: 'UnknownRecord',
  decodeOptions: 'DecodeTraceOptions',
} as const;

/** Classes the generated Python module declares beside the schema's (TraceEventType, TraceRecord and TraceFileError are shared). */
export const PY_NAMES = { field: 'TraceField', input: 'TraceInput' } as const;

/** Names the generated TypeScript or Python module declares or imports (an enum or flags set may not take one). */
export const TS_MODULE_NAMES = new Set<string>([
  ...Object.values(TS_NAMES),
  ...Object.values(PY_NAMES),
  'TracingError',
  'TraceFileError',
  'Tracer',
]);

/** Names of <stdint.h>, <stddef.h> and <stdbool.h> that a C parameter may not take (the helpers use the types). */
const C_LIBRARY_NAMES = new Set([
  'int8_t',
  'int16_t',
  'int32_t',
  'int64_t',
  'uint8_t',
  'uint16_t',
  'uint32_t',
  'uint64_t',
  'int_least8_t',
  'int_least16_t',
  'int_least32_t',
  'int_least64_t',
  'uint_least8_t',
  'uint_least16_t',
  'uint_least32_t',
  'uint_least64_t',
  'int_fast8_t',
  'int_fast16_t',
  'int_fast32_t',
  'int_fast64_t',
  'uint_fast8_t',
  'uint_fast16_t',
  'uint_fast32_t',
  'uint_fast64_t',
  'intptr_t',
  'uintptr_t',
  'intmax_t',
  'uintmax_t',
  'size_t',
  'ptrdiff_t',
  'max_align_t',
  'wchar_t',
  'nullptr_t',
  'offsetof',
  'bool',
  'true',
  'false',
  'static_assert',
]);

/** Macros of <stdint.h> a `<NAME>_<X>` constant of the C header could spell (`UINT64_MAX`: schema `uint64`, event `max`). */
const C_LIBRARY_MACRO = new RegExp(
  '^(?:U?INT(?:_LEAST|_FAST)?(?:8|16|32|64)_(?:MIN|MAX|C|WIDTH)|U?INTPTR_(?:MIN|MAX|WIDTH)|U?INTMAX_(?:MIN|MAX|C|WIDTH)|' +
    'PTRDIFF_(?:MIN|MAX|WIDTH)|SIG_ATOMIC_(?:MIN|MAX|WIDTH)|SIZE_(?:MAX|WIDTH)|WCHAR_(?:MIN|MAX|WIDTH)|WINT_(?:MIN|MAX|WIDTH))$',
);

/** Tags the C header declares itself (`enum <name>_event_type`, `struct <name>_trace_record`): an enum may not take one. */
const C_TAGS = new Set(['event_type', 'trace_record']);

/** The kernel's function that writes a record: what the Rust helpers call by default, and the C header's `<name>_trace_event`. */
export const KERNEL_TRACE_FN = 'trace_event';

/**
 * What the C header declares beside the schema's names, each after the schema's prefix: the
 * function the includer provides (`<name>_trace_event`) and the macros (`<NAME>_TRACE_EMIT`, ...).
 * The template writes them from here (template-model.ts), and validate keeps the schema's
 * constants off them.
 */
export const C_NAMES = {
  traceEvent: KERNEL_TRACE_FN,
  emit: 'TRACE_EMIT',
  guard: 'TRACE_EVENTS_H',
  staticAssert: 'STATIC_ASSERT',
  ringSize: 'RING_SIZE',
  ringCount: 'RING_COUNT',
} as const;

/** The macros of C_NAMES: the header's own `<NAME>_` constants. */
export const C_HEADER_MACROS = [C_NAMES.emit, C_NAMES.guard, C_NAMES.staticAssert, C_NAMES.ringSize, C_NAMES.ringCount] as const;

/** Functions the C header declares besides the helpers (`<name>_trace_event`): an event's helper may not be one. */
const C_FUNCTIONS = new Set<string>([C_NAMES.traceEvent]);

/** The Rust helpers call the kernel's trace function, `trace_event` by default: a parameter of that name would hide it. */
const RUST_LOCALS = new Set<string>([KERNEL_TRACE_FN]);

/** Why a field name cannot be used: which target it would break, or which key of a decoded record it would hide. */
export function fieldNameProblem(name: string): string | undefined {
  if (RECORD_KEYS.has(name)) return `'${name}' is a key every decoded record has beside its fields`;
  if (TS_KEYWORDS.has(name)) return `'${name}' is a reserved word of JavaScript: the TypeScript output would not compile`;
  if (C_KEYWORDS.has(name)) return `'${name}' is a keyword of C or C++: the C header would not compile`;
  if (C_LIBRARY_NAMES.has(name))
    return `'${name}' is a name of <stdint.h>/<stddef.h> that the C helpers use: the C output would not compile`;
  if (RUST_KEYWORDS.has(name)) return `'${name}' is a Rust keyword: the Rust output would not compile`;
  if (RUST_LOCALS.has(name)) return `'${name}' would hide the kernel's trace function in the Rust helpers`;
  return undefined;
}

/** Why an event name cannot compile somewhere, or undefined. */
export function eventNameProblem(name: string): string | undefined {
  const n = namesOf(name);
  if (TS_MODULE_NAMES.has(`${n.pascal}Record`))
    return `'${name}' would name its record type ${n.pascal}Record, a type the generated TypeScript module declares`;
  if (C_FUNCTIONS.has(`trace_${name}`))
    return `'${name}' would name its C helper <schema>_trace_${name}, the kernel function the C header declares`;
  return undefined;
}

/** Why an event's kernel variant (or a PascalCase enum value) cannot compile in Rust, or undefined. */
export function variantProblem(pascal: string, what = `variant '${pascal}'`): string | undefined {
  return RUST_KEYWORDS.has(pascal) ? `${what} becomes ${pascal}, a Rust keyword: the Rust output would not compile` : undefined;
}

/** Why an enum's or flags set's name cannot compile somewhere, or undefined. */
export function typeNameProblem(kind: 'enum' | 'flags', name: string): string | undefined {
  const n = namesOf(name);
  if (TS_GLOBALS.has(n.pascal))
    return `'${name}' becomes ${n.pascal}, which would hide TypeScript's global ${n.pascal} in the generated module`;
  if (TS_MODULE_NAMES.has(n.pascal)) return `'${name}' becomes ${n.pascal}, a name the generated TypeScript module declares`;
  if (kind === 'enum' && RUST_KEYWORDS.has(n.pascal))
    return `'${name}' becomes the Rust enum ${n.pascal}, a keyword: the Rust output would not compile`;
  if (kind === 'flags' && RUST_KEYWORDS.has(name))
    return `'${name}' becomes the Rust module ${name}, a keyword: the Rust output would not compile`;
  if (kind === 'enum' && C_TAGS.has(name)) return `'${name}' becomes enum <schema>_${name}, a type the C header declares itself`;
  return undefined;
}

/** Why a `<NAME>_<X>` constant of the C header cannot compile, or undefined. */
export function cConstantProblem(constant: string): string | undefined {
  return C_LIBRARY_MACRO.test(constant) ? `${constant}, a macro of <stdint.h>: the C output would not compile` : undefined;
}
