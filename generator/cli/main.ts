import { CliError, EXIT_USAGE, UsageError, type CliIo } from './io.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../package-root.js';
import { COMMANDS, commandHelp, usage } from './commands.js';

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
        return await (await import('./validate-command.js')).validateCommand(rest, io);
      case 'generate':
        return await (await import('./generate-command.js')).generateCommand(rest, io);
      case 'decode':
        return await (await import('./decode-command.js')).decodeCommand(rest, io);
      case 'stats':
        return await (await import('./stats-command.js')).statsCommand(rest, io);
      case 'report':
        return await (await import('./report-command.js')).reportCommand(rest, io);
      case 'export':
        return await (await import('./export-command.js')).exportCommand(rest, io);
      case 'query':
        return await (await import('./query-command.js')).queryCommand(rest, io);
      case 'diff':
        return await (await import('./diff-command.js')).diffCommand(rest, io);
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
