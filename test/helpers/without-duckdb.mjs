// Preloaded with `node --import`: resolves '@duckdb/node-api' as npm would if the optional
// dependency had not been installed (`npm install --omit=optional`).
import { register } from 'node:module';

register(
  'data:text/javascript,' +
    encodeURIComponent(`export async function resolve(specifier, context, next) {
  if (/^@duckdb\\//.test(specifier)) {
    const e = new Error("Cannot find package '" + specifier + "'");
    e.code = 'ERR_MODULE_NOT_FOUND';
    throw e;
  }
  return next(specifier, context);
}`),
);
