import { extname, posix, relative, resolve, sep } from 'node:path';
import { renderDiagnostics } from '../diagnostics/render.js';
import { loadSchemaFile, type LoadResult } from '../load-schema.js';
import { describeFsError } from '../load/read-source.js';
import { emitTarget, RUNTIME_PACKAGE, TARGET_EXTENSIONS, TARGETS, type Target } from '../emit/targets.js';
import { shellWord, type GeneratedFile } from '../emit/generated-file.js';
import { applyChanges, planChanges, shortDiff, type FileChange } from '../emit/write-files.js';
import { flag, parseCommandArgs, str, strs } from './args.js';
import { EXIT_INVALID, EXIT_OK, UsageError, type CliIo } from './io.js';
import { commandHelp, parserOptions, GENERATE } from './commands.js';

const RUST_IDENT = '(?:r#)?[A-Za-z_][A-Za-z0-9_]*';
const RUST_PATH = new RegExp(`^(?:::)?${RUST_IDENT}(?:::${RUST_IDENT})*$`);
/** What Rust accepts as a visibility (the Reference, "Visibility and privacy"), or none. */
const RUST_VISIBILITY = new RegExp(`^(?:pub(?:\\((?:crate|super|self|in (?:::)?${RUST_IDENT}(?:::${RUST_IDENT})*)\\))?)?$`);

/**
 * `tracegen generate`: validate, emit, then write (or with `--check`, compare).
 *
 * @example
 * await cli(['generate', 'schema/veridian.yaml', '--target', 'ts', '--target', 'rust'], io);
 */
export async function generateCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseCommandArgs(argv, parserOptions(GENERATE));
  if (flag(args, 'help')) {
    io.stdout.write(commandHelp(GENERATE));
    return EXIT_OK;
  }
  const schemas = args.positionals;
  if (schemas.length === 0) throw new UsageError('generate needs at least one schema file');
  const out = str(args, 'out');
  if (out !== undefined && schemas.length > 1) throw new UsageError('--out takes one schema; without it each goes to generated/<name>/');
  const targets = strs(args, 'target');
  for (const t of targets)
    if (!(TARGETS as readonly string[]).includes(t)) throw new UsageError(`--target must be one of ${TARGETS.join(', ')}, not '${t}'`);
  const wanted: Target[] = targets.length ? [...new Set(targets as Target[])] : str(args, 'templates') ? [] : ['ts'];
  const check = flag(args, 'check');
  const rustVisibility = str(args, 'rust-visibility') ?? 'pub(crate)';
  if (!RUST_VISIBILITY.test(rustVisibility)) {
    throw new UsageError(
      `--rust-visibility must be pub, pub(crate), pub(super), pub(self), pub(in path) or empty, not '${rustVisibility}'`,
    );
  }
  const rustTraceFn = str(args, 'rust-trace-fn') ?? 'trace_event';
  if (!RUST_PATH.test(rustTraceFn))
    throw new UsageError(`--rust-trace-fn must be a Rust path like trace_event or crate::perf::trace_event, not '${rustTraceFn}'`);

  let failed = false;
  for (const schema of schemas) {
    // a schema that cannot be read at all goes up to cli(): one line, exit 2
    const result: LoadResult = loadSchemaFile(schema);
    io.stderr.write(renderDiagnostics(result.diagnostics, 'text', () => result.text));
    const model = result.model;
    if (!model) {
      io.stderr.write(`tracegen: ${schema} is invalid; nothing written\n`);
      failed = true;
      continue;
    }
    const schemaPath = toPosix(relative(process.cwd(), resolve(schema)));
    const outDir = out ?? posix.join('generated', model.name);
    // Commands that make files again, as headers and a stale --check print them: each header
    // names only the options its own file depends on, so that a --check run with other targets
    // still finds it up to date; --check names everything it was given.
    const given = (flag: string, value: string | undefined) => (value === undefined ? [] : [`--${flag}`, shellWord(value)]);
    const rust = [...given('rust-visibility', str(args, 'rust-visibility')), ...given('rust-trace-fn', str(args, 'rust-trace-fn'))];
    const command = (...rest: string[]) => ['npx tracegen generate', shellWord(schemaPath), ...given('out', out), ...rest].join(' ');
    const regenerateFile: Record<Target | 'templates', string> = {
      ts: command(...given('runtime', str(args, 'runtime'))),
      rust: command('--target', 'rust', ...rust),
      c: command('--target', 'c'),
      md: command('--target', 'md'),
      templates: command(...given('templates', str(args, 'templates')), ...rust),
    };
    const regenerate = command(
      ...targets.flatMap((t) => ['--target', t]),
      ...given('templates', str(args, 'templates')),
      ...given('runtime', str(args, 'runtime')),
      ...rust,
    );
    const options = {
      outDir,
      runtimeSpecifier: str(args, 'runtime') ?? RUNTIME_PACKAGE,
      rustVisibility,
      rustTraceFn,
      regenerate,
    };
    const withPath = { ...model, sourcePath: schemaPath };
    const files: GeneratedFile[] = [];
    for (const t of wanted) files.push(...(await emitTarget(t, withPath, { ...options, regenerate: regenerateFile[t] })));
    const templates = str(args, 'templates');
    if (templates !== undefined) {
      const { emitUserTemplates, TemplateError } = await import('../emit/templates/emit-templates.js');
      try {
        files.push(...emitUserTemplates(templates, withPath, { ...options, regenerate: regenerateFile.templates }));
      } catch (e) {
        if (!(e instanceof TemplateError)) throw e;
        io.stderr.write(`tracegen: ${e.message}; nothing written\n`);
        failed = true;
        continue;
      }
    }
    const extensions = new Set([...wanted.map((t) => TARGET_EXTENSIONS[t]), ...files.map((f) => extname(f.path))]);
    try {
      const changes = planChanges(outDir, files, schemaPath, (path) => extensions.has(extname(path)));
      if (check) {
        if (!reportCheck(changes, schema, regenerate, io)) failed = true;
      } else {
        applyChanges(changes);
        for (const c of changes)
          io.stderr.write(
            `${c.kind === 'unchanged' ? 'unchanged' : c.kind === 'removed' ? 'removed  ' : 'wrote    '} ${toPosix(c.path)}\n`,
          );
      }
    } catch (e) {
      if (!(e instanceof Error) || !('code' in e)) throw e;
      // a file system refusal (a file where the folder should be, no permission, a full disk)
      io.stderr.write(`tracegen: cannot write ${outDir}: ${describeFsError(e)}\n`);
      failed = true;
    }
  }
  return failed ? EXIT_INVALID : EXIT_OK;
}

function reportCheck(changes: readonly FileChange[], schema: string, regenerate: string, io: CliIo): boolean {
  const stale = changes.filter((c) => c.kind !== 'unchanged');
  if (stale.length === 0) {
    io.stderr.write(`${schema}: generated code is up to date (${changes.length} file${changes.length === 1 ? '' : 's'})\n`);
    return true;
  }
  for (const c of stale) {
    const what = c.kind === 'created' ? 'missing' : c.kind === 'removed' ? 'no longer generated' : 'out of date';
    io.stderr.write(`tracegen: ${toPosix(c.path)} is ${what}\n`);
    if (c.kind === 'updated') io.stderr.write(shortDiff(c.before!, c.after!));
  }
  io.stderr.write(`Regenerate with: ${regenerate}\n`);
  return false;
}

function toPosix(p: string): string {
  return p.split(sep).join('/');
}
