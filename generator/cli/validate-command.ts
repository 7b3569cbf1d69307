import { renderDiagnostics, type DiagnosticFormat } from '../schema/diagnostics/render.js';
import type { Diagnostic } from '../schema/diagnostics/diagnostic.js';
import { loadSchemaFile } from '../schema/load-schema.js';
import { UnreadableFileError } from '../schema/load/read-source.js';
import { flag, oneOf, parseCommandArgs, str } from './args.js';
import { EXIT_INVALID, EXIT_OK, EXIT_USAGE, UsageError, type CliIo } from './io.js';
import { commandHelp, parserOptions, VALIDATE } from './commands.js';
import { configFor } from './config-args.js';

/**
 * `tracegen validate`: checks schemas, prints diagnostics, returns 0, 1 or 2.
 *
 * @example
 * await cli(['validate', '--format', 'github', 'schema/veridian.yaml'], io);
 */
export async function validateCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseCommandArgs(argv, parserOptions(VALIDATE));
  const positionals = args.positionals;
  if (flag(args, 'help')) {
    io.stdout.write(commandHelp(VALIDATE));
    return EXIT_OK;
  }
  const format = oneOf<DiagnosticFormat>('--format', str(args, 'format'), ['text', 'json', 'github'], 'text');
  if (positionals.length && str(args, 'config') !== undefined) throw new UsageError('--config goes without schema files: it lists them');
  const config = positionals.length ? undefined : configFor(str(args, 'config'), 'validate');
  const against = str(args, 'against');
  if (against !== undefined && (config ? config.schemas?.length !== 1 : positionals.length !== 1))
    throw new UsageError('--against compares one schema with its baseline');
  const failOn = oneOf('--fail-on', str(args, 'fail-on'), ['wire', 'source', 'none'] as const, 'source');
  if (against === undefined && str(args, 'fail-on') !== undefined) throw new UsageError('--fail-on goes with --against');

  const all: Diagnostic[] = [...(config?.diagnostics ?? [])];
  const texts = new Map<string, string>(config?.text === undefined ? [] : [[config.file, config.text]]);
  let unreadable = false;
  const summaries: string[] = [];
  if (config && !config.schemas) summaries.push(`${config.file}: failed (the configuration is invalid)\n`);
  const loaded = new Map((config?.schemas ?? []).map((s) => [s.loaded.file, s.loaded]));
  for (const file of config ? [...loaded.keys()] : positionals) {
    try {
      const result = loaded.get(file) ?? loadSchemaFile(file);
      if (result.text !== undefined) texts.set(file, result.text);
      all.push(...result.diagnostics);
      if (format === 'text' && result.model && !result.diagnostics.some((d) => d.severity === 'error')) {
        const warnings = result.diagnostics.length;
        const counted = `${warnings} warning${warnings > 1 ? 's' : ''}`;
        // with --strict, warnings fail: the line says so rather than "ok"
        if (warnings && flag(args, 'strict'))
          summaries.push(`${file}: failed (--strict: ${counted}; ${result.model.events.length} events)\n`);
        else summaries.push(`${file}: ok (${result.model.events.length} events${warnings ? `, ${counted}` : ''})\n`);
      }
    } catch (e) {
      if (!(e instanceof UnreadableFileError)) throw e;
      io.stderr.write(`tracegen: cannot read ${e.message}\n`);
      unreadable = true;
    }
  }

  const out = renderDiagnostics(all, format, (f) => texts.get(f));
  // the verdicts come last, where a reader of CI logs looks
  if (format === 'text') io.stderr.write(out + summaries.join(''));
  else io.stdout.write(out);

  if (unreadable) return EXIT_USAGE;
  const failing = all.some((d) => d.severity === 'error' || (flag(args, 'strict') && d.severity === 'warning'));
  if (failing || against === undefined) return failing ? EXIT_INVALID : EXIT_OK;
  // the schema is valid: now the evolution check, loaded only when asked for
  const { loadBoth, reportFindings } = await import('./diff-command.js');
  const { diffLoaded } = await import('../schema/diff/run-diff.js');
  const sides = loadBoth(against, positionals[0] ?? [...loaded.keys()][0]!, io);
  if (typeof sides === 'number') return sides;
  return reportFindings(diffLoaded(sides[0], sides[1]), format, failOn, sides, io, against);
}
