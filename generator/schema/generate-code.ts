import { readdirSync } from 'node:fs';
import { extname, join } from 'node:path';
import { DEFAULT_TARGETS, emitTarget, RUNTIME_PACKAGE, TARGET_EXTENSIONS, TARGET_NEEDS, type Target } from './emit/targets.js';
import type { GeneratedFile } from './emit/generated-file.js';
import { DEFAULT_RUST_TRACE_FN, DEFAULT_RUST_VISIBILITY } from './emit/target-options.js';
import { OutputRefusedError, planChanges, type FileChange } from './emit/write-files.js';
import type { SchemaModel } from './model/model.js';

/** What a schema's code is made of: the same choices on the command line, in the config and in the API. */
export interface OutputChoices {
  /** Default `['ts']`, or none when `templates` is given. */
  readonly targets: readonly Target[];
  /** A folder of `*.hbs` templates to render too. */
  readonly templates: string | undefined;
  /** How generated TypeScript imports the runtime (default `@tracegen/runtime`). */
  readonly runtime: string | undefined;
  readonly rustVisibility: string | undefined;
  readonly rustTraceFn: string | undefined;
}

/** What to generate from one schema, and where. */
export interface GenerateOptions extends Partial<OutputChoices> {
  /** The output folder. */
  readonly out: string;
  /** How generated headers name the schema file (default: its path as loaded). */
  readonly sourcePath?: string;
  /** The command each generated file's header names for regenerating it, per target. */
  readonly regenerate?: Partial<Record<Target | 'templates', string>>;
  /** Files the run reads (the schema file, the config): never overwritten, whatever `out` says. The templates are added. */
  readonly inputs?: readonly string[];
}

/** The files a schema generates and how each compares with what `out` holds. */
export interface GeneratePlan {
  readonly outDir: string;
  readonly files: readonly GeneratedFile[];
  /** Created, updated, unchanged or removed, in writing order; `applyChanges` carries them out. */
  readonly changes: readonly FileChange[];
}

/**
 * Emits every requested target of a valid schema and plans the writes: nothing is written yet.
 * Throws `TemplateError` for a template that does not render, and file system errors as Node
 * gives them.
 */
export async function planGenerate(model: SchemaModel, options: GenerateOptions): Promise<GeneratePlan> {
  const asked: readonly Target[] = options.targets ?? (options.templates !== undefined ? [] : DEFAULT_TARGETS);
  // a target's files come with those they load (the gdb script with the Python module)
  const targets = [...new Set(asked.flatMap((t) => (TARGET_NEEDS[t] ? [TARGET_NEEDS[t], t] : [t])))];
  // both write the module `index` (index.ts beside index.js and index.d.ts would be two modules)
  if (targets.includes('ts') && targets.includes('js'))
    throw new OutputRefusedError('the ts and js targets both write the module index: choose one per output folder');
  refuseKernelStrings(model, targets);
  const sourcePath = options.sourcePath ?? model.sourcePath;
  const withPath = { ...model, sourcePath };
  const hint = (t: Target | 'templates') => options.regenerate?.[t] ?? `npx tracegen generate ${sourcePath}`;
  const emitOptions = {
    outDir: options.out,
    runtimeSpecifier: options.runtime ?? RUNTIME_PACKAGE,
    rustVisibility: options.rustVisibility ?? DEFAULT_RUST_VISIBILITY,
    rustTraceFn: options.rustTraceFn ?? DEFAULT_RUST_TRACE_FN,
  };
  const files: GeneratedFile[] = [];
  for (const t of targets) files.push(...(await emitTarget(t, withPath, { ...emitOptions, regenerate: hint(t) })));
  if (options.templates !== undefined) {
    const { emitUserTemplates } = await import('./emit/templates/emit-templates.js');
    files.push(...emitUserTemplates(options.templates, withPath, { ...emitOptions, regenerate: hint('templates') }));
  }
  // only kinds of file this run writes are ever removed as stale
  const extensions = new Set([...targets.map((t) => TARGET_EXTENSIONS[t]), ...files.map((f) => extname(f.path))]);
  const inputs = [...(options.inputs ?? []), ...(options.templates === undefined ? [] : filesIn(options.templates))];
  const changes = planChanges(options.out, files, sourcePath, (path) => extensions.has(extname(path)), inputs);
  return { outDir: options.out, files, changes };
}

/**
 * The kernel's side cannot write a string field: it has no string table (its records are what
 * its rings hold, and a ring holds numbers). Rust and C code for such a schema would trace ids
 * that mean nothing, so they are refused; the Python and gdb readers show the field's id.
 */
function refuseKernelStrings(model: SchemaModel, targets: readonly Target[]): void {
  const kernel = targets.filter((t) => t === 'rust' || t === 'c');
  if (kernel.length === 0) return;
  for (const e of model.events) {
    const f = e.fields.find((x) => x.type.kind === 'string');
    if (f)
      throw new OutputRefusedError(
        `${kernel.join(' and ')}: event '${e.names.snake}' has string field '${f.names.snake}', which kernel code cannot trace (the kernel has no string table); generate ts, js, md or python for this schema`,
      );
  }
}

function filesIn(folder: string): string[] {
  try {
    return readdirSync(folder).map((name) => join(folder, name));
  } catch {
    return [];
  }
}
