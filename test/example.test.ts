import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from './helpers/run-cli.js';

afterAll(() => rmSync('test/tmp/pool.trace', { force: true }));

describe('examples/worker-pool', () => {
  it('writes a capture that decodes to every task, each switched in and out once', async () => {
    mkdirSync('test/tmp', { recursive: true });
    const trace = 'test/tmp/pool.trace';
    const r = spawnSync(process.execPath, ['dist/examples/worker-pool/main.js', trace, '2', '300'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^test\/tmp\/pool\.trace: 602 events from 2 workers \(\d+ \+ \d+ tasks\), 0 dropped\n$/);
    const decoded = await runCli(['decode', trace, '--format', 'jsonl']);
    expect(decoded.code).toBe(0);
    const records = decoded.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { event: string; cpu: number; args: { pid?: number; tid?: number } });
    const ins = records
      .filter((x) => x.event === 'sched_switch_in')
      .map((x) => x.args.pid)
      .sort((a, b) => a! - b!);
    expect(ins).toEqual(Array.from({ length: 300 }, (_, i) => i));
    expect(records.filter((x) => x.event === 'sched_switch_out')).toHaveLength(300);
    // one timeline for all threads: the pool's entry (before the workers start) comes first and
    // its exit (after they finish) last, though workers count time from their own origins
    expect(records[0]!.event).toBe('syscall_entry');
    expect(records.at(-1)!.event).toBe('syscall_exit');
    // each worker wrote its own ring, and says so in its records
    for (const x of records) if (x.event.startsWith('sched_')) expect(x.args.tid).toBe(x.cpu);
    // (under load one worker may run every task before the other starts: rings 1 and 2 at most)
    for (const x of records) expect(x.event.startsWith('sched_') ? [1, 2] : [0]).toContain(x.cpu);
  });
});
