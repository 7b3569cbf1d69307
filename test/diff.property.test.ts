/**
 * The diff's rules on many inputs: a schema compared with itself gives nothing, and a change that
 * is its own kind reversed (a rename, a move, a doc edit, two ids swapped) gives the same
 * categories either way round.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { compareSchemas } from '../generator/schema/diff/compare.js';
import { SchemaLocator } from '../generator/schema/diff/locate.js';
import { loadSchemaText } from '../generator/schema/load-schema.js';
import type { SchemaModel } from '../generator/schema/model/model.js';
import { PACKED, VERIDIAN } from './helpers/diff-cases.js';

function categories(a: SchemaModel, b: SchemaModel): string[] {
  const findings = compareSchemas(
    { model: a, at: new SchemaLocator('a.yaml', undefined) },
    { model: b, at: new SchemaLocator('b.yaml', undefined) },
  );
  return [...new Set(findings.map((f) => f.category))].sort();
}

/** A random schema: up to 8 events of up to 4 fields of random widths, packed into the two words. */
const schema = fc
  .array(fc.array(fc.record({ width: fc.integer({ min: 1, max: 64 }), signed: fc.boolean() }), { maxLength: 4 }), {
    minLength: 1,
    maxLength: 8,
  })
  .map((events) => {
    const lines = ['tracegen: 1', 'name: random', 'clock: { unit: ns }', 'layout: { ring_size: 64, rings: 2 }', 'events:'];
    events.forEach((fields, id) => {
      lines.push(`  - id: ${id * 3}`, `    name: event_${id}`, `    doc: event ${id}`, '    fields:');
      const next = [0, 0];
      fields.forEach((f, i) => {
        const word = next[0]! + f.width <= 64 ? 0 : next[1]! + f.width <= 64 ? 1 : -1;
        if (word < 0) return;
        lines.push(
          `      - { name: f${i}, word: data${word}, bits: [${next[word]}, ${next[word]! + f.width - 1}], type: ${f.signed ? 'i' : 'u'}${f.width} }`,
        );
        next[word]! += f.width;
      });
      if (lines.at(-1) === '    fields:') lines.pop();
    });
    return `${lines.join('\n')}\n`;
  });

/** A change that is its own kind reversed, made to the YAML document of a schema. */
type Edit = (doc: ReturnType<typeof parseDocument>, pick: number) => void;
const EDITS: Record<string, Edit> = {
  'an event renamed': (doc, pick) => {
    const events = doc.get('events') as { items: unknown[] };
    const i = pick % events.items.length;
    doc.setIn(['events', i, 'name'], `renamed_${i}`);
  },
  'a field renamed': (doc, pick) => {
    const events = doc.get('events') as { items: { get(k: string): { items: unknown[] } | undefined }[] };
    const i = pick % events.items.length;
    const fields = events.items[i]!.get('fields');
    if (fields?.items.length) doc.setIn(['events', i, 'fields', pick % fields.items.length, 'name'], `renamed_field_${pick}`);
  },
  'a doc changed': (doc, pick) => {
    const events = doc.get('events') as { items: unknown[] };
    doc.setIn(['events', pick % events.items.length, 'doc'], `another doc ${pick}`);
  },
  'two events swap ids': (doc, pick) => {
    const events = doc.get('events') as { items: unknown[] };
    const [i, j] = [pick % events.items.length, (pick >> 4) % events.items.length];
    const [a, b] = [doc.getIn(['events', i, 'id']), doc.getIn(['events', j, 'id'])];
    doc.setIn(['events', i, 'id'], b);
    doc.setIn(['events', j, 'id'], a);
  },
};

describe('tracegen diff, on many schemas', () => {
  it('a schema compared with itself gives nothing', () => {
    fc.assert(
      fc.property(schema, (text) => {
        const model = loadSchemaText(text, 'random.yaml').model!;
        expect(model).toBeDefined();
        expect(categories(model, model)).toEqual([]);
      }),
      { numRuns: 200, seed: 2026120501 },
    );
  });

  it('a rename, a doc edit or two ids swapped gives the same categories either way round', () => {
    let changed = 0;
    fc.assert(
      fc.property(
        fc.oneof(schema, fc.constant(VERIDIAN), fc.constant(PACKED)),
        fc.array(fc.tuple(fc.constantFrom(...Object.keys(EDITS)), fc.nat()), { minLength: 1, maxLength: 3 }),
        (text, edits) => {
          const doc = parseDocument(text);
          for (const [name, pick] of edits) EDITS[name]!(doc, pick);
          const a = loadSchemaText(text, 'a.yaml').model!;
          const b = loadSchemaText(doc.toString(), 'b.yaml').model;
          // an edit can make a schema invalid (a renamed event a span still names): not a change the diff sees
          fc.pre(b !== undefined);
          const there = categories(a, b!);
          expect(categories(b!, a)).toEqual(there);
          if (there.length) changed++;
        },
      ),
      { numRuns: 300, seed: 2026120502 },
    );
    expect(changed).toBeGreaterThan(100);
  });
});
