import { isMap, isScalar, isSeq } from 'yaml';
import { WHOLE_FILE, type Span } from '../diagnostics/diagnostic.js';
import type { YamlSource } from '../load/yaml-document.js';

/**
 * Positions of a schema's nodes by what they are (an event by id, a field by name, an enum value
 * by number) rather than by path: the diff matches by id, and the paths differ between the two
 * sides.
 */
export class SchemaLocator {
  readonly file: string;
  readonly #source: YamlSource | undefined;

  constructor(file: string, source: YamlSource | undefined) {
    this.file = file;
    this.#source = source;
  }

  /** The span of the value at a path (or its nearest ancestor). */
  at(path: readonly (string | number)[]): Span {
    return this.#source?.valueSpan(path) ?? WHOLE_FILE;
  }

  /** The span of a mapping key at a path (`values: { 3: x }` points at `3`). */
  key(path: readonly (string | number)[]): Span {
    return this.#source?.keySpan(path) ?? WHOLE_FILE;
  }

  /** The path of the event with this id in the `events` list. */
  eventPath(id: number): (string | number)[] {
    return ['events', this.#indexOfEntry(['events'], 'id', id)];
  }

  /** The path of the field with this name in the event with this id. */
  fieldPath(id: number, field: string): (string | number)[] {
    const event = this.eventPath(id);
    return [...event, 'fields', this.#indexOfEntry([...event, 'fields'], 'name', field)];
  }

  /** The span of an event's first key present of `keys`, or of its first line. */
  event(id: number, ...keys: string[]): Span {
    const path = this.eventPath(id);
    const key = keys.find((k) => this.#source?.node([...path, k]) !== undefined);
    return key ? this.at([...path, key]) : (this.#source?.startSpan(path) ?? WHOLE_FILE);
  }

  /** The span of a field, or of one of its keys. */
  field(id: number, field: string, key?: string): Span {
    const path = this.fieldPath(id, field);
    return key && this.#source?.node([...path, key]) ? this.at([...path, key]) : (this.#source?.startSpan(path) ?? WHOLE_FILE);
  }

  /** The span of an id in the `reserved` list, or of the list. */
  reserved(id: number): Span {
    const node = this.#source?.node(['reserved']);
    const index = isSeq(node) ? node.items.findIndex((item) => isScalar(item) && item.value === id) : -1;
    return this.at(index >= 0 ? ['reserved', index] : ['reserved']);
  }

  /** The index of the mapping in the list at `path` whose `key` holds `value`, or -1. */
  #indexOfEntry(path: readonly (string | number)[], key: string, value: unknown): number {
    const node = this.#source?.node(path);
    if (!isSeq(node)) return -1;
    return node.items.findIndex((item) => {
      const v = isMap(item) ? item.get(key, true) : undefined;
      return isScalar(v) && v.value === value;
    });
  }
}
