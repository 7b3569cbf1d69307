import type { ErrorObject } from 'ajv';
import type { DiagnosticCode, DiagnosticSink } from '../diagnostics/diagnostic.js';
import type { YamlSource } from '../load/yaml-document.js';
import { jsonSchemaErrors, type JsonSchemaKind } from './json-schema.js';

/**
 * Structural check: the JSON Schema, with each ajv error turned into a diagnostic that points at
 * the offending key or value. Returns true when the structure is valid.
 */
export function checkStructure(value: unknown, source: YamlSource, sink: DiagnosticSink, kind: JsonSchemaKind = 'schema'): boolean {
  const errors = jsonSchemaErrors(value, kind);
  const seen = new Set<string>();
  for (const err of errors) {
    const d = toDiagnostic(err, source, kind === 'schema' ? 'the schema' : 'the configuration');
    if (!d) continue;
    const key = `${d.code}:${d.span.line}:${d.span.column}`;
    if (seen.has(key)) continue;
    seen.add(key);
    sink.error(d.code, d.span, d.message);
  }
  return errors.length === 0;
}

function pathOf(instancePath: string): (string | number)[] {
  if (instancePath === '') return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((p) => (/^(0|[1-9][0-9]*)$/.test(p) ? Number(p) : p));
}

function describe(path: readonly (string | number)[], root: string): string {
  if (path.length === 0) return root;
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** The code a structural error gets, chosen by the keyword that failed and where. */
export function structuralCode(err: ErrorObject): DiagnosticCode | undefined {
  switch (err.keyword) {
    case 'additionalProperties':
      return 'unknown-key';
    case 'required':
      return 'missing-key';
    case 'type':
      return 'wrong-type';
    case 'const':
      return err.instancePath === '/tracegen' ? 'unsupported-version' : 'bad-value';
    case 'enum':
      return 'bad-value';
    case 'pattern':
      if ((err as { propertyName?: string }).propertyName !== undefined && /\/(values|bits)$/.test(err.instancePath)) return 'bad-value';
      return err.instancePath.endsWith('/type') ? 'unknown-type' : 'bad-identifier';
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
      return 'out-of-range';
    case 'minItems':
    case 'maxItems':
      return err.instancePath.endsWith('/bits') ? 'bad-bit-range' : 'bad-value';
    case 'uniqueItems':
      return 'bad-value';
    case 'maxLength':
    case 'minProperties':
      return 'bad-value';
    case 'propertyNames':
      return undefined; // the failing name's own error follows
    default:
      return 'bad-value';
  }
}

function toDiagnostic(err: ErrorObject, source: YamlSource, root: string) {
  const code = structuralCode(err);
  if (!code) return undefined;
  const path = pathOf(err.instancePath);
  const where = describe(path, root);
  const propertyName = (err as { propertyName?: string }).propertyName;
  switch (err.keyword) {
    case 'additionalProperties': {
      const key = String(err.params['additionalProperty']);
      const allowed = allowedKeys(err);
      return {
        code,
        span: source.keySpan([...path, key]),
        message: `unknown key '${key}' in ${where}${allowed ? `; expected one of: ${allowed}` : ''}`,
      };
    }
    case 'required':
      return {
        code,
        span: source.startSpan(path),
        message: `${where} lacks the required key '${String(err.params['missingProperty'])}'`,
      };
    case 'type':
      return { code, span: source.valueSpan(path), message: `${where} must be ${article(String(err.params['type']))}` };
    case 'const':
      return { code, span: source.valueSpan(path), message: `${where} must be ${JSON.stringify(err.params['allowedValue'])}` };
    case 'enum':
      return {
        code,
        span: source.valueSpan(path),
        message: `${where} must be one of: ${(err.params['allowedValues'] as unknown[]).map((v) => String(v)).join(', ')}`,
      };
    case 'pattern': {
      if (propertyName !== undefined) {
        const keyPath = [...path, propertyName];
        const what =
          path[path.length - 1] === 'values'
            ? 'an enum value (a decimal integer)'
            : path[path.length - 1] === 'bits'
              ? 'a bit number (0-63)'
              : 'a snake_case identifier';
        return { code, span: source.keySpan(keyPath), message: `key '${propertyName}' in ${where} must be ${what}` };
      }
      const value = JSON.stringify(source.node(path)?.toJSON?.() ?? '');
      if (code === 'unknown-type') {
        return {
          code,
          span: source.valueSpan(path),
          message: `${where}: ${value} is not a type (u1..u64, i1..i64, bool, or an enum or flags name)`,
        };
      }
      const pascal = err.schemaPath.includes('pascalIdentifier');
      return {
        code,
        span: source.valueSpan(path),
        message: `${where}: ${value} is not ${pascal ? 'a PascalCase identifier' : 'a snake_case identifier (lower-case letters, digits, single underscores)'}`,
      };
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
      return { code, span: source.valueSpan(path), message: `${where} must be ${symbol(err.keyword)} ${String(err.params['limit'])}` };
    case 'minItems':
    case 'maxItems':
      return {
        code,
        span: source.valueSpan(path),
        message: code === 'bad-bit-range' ? `${where} must be [low, high], two bit numbers` : `${where} has the wrong number of items`,
      };
    default:
      return {
        code,
        span: propertyName !== undefined ? source.keySpan([...path, propertyName]) : source.valueSpan(path),
        message: `${where} ${err.message ?? 'is invalid'}`,
      };
  }
}

function allowedKeys(err: ErrorObject): string | undefined {
  const props = (err.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties;
  return props ? Object.keys(props).join(', ') : undefined;
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function symbol(keyword: string): string {
  return keyword === 'minimum' ? '>=' : keyword === 'maximum' ? '<=' : '>';
}
