import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../test/helpers/run-cli.js';

// The suite checks that the benchmark runs and reports every row; how fast things are is for
// `npm run bench` and BENCHMARKS.md, never a test's pass or fail on a shared machine.
describe('npm run bench', () => {
  it('runs (quick mode) and prints the whole table', () => {
    const r = spawnSync(process.execPath, ['dist/bench/run.js', '--quick'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const rows = r.stdout.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| measurement') && !l.startsWith('| ---'));
    const names = rows.map((l) => l.split('|')[1]!.trim());
    for (const expected of [
      'disabled tracepoint, added to a loop',
      'masked-off event (enabled, not in mask)',
      'enabled tracepoint, ns clock',
      'enabled tracepoint, sequence clock',
      'naive record write (DataView + BigInt)',
      'diagnostics_channel publish, 1 subscriber',
      'pino to /dev/null',
      '1 worker tracing',
      '2 workers tracing at once',
      'startCapture at 1M events/s for 1 s (drains every 3 ms)',
      'generated decoder (forEachRecord), number fields',
      'tracegen decode --format chrome -o FILE, 8 MB capture',
      'tracegen export --format perfetto, 8 MB capture',
      'tracegen generate, 256-event schema (process)',
      'tracegen validate, default schema (process)',
    ]) {
      expect(names).toContain(expected);
    }
    for (const row of rows) expect(row.split('|')[2]!.trim()).toMatch(/^-?[\d.]+( (ns|M\/s|k\/s|ms)|% CPU)$|^\d+$/);
  });
});
