/**
 * Characters that change how source text is displayed without being visible themselves: bidi
 * embeddings, overrides and isolates, and the marks. In a comment they can make code read other
 * than it compiles ("Trojan Source", CVE-2021-42574); rustc refuses them and cc warns. Docs from a
 * schema pass through here on their way into any generated file.
 */
const INVISIBLE_DIRECTION = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** The text with each direction-changing character shown as `<U+202E>`. */
export function visibleText(text: string): string {
  return text.replace(INVISIBLE_DIRECTION, (c) => `<U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}>`);
}
