import { EXIT_USAGE, UsageError, type CliIo } from './io.js';
import { validateCommand } from './validate-command.js';

export const USAGE = `usage: tracegen <command> [options]

commands:
  validate <schema.yaml>...   check schemas; exit 0 valid, 1 invalid, 2 usage error
      --format text|json|github   how to print diagnostics (default text)
      --strict                    warnings fail too
  generate <schema.yaml>...   validate, then write generated code
      --out DIR                   output folder (default generated/<name>/; one schema only)
      --target ts|rust|c|md       what to emit (repeatable; default ts)
      --templates DIR             emit with your own handlebars templates
      --check                     write nothing; exit 1 when generated files are out of date
  diff <baseline> <schema>    breaking changes against a baseline (a schema, a trace file or REV:PATH)
      --format text|json|github|markdown, --fail-on wire|source|none
  decode <input|->            print a trace: a trace file, a raw ring image or a serial log
      --schema S, --format table|jsonl|dump|chrome, -o FILE, --last N, --cpu N, --event NAME,
      --from TS, --to TS, --input-format trace|rings|serial, --frequency HZ
      (see docs/cli.md)

Run 'tracegen <command> --help' for a command's options.
`;

/**
 * The whole command line as an ordinary function: parses `argv`, runs one command and returns
 * its exit code. Commands that need heavy modules (ts-morph) load them only when they run.
 *
 * @example
 * const code = await cli(['validate', 'schema/veridian.yaml'], processIo());
 */
export async function cli(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'validate':
        return await validateCommand(rest, io);
      case 'generate':
        return await (await import('./generate-command.js')).generateCommand(rest, io);
      case 'decode':
        return await (await import('./decode-command.js')).decodeCommand(rest, io);
      case 'diff':
        return await (await import('./diff-command.js')).diffCommand(rest, io);
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        (command === undefined ? io.stderr : io.stdout).write(USAGE);
        return command === undefined ? EXIT_USAGE : 0;
      default:
        throw new UsageError(`unknown command '${command}'`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr.write(
        `tracegen: ${e.message}\n${command && command !== 'help' ? `Run 'tracegen ${['validate', 'generate', 'decode', 'diff'].includes(command) ? command + ' ' : ''}--help' for usage.\n` : ''}`,
      );
      return EXIT_USAGE;
    }
    throw e;
  }
}
