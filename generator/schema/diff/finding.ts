/**
 * What `tracegen diff` reports: one finding per change between a baseline schema and a new one,
 * as data (a code, a category, a position, a message), like the validator's diagnostics.
 */
import type { Span } from '../diagnostics/diagnostic.js';

/**
 * - `wire`: traces already written (files, ring images, serial logs) would be read with another
 *   meaning.
 * - `source`: old traces still decode, but code written against the generated API, or code that
 *   reads decoded output by name, breaks.
 * - `compatible`: nothing breaks; reported as information.
 */
export type Category = 'wire' | 'source' | 'compatible';

/** Every rule of the check, by the category of what it finds (docs/schema.md, "Evolving a schema"). */
export const RULES = {
  // wire
  'id-reused': 'wire',
  'event-removed': 'wire',
  'reserved-id-reused': 'wire',
  'field-moved': 'wire',
  'field-narrowed': 'wire',
  'field-widened-over': 'wire',
  'field-signedness': 'wire',
  'field-retyped': 'wire',
  'field-removed': 'wire',
  'field-reuses-bits': 'wire',
  'field-unit-changed': 'wire',
  'enum-value-moved': 'wire',
  'enum-value-removed': 'wire',
  'flag-moved': 'wire',
  'flag-removed': 'wire',
  'layout-changed': 'wire',
  'clock-changed': 'wire',
  // source
  'event-renamed': 'source',
  'variant-renamed': 'source',
  'event-retired': 'source',
  'field-renamed': 'source',
  'enum-value-renamed': 'source',
  'flag-renamed': 'source',
  'type-renamed': 'source',
  'type-removed': 'source',
  'field-added': 'source',
  'field-api-retyped': 'source',
  'schema-renamed': 'source',
  // compatible
  'event-added': 'compatible',
  'field-widened': 'compatible',
  'enum-value-added': 'compatible',
  'flag-added': 'compatible',
  'type-added': 'compatible',
  'reserved-added': 'compatible',
  'format-changed': 'compatible',
  'counter-changed': 'compatible',
  'flow-changed': 'compatible',
  'doc-changed': 'compatible',
  'span-changed': 'compatible',
  'clock-frequency-added': 'compatible',
} as const satisfies Record<string, Category>;

export type RuleCode = keyof typeof RULES;

export interface Finding extends Span {
  /** The new schema's file, or the baseline's for a removal. */
  readonly file: string;
  readonly code: RuleCode;
  readonly category: Category;
  /** One sentence: what old traces or code would suffer, and how to evolve instead. */
  readonly message: string;
}

/** Which categories fail the check: `--fail-on wire` only wire, `source` (default) wire and source. */
export type FailOn = 'wire' | 'source' | 'none';

export function fails(category: Category, failOn: FailOn): boolean {
  if (failOn === 'none' || category === 'compatible') return false;
  return failOn === 'source' || category === 'wire';
}
