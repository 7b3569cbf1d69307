/**
 * A steady tracing load for the capture's row of `npm run bench`: `RATE` events a second for
 * `SECONDS`, traced every millisecond, with or without `startCapture` draining into `PATH` ('-' for
 * none). Prints what it used: CPU ms (user + system), wall ms, events, and the capture's stats.
 * Usage: node dist/bench/capture-load.js PATH SECONDS RATE INTERVAL_MS
 */
import { enable, startCapture, traceSchedSwitchIn } from '../generated/veridian/index.js';

const [path = '-', seconds = '10', rate = '1000000', intervalMs = '3'] = process.argv.slice(2);
enable();
const capture = path === '-' ? undefined : startCapture(path, { intervalMs: Number(intervalMs) });
const cpu0 = process.cpuUsage();
const t0 = performance.now();
let events = 0;
await new Promise<void>((done) => {
  const timer = setInterval(() => {
    // as many events as the time since the start asks for: a steady rate whatever the timer's jitter
    const due = Math.min(((performance.now() - t0) / 1000) * Number(rate), Number(rate) * Number(seconds));
    for (; events < due; events++) traceSchedSwitchIn(events, 1);
    if (performance.now() - t0 >= Number(seconds) * 1000) {
      clearInterval(timer);
      done();
    }
  }, 1);
});
capture?.stop();
const cpu = process.cpuUsage(cpu0);
const stats = capture?.stats();
console.log(
  JSON.stringify({
    cpuMs: (cpu.user + cpu.system) / 1000,
    wallMs: performance.now() - t0,
    events,
    recorded: stats?.rings[0]?.recorded ?? 0,
    overwritten: stats?.rings[0]?.overwritten ?? 0,
    bytes: stats?.bytes ?? 0,
  }),
);
