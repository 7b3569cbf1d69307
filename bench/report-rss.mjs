// Preloaded into a measured process (`node --import`): reports its peak resident memory on exit.
// Linux's VmHWM is this process's own high-water mark; getrusage's maxRSS is not, since a child
// starts with the figure of the process that forked it (the bench itself, hundreds of MB).
import { readFileSync, writeSync } from 'node:fs';

function peakKb() {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'latin1'));
    if (m) return Number(m[1]);
  } catch {}
  return process.resourceUsage().maxRSS;
}

process.on('exit', () => writeSync(2, `maxrss ${peakKb()}\n`));
