import { CliError, EXIT_USAGE, UsageError, type CliIo } from './io.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../package-root.js';
import { COMMANDS, commandHelp, usage, type CommandName } from './commands.js';

/** A command as the command line runs it: the arguments after its name, the CLI's streams; the exit code. */
type CommandRun = (argv: readonly string[], io: CliIo) => Promise<number>;

/**
 * How each command of COMMANDS (commands.ts, their options and help) runs, loaded when it runs so
 * that `decode` never loads `generate`'s ts-morph. Keyed by those names: a command without a
 * runner, or a runner without a command, does not compile.
 */
const RUN: Record<CommandName, () => Promise<CommandRun>> = {
  validate: async () => (await import('./validate-command.js')).validateCommand,
  generate: async () => (await import('./generate-command.js')).generateCommand,
  decode: async () => (await import('./decode-command.js')).decodeCommand,
  stats: async () => (await import('./stats-command.js')).statsCommand,
  report: async () => (await import('./report-command.js')).reportCommand,
  export: async () => (await import('./export-command.js')).exportCommand,
  query: async () => (await import('./query-command.js')).queryCommand,
  diff: async () => (await import('./diff-command.js')).diffCommand,
};

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
    const run = command !== undefined && Object.hasOwn(RUN, command) ? RUN[command as keyof typeof RUN] : undefined;
    if (run) return await (await run())(rest, io);
    switch (command) {
      case '--version':
      case '-v':
        io.stdout.write(`${version()}\n`);
        return 0;
      case 'help': {
        // `tracegen help decode` is `tracegen decode --help`
        const about = COMMANDS.find((c) => c.name === rest[0]);
        if (rest.length && !about)
          throw new UsageError(`no command '${rest[0]}' (the commands: ${COMMANDS.map((c) => c.name).join(', ')})`);
        io.stdout.write(about ? commandHelp(about) : usage());
        return 0;
      }
      case undefined:
      case '-h':
      case '--help':
        (command === undefined ? io.stderr : io.stdout).write(usage());
        return command === undefined ? EXIT_USAGE : 0;
      default:
        throw new UsageError(`unknown command '${command}'`);
    }
  } catch (e) {
    // the one place errors become messages and exit codes
    if (e instanceof CliError) {
      const known = COMMANDS.some((c) => c.name === command);
      const hint =
        e instanceof UsageError && command && command !== 'help' ? `Run 'tracegen ${known ? command + ' ' : ''}--help' for usage.\n` : '';
      io.stderr.write(`tracegen: ${e.message}\n${hint}`);
      return e.exitCode;
    }
    if (e instanceof Error && e.name === 'UnreadableFileError') {
      io.stderr.write(`tracegen: cannot read ${e.message}\n`);
      return EXIT_USAGE;
    }
    throw e;
  }
}

/** The version of this tracegen, from its package.json. */
function version(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}
