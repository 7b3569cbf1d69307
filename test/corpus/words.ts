/**
 * Every keyword and reserved name of the languages tracegen generates, as the corpus of names a
 * hostile schema may use (test only: the validator keeps its own lists, and this corpus checks
 * them from outside). Pascal-case globals are given as written; the corpus turns them into
 * snake_case names that generate them.
 */

/** ECMAScript and TypeScript keywords, reserved words and contextual keywords. */
export const TYPESCRIPT = [
  'break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'default', 'delete', 'do', 'else', 'enum', 'export',
  'extends', 'false', 'finally', 'for', 'function', 'if', 'import', 'in', 'instanceof', 'new', 'null', 'return', 'super',
  'switch', 'this', 'throw', 'true', 'try', 'typeof', 'var', 'void', 'while', 'with', 'yield', 'let', 'static',
  'implements', 'interface', 'package', 'private', 'protected', 'public', 'await', 'abstract', 'accessor', 'any', 'as',
  'asserts', 'async', 'bigint', 'boolean', 'constructor', 'declare', 'get', 'infer', 'intrinsic', 'is', 'keyof', 'module',
  'namespace', 'never', 'number', 'object', 'of', 'out', 'override', 'readonly', 'require', 'satisfies', 'set', 'string',
  'symbol', 'type', 'undefined', 'unique', 'unknown', 'global', 'from', 'arguments', 'eval', 'prototype', 'proto',
];

/** JavaScript's global objects and TypeScript's global types, as the generated module could meet them. */
export const JS_GLOBALS = [
  'Array', 'ArrayBuffer', 'ArrayLike', 'AsyncGenerator', 'AsyncIterable', 'AsyncIterator', 'Atomics', 'Awaited', 'BigInt',
  'BigInt64Array', 'BigUint64Array', 'Boolean', 'Buffer', 'Capitalize', 'ConstructorParameters', 'DataView', 'Date',
  'Error', 'EvalError', 'Exclude', 'Extract', 'FinalizationRegistry', 'Float32Array', 'Float64Array', 'Function',
  'Generator', 'GeneratorFunction', 'Infinity', 'InstanceType', 'Int16Array', 'Int32Array', 'Int8Array', 'Intl',
  'Iterable', 'IterableIterator', 'Iterator', 'JSON', 'Lowercase', 'Map', 'Math', 'NaN', 'NonNullable', 'Number',
  'Object', 'Omit', 'Parameters', 'Partial', 'Pick', 'Promise', 'PromiseLike', 'PropertyKey', 'Proxy', 'RangeError',
  'Readonly', 'ReadonlyArray', 'ReadonlyMap', 'ReadonlySet', 'Record', 'ReferenceError', 'Reflect', 'RegExp', 'Required',
  'ReturnType', 'Set', 'SharedArrayBuffer', 'String', 'Symbol', 'SyntaxError', 'TemplateStringsArray', 'ThisType',
  'TypeError', 'URIError', 'Uint16Array', 'Uint32Array', 'Uint8Array', 'Uint8ClampedArray', 'Uncapitalize', 'Uppercase',
  'WeakMap', 'WeakRef', 'WeakSet', 'console', 'globalThis', 'performance', 'process',
  // what the generated module declares or imports itself
  'TracingError', 'TraceFileError', 'TraceRecord', 'TraceEventType', 'TraceEventName', 'UnknownRecord', 'Tracer',
];

/** Rust's strict, reserved and weak keywords, and the primitive types. */
export const RUST = [
  'as', 'break', 'const', 'continue', 'crate', 'else', 'enum', 'extern', 'false', 'fn', 'for', 'if', 'impl', 'in', 'let',
  'loop', 'match', 'mod', 'move', 'mut', 'pub', 'ref', 'return', 'self', 'static', 'struct', 'super', 'trait', 'true',
  'type', 'unsafe', 'use', 'where', 'while', 'async', 'await', 'dyn', 'abstract', 'become', 'box', 'do', 'final', 'macro',
  'override', 'priv', 'typeof', 'unsized', 'virtual', 'yield', 'try', 'gen', 'union', 'macro_rules', 'raw', 'safe',
  'u8', 'u16', 'u32', 'u64', 'u128', 'usize', 'i8', 'i16', 'i32', 'i64', 'i128', 'isize', 'f32', 'f64', 'bool', 'char',
  'str', 'core', 'std', 'alloc', 'option', 'result', 'some', 'none', 'ok', 'err', 'vec', 'string', 'trace_event',
];

/** C11 and C++17 keywords and alternative tokens. */
export const C_AND_CPP = [
  'auto', 'break', 'case', 'char', 'const', 'continue', 'default', 'do', 'double', 'else', 'enum', 'extern', 'float', 'for',
  'goto', 'if', 'inline', 'int', 'long', 'register', 'restrict', 'return', 'short', 'signed', 'sizeof', 'static', 'struct',
  'switch', 'typedef', 'union', 'unsigned', 'void', 'volatile', 'while', 'alignas', 'alignof', 'and', 'and_eq', 'asm',
  'bitand', 'bitor', 'bool', 'catch', 'char16_t', 'char32_t', 'char8_t', 'class', 'compl', 'concept', 'const_cast',
  'consteval', 'constexpr', 'constinit', 'co_await', 'co_return', 'co_yield', 'decltype', 'delete', 'dynamic_cast',
  'explicit', 'export', 'false', 'friend', 'mutable', 'namespace', 'new', 'noexcept', 'not', 'not_eq', 'nullptr', 'operator',
  'or', 'or_eq', 'private', 'protected', 'public', 'reinterpret_cast', 'requires', 'static_assert', 'static_cast',
  'template', 'this', 'thread_local', 'throw', 'true', 'try', 'typeid', 'typename', 'using', 'virtual', 'wchar_t', 'xor',
  'xor_eq', 'main', 'offsetof', 'errno', 'assert',
];

/** What <stdint.h>, <stddef.h> and <stdbool.h> declare: types, and the stems of their macros. */
export const STDINT_TYPES = [
  'int8_t', 'int16_t', 'int32_t', 'int64_t', 'uint8_t', 'uint16_t', 'uint32_t', 'uint64_t', 'int_least8_t', 'int_least16_t',
  'int_least32_t', 'int_least64_t', 'uint_least8_t', 'uint_least16_t', 'uint_least32_t', 'uint_least64_t', 'int_fast8_t',
  'int_fast16_t', 'int_fast32_t', 'int_fast64_t', 'uint_fast8_t', 'uint_fast16_t', 'uint_fast32_t', 'uint_fast64_t',
  'intptr_t', 'uintptr_t', 'intmax_t', 'uintmax_t', 'size_t', 'ptrdiff_t', 'max_align_t', 'nullptr_t', 'null',
];
/** Schema names that, with an event `max`, `min` or `c`, would spell a macro of <stdint.h>. */
export const STDINT_MACRO_STEMS = [
  'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64', 'int_least8', 'int_least16', 'int_least32',
  'int_least64', 'uint_least8', 'uint_least16', 'uint_least32', 'uint_least64', 'int_fast8', 'int_fast16', 'int_fast32',
  'int_fast64', 'uint_fast8', 'uint_fast16', 'uint_fast32', 'uint_fast64', 'intptr', 'uintptr', 'intmax', 'uintmax',
  'ptrdiff', 'sig_atomic', 'size', 'wchar', 'wint',
];

/** A Pascal name as the snake_case name that generates it (`Uint8Array` -> `uint8_array`). */
export function snakeOf(pascal: string): string {
  return pascal
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
}

/** Every snake_case name of the corpus, once. */
export function corpus(): string[] {
  const all = [...TYPESCRIPT, ...JS_GLOBALS.map(snakeOf), ...RUST, ...C_AND_CPP, ...STDINT_TYPES, ...STDINT_MACRO_STEMS];
  return [...new Set(all)].filter((w) => /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/.test(w)).sort();
}
