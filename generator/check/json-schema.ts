import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';

/**
 * The JSON Schema of the format (schema/tracegen.schema.json) is the one source of truth for
 * structure: editors use it through the `yaml-language-server` line, and `validate` runs the
 * same file through ajv.
 */
export const JSON_SCHEMA_URL = new URL('../../schema/tracegen.schema.json', import.meta.url);

let compiled: ValidateFunction | undefined;

/** The compiled validator, built once per process. */
export function jsonSchemaValidator(): ValidateFunction {
  if (!compiled) {
    const schema = JSON.parse(readFileSync(JSON_SCHEMA_URL, 'utf8')) as object;
    compiled = new Ajv({ allErrors: true, strict: true, verbose: true }).compile(schema);
  }
  return compiled;
}

/** Runs the JSON Schema alone: the errors ajv reports for a parsed schema value. */
export function jsonSchemaErrors(value: unknown): ErrorObject[] {
  const validate = jsonSchemaValidator();
  return validate(value) ? [] : [...(validate.errors ?? [])];
}
