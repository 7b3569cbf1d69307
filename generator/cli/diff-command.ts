import { renderDiagnostics, type DiagnosticFormat } from '../schema/diagnostics/render.js';
import { loadSide } from '../schema/diff/baseline.js';
import { changelog } from '../schema/diff/changelog.js';
import { forGithub } from '../schema/diff/github-paths.js';
import { fails, type FailOn, type Finding } from '../schema/diff/finding.js';
import { asReportable, diffLoaded } from '../schema/diff/run-diff.js';
import type { LoadResult } from '../schema/load-schema.js';
import type { SchemaModel } from '../schema/model/model.js';
import { flag, oneOf, parseCommandArgs, str } from './args.js';
import { EXIT_INVALID, EXIT_OK, UsageError, type CliIo } from './io.js';
import { commandHelp, parserOptions, DIFF } from './commands.js';
import { configFor } from './config-args.js';
import { relative, sep } from 'node:path';

/**
 * `tracegen diff`: the breaking-change check of a schema against a baseline.
 *
 * @example
 * await cli(['diff', 'origin/main:schema/veridian.yaml', 'schema/veridian.yaml', '--format', 'github'], io);
 */
export async function diffCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseCommandArgs(argv, parserOptions(DIFF));
  if (flag(args, 'help')) {
    io.stdout.write(commandHelp(DIFF));
    return EXIT_OK;
  }
  const format = oneOf<DiffFormat>('--format', str(args, 'format'), ['text', 'json', 'github', 'markdown'], 'text');
  const failOn = oneOf<FailOn>('--fail-on', str(args, 'fail-on'), ['wire', 'source', 'none'], 'source');
  if (args.positionals.length === 0) return diffConfigured(str(args, 'config'), format, failOn, io);
  if (str(args, 'config') !== undefined) throw new UsageError('--config goes without a baseline and schema: it names them');
  if (args.positionals.length !== 2) throw new UsageError('diff takes a baseline and a schema: tracegen diff <baseline> <schema>');
  const [baseArg, nextArg] = args.positionals as [string, string];

  const sides = loadBoth(baseArg, nextArg, io);
  if (typeof sides === 'number') return sides;
  const findings = diffLoaded(sides[0], sides[1]);
  return reportFindings(findings, format, failOn, sides, io, baseArg);
}

/** Every schema of the project config against its `baseline` revision (REV:./path, read with git). */
async function diffConfigured(explicit: string | undefined, format: DiffFormat, failOn: FailOn, io: CliIo): Promise<number> {
  const config = configFor(explicit, 'diff');
  io.stderr.write(renderDiagnostics(config.diagnostics, 'text', () => config.text));
  if (!config.schemas) {
    io.stderr.write(`tracegen: ${config.file} is invalid\n`);
    return EXIT_INVALID;
  }
  if (config.baseline === undefined)
    throw new UsageError(`diff takes a baseline and a schema, or a 'baseline:' revision in ${config.file} to compare its schemas with`);
  let code = EXIT_OK;
  for (const schema of config.schemas) {
    const rel = relative(process.cwd(), schema.path).split(sep).join('/');
    const baseArg = `${config.baseline}:${rel.startsWith('../') ? rel : `./${rel}`}`;
    const sides = loadBoth(baseArg, rel, io);
    const result =
      typeof sides === 'number' ? sides : await reportFindings(diffLoaded(sides[0], sides[1]), format, failOn, sides, io, baseArg);
    code = Math.max(code, result);
  }
  return code;
}

type DiffFormat = DiagnosticFormat | 'markdown';

/** Loads both sides; on failure reports it and returns the exit code. */
export function loadBoth(
  baseArg: string,
  nextArg: string,
  io: CliIo,
): [LoadResult & { model: SchemaModel }, LoadResult & { model: SchemaModel }] | number {
  const loaded: LoadResult[] = [];
  for (const arg of [baseArg, nextArg]) {
    // a side that cannot be read at all goes up to cli(): one line, exit 2
    loaded.push(loadSide(arg));
  }
  const invalid = loaded.filter((l) => !l.model);
  if (invalid.length) {
    for (const l of invalid) {
      io.stderr.write(renderDiagnostics(l.diagnostics, 'text', () => l.text));
      io.stderr.write(`tracegen: ${l.file} is not a valid schema\n`);
    }
    return EXIT_INVALID;
  }
  return loaded as [LoadResult & { model: SchemaModel }, LoadResult & { model: SchemaModel }];
}

/** Prints findings in a format and returns the exit code their categories give. */
export function reportFindings(
  findings: readonly Finding[],
  format: DiagnosticFormat | 'markdown',
  failOn: FailOn,
  sides: readonly LoadResult[],
  io: CliIo,
  baseLabel: string,
): number {
  const failing = findings.filter((f) => fails(f.category, failOn)).length;
  if (format === 'markdown') io.stdout.write(changelog(findings, sides[1]!.model!.name, baseLabel));
  else {
    const texts = new Map(sides.map((s) => [s.file, s.text]));
    const shown = format === 'github' ? forGithub(findings, sides[0]!, sides[1]!) : findings;
    const out = renderDiagnostics(asReportable(shown, failOn), format, (f) => texts.get(f));
    if (format === 'text') {
      const count = (c: string) => findings.filter((f) => f.category === c).length;
      io.stdout.write(out);
      io.stdout.write(
        `${findings.length ? `${count('wire')} wire, ${count('source')} source, ${count('compatible')} compatible` : `no changes from ${sides[0]!.file} to ${sides[1]!.file}`}: ${failing ? `fails (--fail-on ${failOn})` : 'ok'}\n`,
      );
    } else io.stdout.write(out);
  }
  return failing ? EXIT_INVALID : EXIT_OK;
}
