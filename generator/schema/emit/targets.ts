import type { SchemaModel } from '../model/model.js';
import type { EmitOptions } from './emit-options.js';
import type { GeneratedFile } from './generated-file.js';

/** The languages `generate` emits. */
export const TARGETS = ['ts', 'js', 'rust', 'c', 'md', 'python', 'gdb'] as const;
export type Target = (typeof TARGETS)[number];

/** What `generate` writes when no target is named (templates alone name none). */
export const DEFAULT_TARGETS: readonly Target[] = ['ts'];

/** How `--target`'s help names each target. */
const TARGET_HELP: Record<Target, string> = {
  ts: 'ts',
  js: 'js (JavaScript + .d.ts)',
  rust: 'rust',
  c: 'c',
  md: 'md',
  python: 'python',
  gdb: 'gdb (with python)',
};

/** The targets as `--target`'s help lists them, the default marked. */
export function targetsHelp(): string {
  return TARGETS.map((t) => (DEFAULT_TARGETS.includes(t) ? `${TARGET_HELP[t]} (default)` : TARGET_HELP[t])).join(', ');
}

/** Where a schema's code goes when no output folder is named: `generated/<its name>`. */
export function defaultOutDir(schemaName: string): string {
  return `generated/${schemaName}`;
}

/** The kind of file each target writes: only such files are ever removed as stale for it. */
export const TARGET_EXTENSIONS: Record<Target, string> = {
  ts: '.ts',
  js: '.js',
  rust: '.rs',
  c: '.h',
  md: '.md',
  python: '.py',
  gdb: '.py',
};

/** Targets whose files need another target's beside them: the gdb script loads the Python module. */
export const TARGET_NEEDS: Partial<Record<Target, Target>> = { gdb: 'python' };

/** What generated TypeScript imports the runtime as, unless told otherwise: its npm package. */
export const RUNTIME_PACKAGE = '@tracegen/runtime';

/**
 * Emits one target. Each emitter is imported when asked for, so a run that only validates or
 * decodes never loads ts-morph or handlebars.
 */
export async function emitTarget(target: Target, model: SchemaModel, options: EmitOptions): Promise<GeneratedFile[]> {
  switch (target) {
    case 'ts':
      return (await import('./ts/emit-ts.js')).emitTypeScript(model, options.runtimeSpecifier, options.regenerate);
    case 'js':
      return (await import('./ts/emit-js.js')).emitJavaScript(model, options.runtimeSpecifier, options.regenerate);
    case 'rust':
    case 'c':
    case 'md':
    case 'python':
    case 'gdb':
      return (await import('./templates/emit-templates.js')).emitBuiltinTemplates(target, model, options);
  }
}
