/**
 * This runtime's version, as its package.json states it (a test holds the two equal).
 * Generated modules name the versions they can run on; {@link requireRuntime} refuses the rest.
 */
export const RUNTIME_VERSION = '0.1.0';

/** Thrown as a generated module loads against a runtime that cannot serve it. */
export class RuntimeVersionError extends Error {
  override name = 'RuntimeVersionError';
}

/**
 * The check every generated module makes as it loads: `range` is a caret range (`^0.1.0`),
 * as npm reads it: the same major version and at least that one; below 1.0.0 the same minor
 * too, since a 0.x minor may change what generated code relies on.
 *
 * @example
 * requireRuntime('^0.1.0', 'generated/veridian/index.ts'); // throws on @tracegen/runtime 0.2.0
 */
export function requireRuntime(range: string, module: string, installed: string = RUNTIME_VERSION): void {
  const want = /^\^(\d+)\.(\d+)\.(\d+)$/.exec(range);
  const have = /^(\d+)\.(\d+)\.(\d+)/.exec(installed);
  if (!want || !have)
    throw new RuntimeVersionError(`${module} asks for @tracegen/runtime '${range}', which is not a caret range like ^0.1.0`);
  const [w, h] = [want.slice(1).map(Number), have.slice(1).map(Number)] as [number[], number[]];
  const fixed = w[0] === 0 ? 2 : 1; // the parts that must be equal
  const same = w.slice(0, fixed).every((v, i) => v === h[i]);
  const atLeast = h[0]! * 1e12 + h[1]! * 1e6 + h[2]! >= w[0]! * 1e12 + w[1]! * 1e6 + w[2]!;
  if (!same || !atLeast) {
    throw new RuntimeVersionError(
      `${module} was generated for @tracegen/runtime ${range}, but ${installed} is installed: ` +
        `install @tracegen/runtime@'${range}' or regenerate the module with a tracegen that matches ${installed}`,
    );
  }
}
