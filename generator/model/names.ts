import type { Names } from './model.js';

/**
 * Case conversions of a snake_case identifier. Two names that convert to the same PascalCase
 * (`ipc_send`, `ipcsend` cannot, but `ipc_send2` and `ipc_send_2` can) are a collision the
 * checker reports, so generated identifiers are always unique.
 */
export function namesOf(snake: string): Names {
  const parts = snake.split('_').filter((p) => p !== '');
  const pascal = parts.map((p) => p[0]!.toUpperCase() + p.slice(1)).join('');
  return {
    snake,
    camel: pascal[0]!.toLowerCase() + pascal.slice(1),
    pascal,
    upper: parts.join('_').toUpperCase(),
  };
}

/**
 * Words that no generated identifier may be: reserved in TypeScript/JavaScript, Rust or C, or
 * names the generated modules use themselves. Fields become parameters and properties, so a
 * field named `type` or `fn` would break some target.
 */
export const RESERVED_WORDS: ReadonlySet<string> = new Set([
  // JavaScript / TypeScript
  'break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'default', 'delete', 'do', 'else', 'enum',
  'export', 'extends', 'false', 'finally', 'for', 'function', 'if', 'import', 'in', 'instanceof', 'new', 'null',
  'return', 'super', 'switch', 'this', 'throw', 'true', 'try', 'typeof', 'var', 'void', 'while', 'with', 'yield',
  'let', 'static', 'implements', 'interface', 'package', 'private', 'protected', 'public', 'await', 'arguments',
  'eval', 'undefined', 'nan', 'infinity',
  // Rust
  'as', 'fn', 'impl', 'loop', 'match', 'mod', 'move', 'mut', 'pub', 'ref', 'self', 'struct', 'trait', 'type',
  'unsafe', 'use', 'where', 'crate', 'dyn', 'abstract', 'become', 'box', 'final', 'macro', 'override', 'priv',
  'typeof', 'unsized', 'virtual', 'async', 'try', 'union', 'gen',
  // C / C++
  'auto', 'char', 'double', 'extern', 'float', 'goto', 'inline', 'int', 'long', 'register', 'restrict', 'short',
  'signed', 'sizeof', 'unsigned', 'volatile', 'bool', 'alignas', 'alignof', 'asm', 'bitand', 'bitor', 'compl',
  'constexpr', 'decltype', 'delete', 'explicit', 'friend', 'mutable', 'namespace', 'noexcept', 'not', 'operator',
  'or', 'and', 'xor', 'template', 'thread_local', 'typedef', 'typeid', 'typename', 'using', 'virtual',
  'wchar_t', 'nullptr', 'char8_t', 'char16_t', 'char32_t', 'concept', 'requires', 'co_await', 'co_return',
  'co_yield', 'static_assert', 'static_cast', 'dynamic_cast', 'reinterpret_cast', 'const_cast', 'catch',
  // keys of a decoded record, beside its fields
  'event', 'ts', 'cpu', 'id', 'raw', 'issues', 'constructor', 'prototype',
]);
