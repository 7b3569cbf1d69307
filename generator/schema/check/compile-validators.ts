/**
 * Build step: compiles each JSON Schema of schema/ into a standalone validator module beside
 * json-schema.js, so that a run of the CLI loads code rather than compiling the schema (ajv's
 * compile was most of `validate`'s start-up). Run by `npm run build` after tsc.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { AJV_OPTIONS, compiledValidatorUrl, JSON_SCHEMAS, type JsonSchemaKind, jsonSchemaUrl } from './json-schema.js';

for (const kind of Object.keys(JSON_SCHEMAS) as JsonSchemaKind[]) {
  const ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true } });
  const validate = ajv.compile(JSON.parse(readFileSync(jsonSchemaUrl(kind), 'utf8')) as object);
  const target = fileURLToPath(compiledValidatorUrl(kind));
  mkdirSync(fileURLToPath(new URL('.', compiledValidatorUrl(kind))), { recursive: true });
  writeFileSync(`${target}.tmp`, standaloneCode.default(ajv, validate));
  renameSync(`${target}.tmp`, target);
}
