import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { ErrorObject, Options, ValidateFunction } from 'ajv';

/**
 * The JSON Schemas of the formats (schema/*.schema.json) are the one source of truth for
 * structure: editors use them through the `yaml-language-server` line, and the checks run the
 * same files. `npm run build` compiles each into a standalone validator (compile-validators.ts),
 * so a run loads a module instead of compiling the schema; from sources, ajv compiles it once.
 */
export const JSON_SCHEMAS = {
  /** A trace event schema. */
  schema: 'tracegen.schema.json',
  /** A project's tracegen.config.yaml. */
  config: 'tracegen.config.schema.json',
} as const;
export type JsonSchemaKind = keyof typeof JSON_SCHEMAS;

/** The URL of a format's JSON Schema in this package. */
export const jsonSchemaUrl = (kind: JsonSchemaKind): URL => new URL(`../../../schema/${JSON_SCHEMAS[kind]}`, import.meta.url);

/** The options both ways of compiling use: every error, with the schema that failed (for positions and allowed keys). */
export const AJV_OPTIONS: Options = { allErrors: true, strict: true, verbose: true };

/** Where the build puts the compiled validator of a format, beside this module. */
export const compiledValidatorUrl = (kind: JsonSchemaKind): URL => new URL(`./validators/${kind}.cjs`, import.meta.url);

const require = createRequire(import.meta.url);
const compiled = new Map<JsonSchemaKind, ValidateFunction>();

/** The validator of a format, loaded (or compiled) once per process. */
export function jsonSchemaValidator(kind: JsonSchemaKind = 'schema'): ValidateFunction {
  let validate = compiled.get(kind);
  if (!validate) {
    validate = loadCompiled(kind) ?? compile(kind);
    compiled.set(kind, validate);
  }
  return validate;
}

function loadCompiled(kind: JsonSchemaKind): ValidateFunction | undefined {
  try {
    return require(fileURLToPath(compiledValidatorUrl(kind))) as ValidateFunction;
  } catch (e) {
    if ((e as { code?: string }).code === 'MODULE_NOT_FOUND') return undefined;
    throw e;
  }
}

function compile(kind: JsonSchemaKind): ValidateFunction {
  const { Ajv } = require('ajv') as typeof import('ajv');
  return new Ajv(AJV_OPTIONS).compile(JSON.parse(readFileSync(jsonSchemaUrl(kind), 'utf8')) as object);
}

/** Runs a format's JSON Schema alone: the errors ajv reports for a parsed value. */
export function jsonSchemaErrors(value: unknown, kind: JsonSchemaKind = 'schema'): ErrorObject[] {
  const validate = jsonSchemaValidator(kind);
  return validate(value) ? [] : [...(validate.errors ?? [])];
}
