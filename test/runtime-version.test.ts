import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RUNTIME_VERSION, RuntimeVersionError, requireRuntime } from '@tracegen/runtime';

describe('the runtime refuses generated modules it cannot serve', () => {
  it('states the version its package.json states', () => {
    expect(RUNTIME_VERSION).toBe((JSON.parse(readFileSync('runtime/package.json', 'utf8')) as { version: string }).version);
  });

  it('generated code asks for this version, as a caret range, before anything else runs', () => {
    const text = readFileSync('generated/veridian/index.ts', 'utf8');
    const firstStatement = text.split('\n').find((l) => l && !/^(\/\/|\/\*|import |export \{)/.test(l));
    expect(firstStatement).toBe(`$requireRuntime('^${RUNTIME_VERSION}', 'the tracegen module of schema veridian');`);
  });

  it.each([
    ['^0.1.0', '0.1.0'],
    ['^0.1.0', '0.1.7'],
    ['^0.1.3', '0.1.3'],
    ['^1.2.0', '1.2.0'],
    ['^1.2.0', '1.9.1'],
  ])('%s runs on %s', (range, installed) => {
    expect(() => requireRuntime(range, 'm', installed)).not.toThrow();
  });

  it.each([
    ['^0.1.0', '0.2.0'],
    ['^0.2.0', '0.1.9'],
    ['^0.1.3', '0.1.2'],
    ['^1.2.0', '1.1.9'],
    ['^1.2.0', '2.0.0'],
    ['^1.0.0', '0.9.0'],
  ])('%s does not run on %s: a message that says what to do', (range, installed) => {
    expect(() => requireRuntime(range, 'the tracegen module of schema x', installed)).toThrow(RuntimeVersionError);
    expect(() => requireRuntime(range, 'the tracegen module of schema x', installed)).toThrow(
      `the tracegen module of schema x was generated for @tracegen/runtime ${range}, but ${installed} is installed: ` +
        `install @tracegen/runtime@'${range}' or regenerate the module with a tracegen that matches ${installed}`,
    );
  });

  it('a range it cannot read is refused by name', () => {
    expect(() => requireRuntime('>=0.1', 'm')).toThrow("m asks for @tracegen/runtime '>=0.1', which is not a caret range like ^0.1.0");
  });
});
