import { relative, resolve, sep } from 'node:path';
import { renderDiagnostics } from '../schema/diagnostics/render.js';
import { loadSchemaFile, type LoadResult } from '../schema/load-schema.js';
import { describeFsError } from '../schema/load/read-source.js';
import { DEFAULT_TARGETS, defaultOutDir, TARGETS, type Target } from '../schema/emit/targets.js';
import { shellWord } from '../schema/emit/generated-file.js';
import { rustTraceFnProblem, rustVisibilityProblem } from '../schema/emit/target-options.js';
import { applyChanges, OutputRefusedError, realPathOf, shortDiff, type FileChange } from '../schema/emit/write-files.js';
import { planGenerate, type OutputChoices } from '../schema/generate-code.js';
import { CONFIG_FILE, findConfig, loadConfig, relativeOrAbsolute, type ProjectConfig } from '../schema/config/load-config.js';
import { configFor } from './config-args.js';
import { flag, parseCommandArgs, str, strs, type ParsedArgs } from './args.js';
import { EXIT_INVALID, EXIT_OK, EXIT_USAGE, UsageError, type CliIo } from './io.js';
import { commandHelp, parserOptions, GENERATE } from './commands.js';

/** One schema to generate from, with everything the run needs to know about it. */
export interface GenerateJob extends OutputChoices {
  /** The schema file, as given or relative to the current folder. */
  readonly schema: string;
  /** Already loaded (by the config), or loaded when the job runs. */
  readonly loaded?: LoadResult;
  /** How headers name the schema: relative to the project root (with a config) or the current folder. */
  readonly sourcePath: string;
  /** Where to write (may be undefined only when the schema is invalid). */
  readonly out: string | undefined;
  /** The command that regenerates everything, as a stale `--check` prints it. */
  readonly regenerate: string;
  /** Per generated file, the command its header prints. */
  readonly regenerateFile: Partial<Record<Target | 'templates', string>>;
  /** The config the job comes from, if any: an input, never overwritten. */
  readonly config?: string;
}

/** What a run works from: its jobs, and the files whose change calls for another run under --watch. */
export interface GeneratePlanInput {
  readonly jobs: readonly GenerateJob[];
  /** Printed and failing before any job (a config's own problems). */
  readonly failure?: string;
  /** What `--watch` watches: the config, schemas and template folders. */
  readonly watched: readonly string[];
}

/**
 * `tracegen generate`: validate, emit, then write (or with `--check`, compare). With no schema
 * files, the project's tracegen.config.yaml says what to generate.
 *
 * @example
 * await cli(['generate', 'schema/veridian.yaml', '--target', 'ts', '--target', 'rust'], io);
 * await cli(['generate', '--check'], io); // everything tracegen.config.yaml lists
 */
export async function generateCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseCommandArgs(argv, parserOptions(GENERATE));
  if (flag(args, 'help')) {
    io.stdout.write(commandHelp(GENERATE));
    return EXIT_OK;
  }
  const plan = () => (args.positionals.length ? (jobsOfConfigEntries(args, io) ?? jobsFromArgs(args)) : jobsFromConfig(args, io));
  if (flag(args, 'watch')) {
    if (flag(args, 'check')) throw new UsageError('--watch writes as files change; --check writes nothing: use one');
    const first = plan(); // usage errors stop here, before watching starts
    const { watchRounds } = await import('./watch.js');
    let next: GeneratePlanInput | undefined = first;
    return watchRounds(
      () => {
        const input = next ?? plan();
        next = undefined;
        return { input, watched: input.watched };
      },
      (input) => runJobs(input, false, io),
      io,
    );
  }
  return runJobs(plan(), flag(args, 'check'), io);
}

/** Jobs from schema files named on the command line and the options beside them. */
function jobsFromArgs(args: ParsedArgs): GeneratePlanInput {
  if (str(args, 'config') !== undefined) throw new UsageError('--config goes without schema files: it lists them');
  const schemas = args.positionals;
  const out = str(args, 'out');
  if (out !== undefined && schemas.length > 1)
    throw new UsageError(`--out takes one schema; without it each goes to ${defaultOutDir('<name>')}/`);
  const targets = strs(args, 'target');
  for (const t of targets)
    if (!(TARGETS as readonly string[]).includes(t)) throw new UsageError(`--target must be one of ${TARGETS.join(', ')}, not '${t}'`);
  const templates = str(args, 'templates');
  const wanted: readonly Target[] = targets.length ? [...new Set(targets as Target[])] : templates ? [] : DEFAULT_TARGETS;
  const rustVisibility = str(args, 'rust-visibility');
  const rustTraceFn = str(args, 'rust-trace-fn');
  const visibilityProblem = rustVisibility === undefined ? undefined : rustVisibilityProblem(rustVisibility);
  if (visibilityProblem) throw new UsageError(`--rust-visibility ${visibilityProblem}`);
  const fnProblem = rustTraceFn === undefined ? undefined : rustTraceFnProblem(rustTraceFn);
  if (fnProblem) throw new UsageError(`--rust-trace-fn ${fnProblem}`);
  const runtime = str(args, 'runtime');

  const jobs = schemas.map((schema): GenerateJob => {
    const schemaPath = toPosix(relative(process.cwd(), resolve(schema)));
    // Commands that make files again, as headers and a stale --check print them: each header
    // names only the options its own file depends on, so that a --check run with other targets
    // still finds it up to date; --check names everything it was given.
    const given = (name: string, value: string | undefined) => (value === undefined ? [] : [`--${name}`, shellWord(value)]);
    const rust = [...given('rust-visibility', rustVisibility), ...given('rust-trace-fn', rustTraceFn)];
    const command = (...rest: string[]) => ['npx tracegen generate', shellWord(schemaPath), ...given('out', out), ...rest].join(' ');
    return {
      schema,
      sourcePath: schemaPath,
      out: out ?? undefined,
      targets: wanted,
      templates,
      runtime,
      rustVisibility,
      rustTraceFn,
      regenerate: command(
        ...targets.flatMap((t) => ['--target', t]),
        ...given('templates', templates),
        ...given('runtime', runtime),
        ...rust,
      ),
      regenerateFile: {
        ts: command(...given('runtime', runtime)),
        js: command('--target', 'js', ...given('runtime', runtime)),
        rust: command('--target', 'rust', ...rust),
        c: command('--target', 'c'),
        md: command('--target', 'md'),
        python: command('--target', 'python'),
        gdb: command('--target', 'gdb'),
        templates: command(...given('templates', templates), ...rust),
      },
    };
  });
  return { jobs, watched: [...schemas, ...(templates === undefined ? [] : [templates])] };
}

const FILE_OPTIONS = ['out', 'target', 'templates', 'runtime', 'rust-visibility', 'rust-trace-fn'] as const;

/**
 * Schema files named without options of their own, every one of which the project config lists:
 * the config's entries for them (out, targets, options), so that `generate schema/x.yaml --check`
 * agrees with what `generate` wrote. Undefined (the files go as given) otherwise.
 */
function jobsOfConfigEntries(args: ParsedArgs, io: CliIo): GeneratePlanInput | undefined {
  if (FILE_OPTIONS.some((o) => args.values[o] !== undefined) || str(args, 'config') !== undefined) return undefined;
  const file = findConfig(undefined);
  if (file === undefined) return undefined;
  const config = loadConfig(file);
  if (!config.schemas) return undefined;
  const entries = args.positionals.map((schema) => config.schemas!.find((s) => samePath(s.path, schema)));
  if (entries.some((e) => e === undefined)) return undefined;
  const all = configJobs(config, undefined, io);
  return { ...all, jobs: entries.map((e) => all.jobs[config.schemas!.indexOf(e!)]!) };
}

/** True when two paths name one file, through links too. */
function samePath(a: string, b: string): boolean {
  return realPathOf(a) === realPathOf(b);
}

/** Jobs from the project's tracegen.config.yaml (found by walking up, or `--config`). */
function jobsFromConfig(args: ParsedArgs, io: CliIo): GeneratePlanInput {
  const given = FILE_OPTIONS.find((o) => args.values[o] !== undefined);
  if (given) throw new UsageError(`--${given} goes with schema files; without them, the project config says it`);
  return configJobs(configFor(str(args, 'config'), 'generate'), str(args, 'config'), io);
}

/** A job per schema of a loaded config; `explicit` is the `--config` it was named by, if any. */
function configJobs(config: ProjectConfig, explicit: string | undefined, io: CliIo): GeneratePlanInput {
  const file = config.file;
  io.stderr.write(renderDiagnostics(config.diagnostics, 'text', () => config.text));
  if (!config.schemas) return { jobs: [], failure: `tracegen: ${file} is invalid; nothing written\n`, watched: [file, ...config.named] };
  // run as printed from the project root, the command finds the same config
  const configArg =
    explicit !== undefined && !resolve(explicit).endsWith(`${sep}${CONFIG_FILE}`)
      ? ` --config ${shellWord(toPosix(relative(config.root, resolve(explicit))))}`
      : '';
  const regenerate = `npx tracegen generate${configArg}`;
  const jobs = config.schemas.map(
    (s): GenerateJob => ({
      ...s,
      schema: relativeOrAbsolute(s.path),
      sourcePath: toPosix(relative(config.root, s.path)),
      out: s.out === undefined ? undefined : relativeOrAbsolute(s.out),
      templates: s.templates === undefined ? undefined : relativeOrAbsolute(s.templates),
      regenerate,
      regenerateFile: {
        ts: regenerate,
        js: regenerate,
        rust: regenerate,
        c: regenerate,
        md: regenerate,
        python: regenerate,
        gdb: regenerate,
        templates: regenerate,
      },
      config: file,
    }),
  );
  return { jobs, watched: [file, ...jobs.flatMap((j) => [j.schema, ...(j.templates === undefined ? [] : [j.templates])])] };
}

/** Runs each job: validate, emit, then write or compare. Returns the exit code. */
export async function runJobs(input: GeneratePlanInput, check: boolean, io: CliIo): Promise<number> {
  if (input.failure) {
    io.stderr.write(input.failure);
    return EXIT_INVALID;
  }
  let failed = false;
  let refused = false;
  for (const job of input.jobs) {
    // a schema that cannot be read at all goes up to cli(): one line, exit 2
    const result = job.loaded ?? loadSchemaFile(job.schema);
    io.stderr.write(renderDiagnostics(result.diagnostics, 'text', () => result.text));
    const model = result.model;
    if (!model) {
      io.stderr.write(`tracegen: ${job.schema} is invalid; nothing written\n`);
      failed = true;
      continue;
    }
    const outDir = job.out ?? defaultOutDir(model.name);
    try {
      const inputs = [job.schema, ...(job.config === undefined ? [] : [job.config])];
      const { changes } = await planGenerate(model, { ...job, out: outDir, regenerate: job.regenerateFile, inputs });
      if (check) {
        if (!reportCheck(changes, job.schema, job.regenerate, io)) failed = true;
      } else {
        applyChanges(changes);
        for (const c of changes)
          io.stderr.write(
            `${c.kind === 'unchanged' ? 'unchanged' : c.kind === 'removed' ? 'removed  ' : 'wrote    '} ${toPosix(c.path)}\n`,
          );
      }
    } catch (e) {
      if (e instanceof Error && e.name === 'TemplateError') {
        io.stderr.write(`tracegen: ${e.message}; nothing written\n`);
        failed = true;
        continue;
      }
      if (e instanceof OutputRefusedError) {
        io.stderr.write(`tracegen: ${e.message}; nothing written\n`);
        refused = true;
        continue;
      }
      if (!(e instanceof Error) || !('code' in e)) throw e;
      // a file system refusal (a file where the folder should be, no permission, a full disk)
      io.stderr.write(`tracegen: cannot write ${outDir}: ${describeFsError(e)}\n`);
      failed = true;
    }
  }
  return refused ? EXIT_USAGE : failed ? EXIT_INVALID : EXIT_OK;
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
