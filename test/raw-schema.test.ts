/**
 * The schema's TypeScript types (schema/model/raw-schema.ts) against its JSON Schema
 * (schema/tracegen.schema.json), the one definition of the format: every object's properties,
 * which are required, and every closed list of values agree, at every depth.
 */
import { readFileSync } from 'node:fs';
import { Project, type Type } from 'ts-morph';
import { describe, expect, it } from 'vitest';

interface JsonNode {
  $ref?: string;
  type?: string;
  enum?: unknown[];
  const?: unknown;
  required?: string[];
  properties?: Record<string, JsonNode>;
  additionalProperties?: boolean | JsonNode;
  items?: JsonNode;
}

const json = JSON.parse(readFileSync('schema/tracegen.schema.json', 'utf8')) as JsonNode & { definitions: Record<string, JsonNode> };
const resolve = (n: JsonNode): JsonNode => (n.$ref ? resolve(json.definitions[n.$ref.replace('#/definitions/', '')]!) : n);

const project = new Project({ skipAddingFilesFromTsConfig: true, compilerOptions: { strict: true } });
const source = project.addSourceFileAtPath('generator/schema/model/raw-schema.ts');

/** Where the two disagree, as `path: what`. */
function compare(type: Type, node: JsonNode, path: string, out: string[]): void {
  const n = resolve(node);
  const t = type.isUnion() && type.getUnionTypes().some((u) => u.isUndefined()) ? type.getNonNullableType() : type;
  if (n.enum || n.const !== undefined) {
    const allowed = (n.enum ?? [n.const]).map(String).sort();
    const literals = (t.isUnion() ? t.getUnionTypes() : [t]).map((u) => String(u.getLiteralValue())).sort();
    if (JSON.stringify(allowed) !== JSON.stringify(literals))
      out.push(`${path}: JSON Schema allows ${allowed.join('|')}, the type ${literals.join('|')}`);
    return;
  }
  if (n.properties) {
    const props = new Map(t.getProperties().map((p) => [p.getName(), p]));
    const keys = Object.keys(n.properties).sort();
    if (JSON.stringify([...props.keys()].sort()) !== JSON.stringify(keys))
      out.push(`${path}: JSON Schema has ${keys.join(', ')}, the type ${[...props.keys()].sort().join(', ')}`);
    for (const [key, child] of Object.entries(n.properties)) {
      const p = props.get(key);
      if (!p) continue;
      const optional = p.isOptional();
      if (optional === (n.required ?? []).includes(key))
        out.push(`${path}.${key}: ${optional ? 'optional in the type, required' : 'required in the type, optional'} in JSON Schema`);
      compare(p.getTypeAtLocation(source), child, `${path}.${key}`, out);
    }
    return;
  }
  if (typeof n.additionalProperties === 'object') {
    const value = t.getStringIndexType();
    if (!value) out.push(`${path}: a map in JSON Schema, not in the type`);
    else compare(value, n.additionalProperties, `${path}[key]`, out);
    return;
  }
  if (n.type === 'array' && n.items) {
    const element = t.getArrayElementType() ?? t.getTupleElements()[0];
    if (!element) out.push(`${path}: an array in JSON Schema, not in the type`);
    else compare(element, n.items, `${path}[]`, out);
  }
}

describe('raw-schema.ts and tracegen.schema.json', () => {
  it('declare the same properties, the same required ones and the same values, everywhere', () => {
    const out: string[] = [];
    compare(source.getInterfaceOrThrow('RawSchema').getType(), json, 'schema', out);
    expect(out).toEqual([]);
  });

  it('the check finds a difference: a property the JSON Schema lacks', () => {
    const out: string[] = [];
    compare(
      source.getInterfaceOrThrow('RawSchema').getType(),
      { ...json, properties: { ...json.properties, extra: { type: 'string' } } },
      'schema',
      out,
    );
    expect(out).toEqual([expect.stringMatching(/^schema: JSON Schema has .*extra/)]);
  });
});
