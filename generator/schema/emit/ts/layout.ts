/**
 * How the generated TypeScript is laid out: as a formatter would, no line past `LINE_WIDTH`
 * (the embedded schema text aside, one string literal). Lists that fit stay on their line; longer
 * ones put one entry on a line, with a trailing comma. Built while emitting, not by formatting
 * the printed file afterwards, which would cost a parse on every `generate`.
 */

/** The longest line the generated code has. */
export const LINE_WIDTH = 120;

const INDENT = '  ';

/**
 * `open` + `items` + `close`: on one line when `lead` characters before it and `trail` after it
 * leave room, else one item a line, indented one step from `indent` (the line's own indent).
 *
 * @example
 * list(`export const X = `.length, '{ ', ['a: 1', 'b: 2'], ' }');  // '{ a: 1, b: 2 }'
 */
export function list(
  lead: number,
  open: string,
  items: readonly string[],
  close: string,
  { trail = 0, indent = '' }: { readonly trail?: number; readonly indent?: string } = {},
): string {
  const flat = `${open}${items.join(', ')}${close}`;
  if (items.length === 0 || lead + flat.length + trail <= LINE_WIDTH) return flat;
  const inner = indent + INDENT;
  return `${open.trimEnd()}\n${items.map((item) => `${inner}${item},\n`).join('')}${indent}${close.trimStart()}`;
}

/**
 * Operands joined by `op` (` | `, ` + `): on one line when it fits after `lead`, else each operand
 * after the first (or, `breakFirst`, every one) on its own line, led by the operator, indented one
 * step from `indent`.
 *
 * @example
 * chain(12, ' | ', ['ARecord', 'BRecord']);  // 'ARecord | BRecord'
 */
export function chain(
  lead: number,
  op: string,
  operands: readonly string[],
  { trail = 0, indent = '', breakFirst = false }: { readonly trail?: number; readonly indent?: string; readonly breakFirst?: boolean } = {},
): string {
  const flat = operands.join(op);
  if (lead + flat.length + trail <= LINE_WIDTH) return flat;
  // breaking before the first operand leads every one with the operator: `type T =\n  | A\n  | B`
  const inner = `\n${indent}${INDENT}`;
  const led = operands.map((x, i) => (i === 0 && !breakFirst ? x : `${op.trim()} ${x}`));
  return (breakFirst ? inner : '') + led.join(inner);
}

/** `test ? yes : no` at `column`: on one line when it fits, else a line for each branch. */
export function ternary(column: number, test: string, yes: string, no: string, trail = 1): string {
  const flat = `${test} ? ${yes} : ${no}`;
  if (column + flat.length + trail <= LINE_WIDTH) return flat;
  return `${test}\n${INDENT}? ${yes}\n${INDENT}: ${no}`;
}

/** A statement `head(args)tail` starting at `column`, its arguments one a line when it does not fit. */
export function call(column: number, head: string, args: readonly string[], tail: string): string {
  return `${head}${list(column + head.length, '(', args, `)${tail}`)}`;
}

/**
 * Lays out the lines of printed code the printer leaves longer than `LINE_WIDTH`: JSDoc text is
 * rewrapped at word boundaries (a one-line `/** ... *\/` becomes a block), and a function
 * signature takes one parameter a line (the printer writes a structure's parameters on one).
 * Other code lines are laid out where they are emitted.
 */
export function layoutLongLines(code: string): string {
  const out: string[] = [];
  for (const line of code.split('\n')) {
    if (line.length <= LINE_WIDTH) {
      out.push(line);
      continue;
    }
    const single = /^(\s*)\/\*\* (.*) \*\/$/.exec(line);
    const inner = /^(\s*) \* (.*)$/.exec(line);
    const signature = /^(\s*)((?:export )?function\*? [\w$]+)\((.*)\)(: [^{]+ \{)$/.exec(line);
    if (single) out.push(`${single[1]}/**`, ...wrapWords(single[2]!, `${single[1]} * `), `${single[1]} */`);
    else if (inner) out.push(...wrapWords(inner[2]!, `${inner[1]} * `));
    else if (signature) {
      const [, indent, head, params, tail] = signature as unknown as [string, string, string, string, string];
      out.push(`${indent}${head}(`, ...topLevelParts(params).map((p) => `${indent}${INDENT}${p},`), `${indent})${tail}`);
    } else out.push(line);
  }
  return out.join('\n');
}

/** `text` split at the commas outside brackets: a parameter list into its parameters. */
function topLevelParts(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if ('([{<'.includes(c)) depth++;
    else if (')]}>'.includes(c) && text[i - 1] !== '=') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(text.slice(start).trim());
  return parts;
}

function wrapWords(text: string, prefix: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && prefix.length + line.length + 1 + word.length > LINE_WIDTH) {
      lines.push(prefix + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  lines.push(prefix + line);
  return lines;
}

/** A JSDoc comment as the printer writes one: on one line when the text is, else a block. */
export function docComment(text: string): string {
  const lines = text.split('\n');
  if (lines.length === 1) return `/** ${text} */`;
  return ['/**', ...lines.map((l) => (l ? ` * ${l}` : ' *')), ' */'].join('\n');
}
