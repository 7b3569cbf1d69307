// Runs the CLI as the binary does, then reports the process's peak memory (KiB) on the last
// line of stderr, so tests can bound what an input costs.
import { cli } from '../../dist/generator/cli/main.js';
import { processIo } from '../../dist/generator/cli/io.js';

let code;
try {
  code = await cli(process.argv.slice(2), processIo());
} catch (e) {
  process.stderr.write(`tracegen: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
  code = 70;
}
process.stderr.write(`@@maxrss ${process.resourceUsage().maxRSS}\n`);
process.exitCode = code;
