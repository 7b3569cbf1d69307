#!/usr/bin/env node
import { cli } from './main.js';
import { OutputClosedError, processIo } from './io.js';

try {
  process.exitCode = await cli(process.argv.slice(2), processIo());
} catch (e) {
  // the reader of our output stopped reading (`| head`): not an error of ours
  if (e instanceof OutputClosedError) process.exit(0);
  // A bug, not bad input: still one line, never a stack trace (TRACEGEN_DEBUG=1 shows it).
  process.stderr.write(`tracegen: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
  if (process.env['TRACEGEN_DEBUG']) process.stderr.write(`${e instanceof Error ? e.stack : ''}\n`);
  process.exitCode = 70;
}
