// Preloaded with `node --import`: makes any load of the code generator's heavy dependencies
// fail, through ESM `import` (a resolve hook) or CommonJS `require` (Module._load).
import { createRequire, register } from 'node:module';

const Module = createRequire(import.meta.url)('module');
const load = Module._load;
Module._load = function (request, ...rest) {
  if (/^(ts-morph|handlebars)(\/|$)/.test(request)) throw new Error(`loaded ${request}`);
  return load.call(this, request, ...rest);
};
register(new URL('./deny-heavy-modules.mjs', import.meta.url));
