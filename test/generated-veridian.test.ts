import { describe, expect, it } from 'vitest';
import * as v from '../generated/veridian/index.js';
import { readTraceFile } from '@tracegen/runtime';

describe('generated/veridian', () => {
  it("has the seed's enum values, names and unknown", () => {
    expect(v.TraceEventType.SyscallEntry).toBe(0);
    expect(v.TraceEventType.IpcFastReceive).toBe(5);
    expect(v.TraceEventType.IpcSlowPath).toBe(9);
    expect(Array.from({ length: 12 }, (_, id) => v.eventTypeName(id))).toEqual([
      'syscall_entry',
      'syscall_exit',
      'sched_switch_out',
      'sched_switch_in',
      'ipc_fast_send',
      'ipc_fast_recv',
      'frame_alloc',
      'frame_free',
      'page_fault',
      'ipc_slow_path',
      'unknown',
      'unknown',
    ]);
    expect(v.eventTypeName(255)).toBe('unknown');
    expect(v.eventTypeName(-1)).toBe('unknown');
    expect(v.EVENT_NAMES[5]).toBe('ipc_fast_recv');
    expect(v.RING_SIZE).toBe(4096);
    expect(v.RING_COUNT).toBe(16);
    expect(v.SCHEMA_HASH).toMatch(/^[0-9a-f]{64}$/);
  });

  it('traces every event, snapshots, and decodes the same values', () => {
    expect(v.isEnabled()).toBe(false);
    v.traceSyscallEntry(1, 2n); // disabled: nothing recorded
    expect(v.totalEvents()).toBe(0);
    v.enable();
    v.traceSyscallEntry(0xffffffff, 0xffff_ffff_ffff_ffffn);
    v.traceSyscallExit(60, -14n);
    v.traceSchedSwitchOut(100, 101);
    v.traceSchedSwitchIn(200, 201);
    v.traceIpcFastSend(7n, 0xcafen);
    v.traceIpcFastRecv(8n, 0xbeefn);
    v.traceFrameAlloc(0x1234_5678_9an, 3);
    v.traceFrameFree(0x42n, 15);
    v.tracePageFault(0xdead_b000n, v.PageFaultError.Write | v.PageFaultError.User);
    v.traceIpcSlowPath(9n, 10n);
    expect(v.totalEvents()).toBe(10);

    const records = [...v.decodeTrace(v.snapshot())];
    const plain = records.map(({ ts, ...rest }) => {
      expect(typeof ts).toBe('bigint');
      return rest;
    });
    expect(plain).toEqual([
      { event: 'syscall_entry', id: 0, cpu: 0, syscallNr: 0xffffffff, arg1: 0xffff_ffff_ffff_ffffn },
      { event: 'syscall_exit', id: 1, cpu: 0, syscallNr: 60, ret: -14n },
      { event: 'sched_switch_out', id: 2, cpu: 0, pid: 100, tid: 101 },
      { event: 'sched_switch_in', id: 3, cpu: 0, pid: 200, tid: 201 },
      { event: 'ipc_fast_send', id: 4, cpu: 0, target: 7n, cap: 0xcafen },
      { event: 'ipc_fast_recv', id: 5, cpu: 0, endpoint: 8n, cap: 0xbeefn },
      { event: 'frame_alloc', id: 6, cpu: 0, frame: 0x1234_5678_9an, allocCpu: 3 },
      { event: 'frame_free', id: 7, cpu: 0, frame: 0x42n, allocCpu: 15 },
      { event: 'page_fault', id: 8, cpu: 0, addr: 0xdead_b000n, errorCode: 6 },
      { event: 'ipc_slow_path', id: 9, cpu: 0, target: 9n, cap: 10n },
    ]);
    for (let i = 1; i < records.length; i++) expect(records[i]!.ts >= records[i - 1]!.ts).toBe(true);
    expect(records.map(v.formatRecord)).toEqual([
      'syscall_entry syscall_nr=4294967295 arg1=0xffffffffffffffff',
      'syscall_exit syscall_nr=60 ret=-14',
      'sched_switch_out pid=100 tid=101',
      'sched_switch_in pid=200 tid=201',
      'ipc_fast_send target=7 cap=0xcafe',
      'ipc_fast_recv endpoint=8 cap=0xbeef',
      'frame_alloc frame=0x123456789a alloc_cpu=3',
      'frame_free frame=0x42 alloc_cpu=15',
      'page_fault addr=0xdeadb000 error_code=write|user',
      'ipc_slow_path target=9 cap=0xa',
    ]);
    // the kernel stores isize as u64: -14 is sign-extended in the image
    const { chunks } = readTraceFile(v.snapshot());
    const view = new DataView(chunks[0]!.records.buffer, chunks[0]!.records.byteOffset);
    expect(view.getBigUint64(32 + 24, true)).toBe(0xffff_ffff_ffff_fff2n);
  });

  it('the event mask skips masked-off events, by name or id', () => {
    v.enable();
    const before = v.totalEvents();
    v.setEventMask(['sched_switch_in', v.TraceEventType.PageFault]);
    v.traceSchedSwitchOut(1, 1);
    v.traceSchedSwitchIn(2, 2);
    v.tracePageFault(0n, 0);
    expect(v.totalEvents() - before).toBe(2);
    v.disableEvent('sched_switch_in');
    expect(v.isEventEnabled('sched_switch_in')).toBe(false);
    v.traceSchedSwitchIn(3, 3);
    expect(v.totalEvents() - before).toBe(2);
    expect(() => v.enableEvent('no_such_event' as never)).toThrow("unknown event 'no_such_event'");
    v.setEventMask(Object.values(v.TraceEventType));
    v.disable();
    v.traceSchedSwitchIn(4, 4);
    expect(v.totalEvents() - before).toBe(2);
  });

  it('reports values that do not fit their field, keeping the raw words', () => {
    const bytes = new Uint8Array(32);
    const view = new DataView(bytes.buffer);
    view.setBigUint64(0, 5n, true);
    view.setUint8(8, 2); // sched_switch_out
    view.setBigUint64(16, 0x1_0000_0001n, true); // a PID above 32 bits
    view.setBigUint64(24, 7n, true);
    const r = v.decodeRecord(bytes, 0);
    expect(r.event).toBe('sched_switch_out');
    if (r.event !== 'sched_switch_out') return;
    // a stored misfit's value is its raw bits (runtime/field-codec.ts)
    expect(r.pid).toBe(0x1_0000_0001);
    expect(r.tid).toBe(7);
    expect(r.issues).toEqual([{ field: 'pid', message: 'does not fit u32: 0x100000001' }]);
    expect(r.raw).toEqual({ data0: 0x1_0000_0001n, data1: 7n });
    expect(v.formatRecord(r)).toBe('sched_switch_out pid=4294967297 tid=7 !pid: does not fit u32: 0x100000001');
    view.setUint8(8, 77);
    expect(v.decodeRecord(bytes, 0)).toEqual({ event: 'unknown', id: 77, ts: 5n, cpu: 0, raw: { data0: 0x1_0000_0001n, data1: 7n } });
  });

  it('arguments that do not fit their fields are recorded so that every decoder flags them', () => {
    v.enable();
    v.traceSchedSwitchOut(-1, 2 ** 33);
    v.traceSchedSwitchOut(1.5, 7);
    v.traceSchedSwitchOut(4, 5); // fits: the record is the kernel's, byte for byte
    const records = [...v.decodeTrace(v.snapshot())].filter((r) => r.event === 'sched_switch_out').slice(-3);
    const misfit = (field: string) => ({ field, message: 'argument did not fit u32 when traced (only its low bits were recorded)' });
    expect(records.map((r) => r.issues)).toEqual([[misfit('pid'), misfit('tid')], [misfit('pid')], undefined]);
    // the recorded bits are the arguments' low 32 bits, as before; only the flag word tells
    expect(records.map((r) => r.event === 'sched_switch_out' && [r.pid, r.tid])).toEqual([
      [4294967295, 0],
      [1, 7],
      [4, 5],
    ]);
    const ring0 = readTraceFile(v.snapshot()).chunks.find((c) => c.ring === 0)!.records;
    const bytesOf = (back: number) => Array.from(ring0.subarray(ring0.length - 32 * back + 10, ring0.length - 32 * back + 16));
    expect([bytesOf(3), bytesOf(2), bytesOf(1)]).toEqual([
      [0, 0, 3, 0, 0, 0],
      [0, 0, 1, 0, 0, 0],
      [0, 0, 0, 0, 0, 0],
    ]);
  });

  it('forEachRecord visits the same records as decodeTrace', () => {
    v.enable();
    v.traceFrameFree(0x42n, 7);
    const file = v.snapshot();
    const visited: v.TraceRecord[] = [];
    const header = v.forEachRecord(file, (r) => visited.push(r));
    expect(visited).toEqual([...v.decodeTrace(file)]);
    expect(visited.at(-1)).toMatchObject({ event: 'frame_free', frame: 0x42n, allocCpu: 7 });
    expect(header.schemaHash).toBe(v.SCHEMA_HASH);
  });

  it('refuses a trace of another schema unless asked', () => {
    const file = v.snapshot();
    file[48] = file[48]! ^ 0xff; // first byte of the schema hash
    expect(() => [...v.decodeTrace(file)]).toThrow(v.TraceFileError);
    expect(() => [...v.decodeTrace(file)]).toThrow(/trace written with schema/);
    expect([...v.decodeTrace(file, { allowSchemaMismatch: true })].length).toBeGreaterThan(0);
  });
});
