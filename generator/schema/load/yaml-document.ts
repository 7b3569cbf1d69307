import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Pair } from 'yaml';
import { WHOLE_FILE, type DiagnosticSink, type Span } from '../diagnostics/diagnostic.js';

/** A parsed YAML document that can answer "where is the value at this path?" in line:column. */
export class YamlSource {
  readonly doc: Document.Parsed;
  readonly lineCounter: LineCounter;
  readonly text: string;
  constructor(doc: Document.Parsed, lineCounter: LineCounter, text: string) {
    this.doc = doc;
    this.lineCounter = lineCounter;
    this.text = text;
  }

  /** The span of a character range [start, end). */
  spanOf(start: number, end: number): Span {
    const a = this.lineCounter.linePos(start);
    const b = this.lineCounter.linePos(Math.max(start, end));
    return { line: a.line, column: a.col, endLine: b.line, endColumn: b.col };
  }

  /** The node at `path` (keys and indexes), or undefined. */
  node(path: readonly (string | number)[]): Node | undefined {
    let cur: unknown = this.doc.contents;
    for (const key of path) {
      if (isMap(cur)) cur = findPair(cur.items, key)?.value;
      else if (isSeq(cur) && typeof key === 'number') cur = cur.items[key];
      else return undefined;
    }
    return cur as Node | undefined;
  }

  /** The key node of the entry at `path` (its last element names the key). */
  keyNode(path: readonly (string | number)[]): Node | undefined {
    const parent = this.node(path.slice(0, -1));
    const key = path[path.length - 1];
    if (!isMap(parent) || key === undefined) return undefined;
    const k = findPair(parent.items, key)?.key;
    return isScalar(k) ? k : undefined;
  }

  /** Span of the value at `path`, falling back to the nearest ancestor that exists. */
  valueSpan(path: readonly (string | number)[]): Span {
    for (let n = path.length; n >= 0; n--) {
      const node = this.node(path.slice(0, n));
      if (node?.range) return this.spanOf(node.range[0], node.range[1]);
    }
    return WHOLE_FILE;
  }

  /** Span of the key at `path` (where "this key is wrong" points), else of its value. */
  keySpan(path: readonly (string | number)[]): Span {
    const k = this.keyNode(path);
    if (k?.range) return this.spanOf(k.range[0], k.range[1]);
    return this.valueSpan(path);
  }

  /** Span of the start of the mapping at `path` (where "this mapping lacks a key" points). */
  startSpan(path: readonly (string | number)[]): Span {
    const node = this.node(path);
    if (!node?.range) return this.valueSpan(path);
    const start = node.range[0];
    const firstLineEnd = this.text.indexOf('\n', start);
    return this.spanOf(start, Math.min(node.range[1], firstLineEnd < 0 ? node.range[1] : firstLineEnd));
  }
}

function findPair(items: readonly Pair[], key: string | number): Pair | undefined {
  return items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(key));
}

/** An anchor used this many times is either a mistake or an attempt to exhaust memory. */
const MAX_ALIAS_COUNT = 100;

/**
 * Parses YAML text, reporting syntax errors with their positions. Returns the source and the
 * plain JavaScript value, or undefined when the text is not a usable document.
 */
export function parseYaml(
  text: string,
  sink: DiagnosticSink,
  what: { readonly noun: string; readonly keys: string } = { noun: 'schema', keys: 'tracegen, name, events, ...' },
): { source: YamlSource; value: unknown } | undefined {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, strict: true, version: '1.2' });
  const source = new YamlSource(doc, lineCounter, text);
  for (const err of doc.errors) {
    const [start, end] = err.pos;
    const code = err.code === 'DUPLICATE_KEY' ? 'duplicate-key' : err.code === 'TAB_AS_INDENT' ? 'yaml-tab' : 'yaml-syntax';
    sink.error(code, source.spanOf(start, end), firstLine(err.message));
  }
  if (doc.errors.length > 0) return undefined;
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) {
    sink.error('empty-schema', WHOLE_FILE, `the ${what.noun} is empty`);
    return undefined;
  }
  if (!isMap(doc.contents)) {
    const r = doc.contents.range;
    sink.error('not-a-mapping', r ? source.spanOf(r[0], r[1]) : WHOLE_FILE, `a ${what.noun} is a YAML mapping of keys (${what.keys})`);
    return undefined;
  }
  try {
    return { source, value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) };
  } catch (e) {
    sink.error('alias-limit', WHOLE_FILE, `YAML aliases expand too far (${firstLine(e instanceof Error ? e.message : String(e))})`);
    return undefined;
  }
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.trim();
}
