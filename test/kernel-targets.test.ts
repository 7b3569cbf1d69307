import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as packed from './golden/packed/expected/index.js';
import { ROOT, runCli } from './helpers/run-cli.js';

afterAll(() => {
  // the cargo build cache (cargo-target) is kept: it is what makes reruns fast
  for (const entry of readdirSync(TMP)) if (entry !== 'cargo-target') rmSync(join(TMP, entry), { recursive: true, force: true });
});

const TMP = join(ROOT, 'test/tmp/kernel');
const SCHEMAS = {
  veridian: 'schema/veridian.yaml',
  packed: 'test/golden/packed/schema.yaml',
  hostile: 'test/schemas/hostile.yaml',
  locals: 'test/schemas/locals.yaml',
};
/** Calls of the `locals` schema, whose fields are named like the helpers' locals, and the words they must record. */
const LOCALS = {
  rust: ['trace_ev_a(0xab, 0xcd, 0x12, 0x34)'],
  c: ['locals_trace_ev_a(0xab, 0xcd, 0x12, 0x34)'],
  expected: [[0, 0xcdabn, 0x3412n]] as [number, bigint, bigint][],
};

function run(cmd: string, args: string[], cwd: string) {
  const r = spawnSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, CARGO_TARGET_DIR: join(TMP, 'cargo-target'), CARGO_TERM_COLOR: 'never' },
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}`, stdout: r.stdout };
}

/** Raw words of the last N records of the packed module's ring 0. */
function lastWords(n: number): [number, bigint, bigint][] {
  const file = packed.snapshot();
  const view = new DataView(file.buffer, file.byteOffset);
  const out: [number, bigint, bigint][] = [];
  for (let i = n; i > 0; i--) {
    const at = file.length - i * 32;
    out.push([view.getUint8(at + 8), view.getBigUint64(at + 16, true), view.getBigUint64(at + 24, true)]);
  }
  return out;
}

const CALLS = {
  rust: [
    'trace_packed(IrqKind::Ipi, true, -1234, 0xab, perms::READ | perms::STICKY, -128, 0xff_1234_5678, -2048)',
    'trace_empty()',
    'trace_wide(u64::MAX, i64::MIN)',
    'trace_mixed((1 << 60) - 1, 0xf, (1 << 53) - 1)',
    'trace_signed_whole(-2, wide_set::HIGH | wide_set::LOW)',
    'trace_last(0xffff_ffff)',
  ],
  c: [
    'packed_trace_packed(PACKED_IRQ_KIND_IPI, true, -1234, 0xab, (uint32_t)(PACKED_PERMS_READ | PACKED_PERMS_STICKY), -128, 0xff12345678ULL, -2048)',
    'packed_trace_empty()',
    'packed_trace_wide(UINT64_MAX, INT64_MIN)',
    'packed_trace_mixed((1ULL << 60) - 1, 0xf, (1ULL << 53) - 1)',
    'packed_trace_signed_whole(-2, PACKED_WIDE_SET_HIGH | PACKED_WIDE_SET_LOW)',
    'packed_trace_last(0xffffffffu)',
  ],
};

let packedWords: [number, bigint, bigint][];

beforeAll(async () => {
  rmSync(join(TMP, 'gen'), { recursive: true, force: true });
  for (const [name, schema] of Object.entries(SCHEMAS)) {
    const r = await runCli(['generate', schema, '--target', 'rust', '--target', 'c', '--target', 'md', '--out', join(TMP, 'gen', name)]);
    expect(r.code).toBe(0);
  }
  packed.enable();
  packed.tracePacked(packed.IrqKind.Ipi, true, -1234, 0xab, packed.Perms.Read | packed.Perms.Sticky, -128, 0xff_1234_5678, -2048);
  packed.traceEmpty();
  packed.traceWide(0xffff_ffff_ffff_ffffn, -(2n ** 63n));
  packed.traceMixed(2n ** 60n - 1n, 0xf, 2 ** 53 - 1);
  packed.traceSignedWhole(-2, packed.WideSet.High | packed.WideSet.Low);
  packed.traceLast(0xffffffff);
  packedWords = lastWords(6);
});

describe('--target rust', () => {
  it.each(Object.keys(SCHEMAS))('%s: compiles in a no_std crate, clean under clippy -D warnings and rustfmt --check', (name) => {
    const crate = join(TMP, `crate-${name}`);
    rmSync(crate, { recursive: true, force: true });
    mkdirSync(join(crate, 'src'), { recursive: true });
    writeFileSync(
      join(crate, 'Cargo.toml'),
      `[package]\nname = "tracegen_${name}"\nversion = "0.0.0"\nedition = "2021"\n\n[lib]\npath = "src/lib.rs"\n`,
    );
    const calls = name === 'packed' ? CALLS.rust : name === 'locals' ? LOCALS.rust : [];
    const expected = name === 'locals' ? LOCALS.expected : packedWords;
    writeFileSync(
      join(crate, 'src/lib.rs'),
      `#![cfg_attr(not(test), no_std)]
#![forbid(unsafe_code)]

pub mod trace {
    use core::sync::atomic::{AtomicU64, Ordering};

    pub static LAST: [AtomicU64; 3] = [AtomicU64::new(0), AtomicU64::new(0), AtomicU64::new(0)];

    // stand-in for the kernel's trace function
    fn trace_event(t: TraceEventType, data0: u64, data1: u64) {
        LAST[0].store(t as u64, Ordering::Relaxed);
        LAST[1].store(data0, Ordering::Relaxed);
        LAST[2].store(data1, Ordering::Relaxed);
    }

    include!("../../gen/${name}/trace_events.rs");

    pub fn name_of(t: u8) -> &'static str {
        event_type_name(t)
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        fn last() -> (u64, u64, u64) {
            (LAST[0].load(Ordering::Relaxed), LAST[1].load(Ordering::Relaxed), LAST[2].load(Ordering::Relaxed))
        }

        #[test]
        fn packs_like_typescript() {
            assert_eq!(last(), (0, 0, 0));
${calls.map((c, i) => `            ${c};\n            assert_eq!(last(), (${expected[i]![0]}, 0x${expected[i]![1].toString(16)}, 0x${expected[i]![2].toString(16)}));`).join('\n')}
            assert_eq!(name_of(255), "${name === 'packed' ? 'last' : 'unknown'}");
        }
    }
}
`,
    );
    const clippy = run('cargo', ['clippy', '--offline', '--quiet', '--all-targets', '--', '-D', 'warnings'], crate);
    expect(clippy.out).toBe('');
    expect(clippy.code).toBe(0);
    const fmt = run('rustfmt', ['--check', '--edition', '2021', join(TMP, 'gen', name, 'trace_events.rs')], crate);
    expect(fmt.out).toBe('');
    expect(fmt.code).toBe(0);
    const test = run('cargo', ['test', '--offline', '--quiet'], crate);
    expect(test.code, test.out).toBe(0);
  });

  it('--rust-visibility pub: every generated item is reachable from outside the including module', async () => {
    const out = join(TMP, 'gen-pub');
    const r = await runCli(['generate', SCHEMAS.packed, '--target', 'rust', '--rust-visibility', 'pub', '--out', out]);
    expect(r.code).toBe(0);
    const lib = join(TMP, 'pub-lib.rs');
    writeFileSync(
      lib,
      `#![no_std]
mod trace {
    fn trace_event(_t: TraceEventType, _data0: u64, _data1: u64) {}
    include!("gen-pub/trace_events.rs");
}

pub fn outside() -> &'static str {
    let _ = trace::TraceEventType::Packed;
    let _ = trace::IrqKind::Ipi;
    let _ = trace::perms::READ;
    trace::trace_last(1);
    trace::event_type_name(255)
}
`,
    );
    const rustc = run('rustc', ['--edition', '2021', '--crate-type', 'lib', '--emit', 'metadata', '-o', join(TMP, 'pub.rmeta'), lib], TMP);
    expect(rustc.out).toBe('');
    expect(rustc.code).toBe(0);
  });

  it("keeps the seed's enum, variant names and name table", () => {
    const rs = readFileSync(join(TMP, 'gen/veridian/trace_events.rs'), 'utf8');
    expect(rs).toContain('#[repr(u8)]\n#[derive(Debug, Clone, Copy, PartialEq, Eq)]\npub(crate) enum TraceEventType {');
    expect(rs).toContain('    IpcFastReceive = 5,');
    expect(rs).toContain('        5 => "ipc_fast_recv",');
    expect(rs).toContain('        _ => "unknown",');
    expect(rs).toContain("pub(crate) fn event_type_name(t: u8) -> &'static str {");
    expect(rs).not.toMatch(/\bunsafe\s*(\{|fn|impl)/);
  });
});

describe('--target c', () => {
  it.each(Object.keys(SCHEMAS))('%s: compiles as C11 and C++17 with -Wall -Wextra -Werror -pedantic', (name) => {
    const dir = join(TMP, 'gen', name);
    const prefix = name;
    const calls = name === 'packed' ? CALLS.c : name === 'locals' ? LOCALS.c : [];
    const expected = name === 'locals' ? LOCALS.expected : packedWords;
    const main = `#include <stdio.h>
#include <stdint.h>
static unsigned long long got[3];
#define ${prefix.toUpperCase()}_TRACE_EMIT(t, a, b) (got[0] = (t), got[1] = (a), got[2] = (b))
#include "trace_events.h"
int main(void) {
${calls.map((c) => `    ${c};\n    printf("%llu %llx %llx\\n", got[0], got[1], got[2]);`).join('\n')}
    printf("%s\\n", ${prefix}_event_type_name(255));
    return 0;
}
`;
    writeFileSync(join(dir, 'main.c'), main);
    writeFileSync(join(dir, 'main.cpp'), main);
    const flags = ['-Wall', '-Wextra', '-Werror', '-pedantic'];
    const c = run('cc', ['-std=c11', ...flags, 'main.c', '-o', 'main-c'], dir);
    expect(c.out).toBe('');
    const cpp = run('g++', ['-std=c++17', ...flags, 'main.cpp', '-o', 'main-cpp'], dir);
    expect(cpp.out).toBe('');
    const want =
      [
        ...expected.slice(0, calls.length).map(([t, a, b]) => `${t} ${a.toString(16)} ${b.toString(16)}`),
        name === 'packed' ? 'last' : 'unknown',
      ].join('\n') + '\n';
    expect(run('./main-c', [], dir).stdout).toBe(want);
    expect(run('./main-cpp', [], dir).stdout).toBe(want);
  });
});

describe('--target md', () => {
  it('documents every event, field, flag and span', () => {
    const md = readFileSync(join(TMP, 'gen/veridian/EVENTS.md'), 'utf8');
    expect(md).toContain('| 5 | [`ipc_fast_recv`](#ipc_fast_recv) | `IpcFastReceive` | `endpoint` | `cap` | IPC fast path receive |');
    expect(md).toContain(
      '| `error_code` | data1 | 0-63 | flags [`page_fault_error`](#page_fault_error) | dec |  | x86 page-fault error code. |',
    );
    expect(md).toContain('| 1 | `0x2` | `write` |');
    expect(md).toContain('- **syscall**: from `syscall_entry` to `syscall_exit` on one CPU, matched by `syscall_nr`.');
    const hostile = readFileSync(join(TMP, 'gen/hostile/EVENTS.md'), 'utf8');
    expect(hostile).not.toContain('</script>');
    expect(hostile).not.toMatch(/^#define/m);
  });
});
