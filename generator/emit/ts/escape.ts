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
 * Text for a JSDoc comment: nothing can close the comment early (`*\/`), and line breaks of any
 * kind become plain newlines that ts-morph prefixes with ` * `.
 */
export function jsDocText(text: string): string {
  return text
    .replace(/\r\n?|\u2028|\u2029/g, '\n')
    .replace(/\*\//g, '*\\/')
    .replace(/@/g, '\\@')
    .trim();
}
