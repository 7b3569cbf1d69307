// A module-resolution hook that fails any import of the code generator's heavy dependencies, to
// prove that a command never loads them.
export async function resolve(specifier, context, next) {
  if (/^(ts-morph|handlebars)(\/|$)/.test(specifier)) throw new Error(`loaded ${specifier}`);
  return next(specifier, context);
}
