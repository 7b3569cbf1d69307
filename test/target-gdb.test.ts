/**
 * `--target gdb`: the kernel developer's view of the rings from the debugger. A small program
 * built here from the generated C header fills the rings the kernel's way (a static
 * `TRACE_RINGS`, CPUs 16 and above clamped into the last ring, rings written past their size,
 * an id the schema lacks) and stops at a breakpoint; under `gdb -batch` the generated command
 * must print what `tracegen decode --format dump` prints of the same rings, read live and from a
 * core file, and the save command must write the image tracegen decodes.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBin, runCli } from './helpers/run-cli.js';

const has = (tool: string) => spawnSync(tool, ['--version'], { encoding: 'utf8' }).status === 0;
const GDB = has('gdb');
const CC = has('cc');
if (!GDB || !CC) console.warn(`target-gdb.test.ts: skipped: ${GDB ? '' : 'gdb '}${CC ? '' : 'cc '}not installed (.ci/run installs them)`);

const DIR = mkdtempSync(join(tmpdir(), 'tracegen-gdb-'));
afterAll(() => rmSync(DIR, { recursive: true, force: true }));
const PROGRAM = join(DIR, 'kernel');

const MAIN_C = `#include <stdint.h>
#include <string.h>
#include "trace_events.h"

/* the kernel's rings: records, then a u64 count of every event ever written */
struct ring {
    struct veridian_trace_record events[VERIDIAN_RING_SIZE];
    uint64_t write_idx;
};
struct ring TRACE_RINGS[VERIDIAN_RING_COUNT];

static unsigned current_cpu;
static uint64_t now = 1000;

void veridian_trace_event(uint8_t type, uint64_t data0, uint64_t data1) {
    struct ring *r = &TRACE_RINGS[current_cpu < VERIDIAN_RING_COUNT ? current_cpu : VERIDIAN_RING_COUNT - 1];
    struct veridian_trace_record *e = &r->events[r->write_idx % VERIDIAN_RING_SIZE];
    now += 7;
    e->timestamp = now;
    e->event_type = type;
    e->cpu = (uint8_t)current_cpu;
    memset(e->pad, 0, sizeof e->pad);
    e->data[0] = data0;
    e->data[1] = data1;
    r->write_idx++;
}

void stop_here(void) {}

int main(void) {
    for (unsigned i = 0; i < 12000; i++) {
        current_cpu = i % 7 == 6 ? 17 : i < 9000 ? i % 3 : 4;
        switch (i % 6) {
        case 0: veridian_trace_syscall_entry(i, (uint64_t)i << 20); break;
        case 1: veridian_trace_syscall_exit(i, -(int64_t)(i % 40)); break;
        case 2: veridian_trace_sched_switch_in(i / 3, i); break;
        case 3: veridian_trace_page_fault(0xdead0000u + i, (uint8_t)(i % 32)); break;
        case 4: veridian_trace_frame_alloc(0x1000u + i, i % 4); break;
        default: veridian_trace_ipc_fast_recv(i * 1000003ull, i % 9); break;
        }
    }
    current_cpu = 2;
    veridian_trace_event(200, 1, 2);            /* an id the schema lacks */
    veridian_trace_event(2, 1ull << 40, 7);     /* a pid wider than its u32 */
    stop_here();
    return 0;
}
`;

beforeAll(async () => {
  if (!GDB || !CC) return;
  const r = await runCli(['generate', 'schema/veridian.yaml', '--target', 'gdb', '--target', 'c', '--out', DIR]);
  expect(r.code, r.stderr).toBe(0);
  writeFileSync(join(DIR, 'main.c'), MAIN_C);
  const cc = spawnSync('cc', ['-g', '-O0', '-o', PROGRAM, join(DIR, 'main.c')], { cwd: DIR, encoding: 'utf8' });
  expect(cc.status, cc.stderr).toBe(0);
});

/** Runs gdb in batch mode on the program (or a core file): each command's output, and what gdb said on stderr. */
function gdbRun(commands: string[], core?: string): { outputs: string[]; stderr: string } {
  const args = ['-batch', '-nx', '-ex', `source ${join(DIR, 'trace_events_gdb.py')}`];
  if (!core) args.push('-ex', 'break stop_here', '-ex', 'run');
  for (const c of commands) args.push('-ex', 'echo <<<\\n', '-ex', c, '-ex', 'echo >>>\\n');
  const r = spawnSync('gdb', [...args, PROGRAM, ...(core ? [core] : [])], { cwd: DIR, encoding: 'utf8', maxBuffer: 1 << 28 });
  expect(r.status, r.stderr).toBe(0);
  return { outputs: [...r.stdout.matchAll(/<<<\n([\s\S]*?)>>>\n/g)].map((m) => m[1]!), stderr: r.stderr };
}

/** Each command's output, where every command is to succeed. */
const gdb = (commands: string[], core?: string): string[] => gdbRun(commands, core).outputs;

describe.skipIf(!GDB || !CC)('the gdb commands', () => {
  let live: string[];
  beforeAll(() => {
    live = gdb([
      'veridian-trace 50',
      `veridian-trace-save ${join(DIR, 'rings.bin')}`,
      'veridian-trace 5 --cpu 17 --cpu 4',
      'veridian-trace',
      'veridian-trace --table --event sched_switch_out',
      `generate-core-file ${join(DIR, 'core')}`,
    ]);
  });

  it('save writes the rings as an image of the schema layout', () => {
    expect(live[1]).toBe(`wrote ${join(DIR, 'rings.bin')}: 2097280 bytes, 16 rings of 4096 records\n`);
    expect(readFileSync(join(DIR, 'rings.bin')).length).toBe(2097280);
  });

  it.each([
    [0, ['--format', 'dump', '--last', '50']],
    [2, ['--format', 'dump', '--last', '5', '--cpu', '17', '--cpu', '4']],
    [3, ['--format', 'dump']],
    [4, ['--event', 'sched_switch_out']],
  ] as const)('command %i prints what tracegen decode %j prints of the saved rings', (index, options) => {
    const cli = runBin(['decode', join(DIR, 'rings.bin'), ...options]);
    expect(cli.code, cli.stderr).toBe(0);
    expect(live[index]).toBe(cli.stdout);
  });

  it('the rings hold what the program traced: clamped CPUs, wrapped rings, the unknown id, a misfit', () => {
    const dump = live[3]!;
    expect(dump.split('\n')[0]).toBe('=== Trace Dump (most recent 4096 per CPU) ===');
    expect(dump).toContain('=== Total events recorded: 12002 ===');
    expect(dump).toMatch(/^ +\d+ +17 +sched_switch_in 0x/m);
    expect(dump).toMatch(/^ +\d+ +2 +unknown 0x00000000000001 0x00000000000002$/m);
    expect(live[4]).toMatch(/ sched_switch_out +pid=0x10000000000 \(!does not fit u32: 0x10000000000\) tid=7\n$/);
  });

  it('reads a core file as it reads the live program', () => {
    expect(existsSync(join(DIR, 'core'))).toBe(true);
    const [fromCore] = gdb(['veridian-trace 50'], join(DIR, 'core'));
    expect(fromCore).toBe(live[0]);
  });

  it('says in one line what it cannot do', () => {
    const out = gdbRun(['veridian-trace --symbol no_such_rings', 'veridian-trace --symbol now', 'veridian-trace-save']);
    expect(out.stderr).toContain('veridian-trace: no symbol no_such_rings in the program: give --symbol with the rings');
    expect(out.stderr).toContain("veridian-trace: now is 8 bytes, but the schema's rings are 2097280 (16 rings x (4096 x 32 + 8)): ");
    expect(out.stderr).toContain('veridian-trace-save: which FILE? (usage: veridian-trace-save FILE)');
    expect(out.stderr).not.toMatch(/Traceback/);
  });
});
