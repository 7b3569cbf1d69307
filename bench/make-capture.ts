/**
 * Makes a capture file of a given size the way an application would: trace, and append
 * `drain()` to the file in a loop. Usage: node dist/bench/make-capture.js FILE MEGABYTES
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { drain, enable, traceFrameAlloc, traceSchedSwitchIn, traceSyscallEntry, traceSyscallExit } from '../generated/veridian/index.js';

export function makeCapture(path: string, megabytes: number): { events: number; bytes: number } {
  const target = megabytes * 1024 * 1024;
  const fd = openSync(path, 'w');
  enable();
  let bytes = 0;
  let events = 0;
  try {
    for (;;) {
      const part = drain();
      writeSync(fd, part);
      bytes += part.length;
      if (bytes >= target) break;
      // 4000 events fill most of the 4096-slot ring between drains, so nothing is overwritten
      for (let i = 0; i < 1000; i++) {
        const n = events + i * 4;
        traceSyscallEntry(n & 0x1ff, BigInt(n));
        traceSchedSwitchIn(n & 0xffff, n);
        traceFrameAlloc(0x1000n + BigInt(n), 0);
        traceSyscallExit(n & 0x1ff, -1n);
      }
      events += 4000;
    }
  } finally {
    closeSync(fd);
  }
  return { events, bytes };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [path, mb] = process.argv.slice(2);
  if (!path || !mb) {
    console.error('usage: make-capture FILE MEGABYTES');
    process.exit(2);
  }
  const t0 = performance.now();
  const r = makeCapture(path, Number(mb));
  console.error(`${path}: ${r.events} events, ${r.bytes} bytes in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
