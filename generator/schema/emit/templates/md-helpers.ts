import { visibleText } from '../visible-text.js';
/** Markdown rendering for the `md` target: text that cannot break a table or inject markup. */

/** Text for a table cell: one line, pipes escaped, HTML inert. */
export function mdCell(text: string): string {
  return mdText(text).replace(/\n+/g, ' ').replace(/\|/g, '\\|');
}

/** Paragraph text: HTML inert and no line can turn into a heading, fence or list by accident. */
export function mdText(text: string): string {
  return visibleText(text)
    .replace(/\r\n?|\u2028|\u2029/g, '\n')
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/^(\s*)([#>`~*+=-]|\d+\.)/gm, '$1\\$2')
    .trim();
}
