import { visibleText } from '../visible-text.js';
/**
 * Escaping for what lands in TypeScript. Identifiers need none: the checker only lets
 * snake_case names through and keeps reserved words out. Docs and strings do.
 */

/**
 * A single-quoted JavaScript string literal for any text: quotes, backslashes, line breaks of
 * every kind (U+2028/9 included) and control characters are escaped, and `${` is inert.
 */
export function tsString(text: string): string {
  const body = JSON.stringify(text)
    .slice(1, -1)
    .replace(/\\"/g, '"')
    .replace(/'/g, "\\'")
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')
    .replace(/\$\{/g, '$\\{');
  return `'${body}'`;
}

/**
 * Text for a JSDoc comment. Nothing can close the comment early (`*\/`), open a nested one
 * (`/\*`, which also confuses the printer's comment tracking), or start a tag at a line's
 * beginning; line breaks of any kind become plain newlines that the printer prefixes with
 * ` * `; other control characters are shown as `\uXXXX`.
 */
export function jsDocText(text: string): string {
  return visibleText(text)
    .replace(/\r\n?|\u2028|\u2029/g, '\n')
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/\*\//g, '*\\/')
    .replace(/\/\*/g, '/\\*')
    .replace(/^(\s*)@/gm, '$1\\@')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
