import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { checkStructure } from '../check/structure.js';
import { DiagnosticSink, sortDiagnostics, type Diagnostic } from '../diagnostics/diagnostic.js';
import { DEFAULT_TARGETS, defaultOutDir, type Target } from '../emit/targets.js';
import type { OutputChoices } from '../generate-code.js';
import { rustTraceFnProblem, rustVisibilityProblem } from '../emit/target-options.js';
import { realPathOf } from '../emit/write-files.js';
import { loadSchemaFile, type LoadResult } from '../load-schema.js';
import { readSource } from '../load/read-source.js';
import { parseYaml, type YamlSource } from '../load/yaml-document.js';

/** The file name `tracegen` looks for, walking up from the current folder. */
export const CONFIG_FILE = 'tracegen.config.yaml';

/** One schema of a project and what to make of it; paths are absolute. */
export interface ConfiguredSchema extends OutputChoices {
  /** The schema file. */
  readonly path: string;
  /** The schema as loaded (diagnostics, and the model when valid). */
  readonly loaded: LoadResult;
  /** The output folder: `out`, else generated/<name> beside the config file; undefined when the schema is invalid and has no `out`. */
  readonly out: string | undefined;
}

/** A project's tracegen.config.yaml, read and checked. */
export interface ProjectConfig {
  /** The config file, as the user named it or as it was found. */
  readonly file: string;
  /** Its folder: the project root, which paths in it are relative to. */
  readonly root: string;
  readonly text: string | undefined;
  /** The config's own problems (not its schemas'), sorted. */
  readonly diagnostics: readonly Diagnostic[];
  /** Present when the config itself has no errors. */
  readonly schemas: readonly ConfiguredSchema[] | undefined;
  readonly baseline: string | undefined;
  /** Every schema file and template folder it names, valid or not (what `--watch` watches). */
  readonly named: readonly string[];
}

interface RawConfig {
  tracegen: 1;
  baseline?: string;
  schemas: {
    path: string;
    out?: string;
    targets?: Target[];
    templates?: string;
    runtime?: string;
    rust?: { visibility?: string; trace_fn?: string };
  }[];
}

/**
 * The config file for a run: `explicit` (from `--config`) when given, else the nearest
 * tracegen.config.yaml in `from` or a folder above it; undefined when there is none.
 */
export function findConfig(explicit: string | undefined, from: string = process.cwd()): string | undefined {
  if (explicit !== undefined) return explicit;
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const candidate = join(dir, CONFIG_FILE);
    if (existsSync(candidate)) return relativeOrAbsolute(candidate);
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * Reads and checks a config file: YAML, its JSON Schema, then that each schema it names exists
 * and loads, and that no two schemas write one folder. Problems come back as diagnostics of the
 * config file, with line and column; only a config file that cannot be read throws
 * (`UnreadableFileError`, exit 2).
 *
 * @example
 * const config = loadConfig(findConfig(undefined)!);
 * for (const s of config.schemas ?? []) console.log(s.path, s.out, s.targets);
 */
export function loadConfig(file: string): ProjectConfig {
  const root = dirname(resolve(file));
  const sink = new DiagnosticSink(file);
  const text = readSource(file, sink);
  const done = (schemas?: ConfiguredSchema[], raw?: RawConfig): ProjectConfig => ({
    file,
    root,
    text,
    diagnostics: sortDiagnostics(sink.list),
    schemas: sink.errorCount === 0 ? schemas : undefined,
    baseline: raw?.baseline,
    named: (raw?.schemas ?? []).flatMap((s) => [s.path, ...(s.templates === undefined ? [] : [s.templates])]).map((p) => resolve(root, p)),
  });
  if (text === undefined) return done();
  const parsed = parseYaml(text, sink, { noun: 'configuration', keys: 'tracegen, schemas, baseline' });
  if (!parsed || !checkStructure(parsed.value, parsed.source, sink, 'config')) return done();
  const raw = parsed.value as RawConfig;
  const schemas = raw.schemas.map((entry, i) => configured(entry, i, root, parsed.source, sink));
  refuseSharedOutputs(schemas, parsed.source, sink);
  return done(
    schemas.filter((s): s is ConfiguredSchema => s !== undefined),
    raw,
  );
}

function configured(
  entry: RawConfig['schemas'][number],
  index: number,
  root: string,
  source: YamlSource,
  sink: DiagnosticSink,
): ConfiguredSchema | undefined {
  const path = resolve(root, entry.path);
  const at = (...key: string[]) => source.valueSpan(['schemas', index, ...key]);
  if (!isFile(path)) {
    sink.error('missing-file', at('path'), `schema '${entry.path}' does not exist (paths are relative to ${CONFIG_FILE}'s folder)`);
    return undefined;
  }
  if (entry.templates !== undefined && !isDirectory(resolve(root, entry.templates))) {
    sink.error('missing-file', at('templates'), `templates folder '${entry.templates}' does not exist`);
  }
  const visibility = entry.rust?.visibility === undefined ? undefined : rustVisibilityProblem(entry.rust.visibility);
  if (visibility) sink.error('bad-value', at('rust', 'visibility'), `rust.visibility ${visibility}`);
  const traceFn = entry.rust?.trace_fn === undefined ? undefined : rustTraceFnProblem(entry.rust.trace_fn);
  if (traceFn) sink.error('bad-value', at('rust', 'trace_fn'), `rust.trace_fn ${traceFn}`);
  const loaded = loadSchemaFile(relativeOrAbsolute(path));
  const out = entry.out !== undefined ? resolve(root, entry.out) : loaded.model ? join(root, defaultOutDir(loaded.model.name)) : undefined;
  return {
    path,
    loaded,
    out,
    targets: entry.targets ?? DEFAULT_TARGETS,
    templates: entry.templates === undefined ? undefined : resolve(root, entry.templates),
    runtime: entry.runtime,
    rustVisibility: entry.rust?.visibility,
    rustTraceFn: entry.rust?.trace_fn,
  };
}

/** Two schemas generating into one folder would remove each other's files as stale. */
function refuseSharedOutputs(schemas: readonly (ConfiguredSchema | undefined)[], source: YamlSource, sink: DiagnosticSink): void {
  const first = new Map<string, number>();
  schemas.forEach((s, i) => {
    if (!s?.out) return;
    // by real path: two names of one folder (through a link) are one folder
    const real = realPathOf(s.out);
    const earlier = first.get(real);
    if (earlier === undefined) first.set(real, i);
    else
      sink.error(
        'duplicate-out',
        source.valueSpan(['schemas', i, source.node(['schemas', i, 'out']) ? 'out' : 'path']),
        `schemas[${i}] writes to ${relativeOrAbsolute(s.out)}, as schemas[${earlier}] does: give each schema its own out folder`,
      );
  });
}

const isFile = (p: string) => statSync(p, { throwIfNoEntry: false })?.isFile() ?? false;
const isDirectory = (p: string) => statSync(p, { throwIfNoEntry: false })?.isDirectory() ?? false;

/** A path as printed: relative to the current folder (absolute only on another drive). */
export function relativeOrAbsolute(path: string): string {
  const r = relative(process.cwd(), path);
  return r === '' ? '.' : isAbsolute(r) ? path : r;
}
