// Compiled by `tsc -p tsconfig.test.json` (part of `npm test`), never run: each
// `@ts-expect-error` below must meet a type error, or the build fails. This is how the
// generated API's misuse is shown to be a type error.
import * as v from '../../generated/veridian/index.js';
import * as packed from '../golden/packed/expected/index.js';

export function misuse(record: v.TraceRecord): void {
  // @ts-expect-error a string is not a syscall number
  v.traceSyscallEntry('1', 0n);
  // @ts-expect-error a 64-bit argument is a bigint, not a number
  v.traceSyscallEntry(1, 0);
  // @ts-expect-error too few arguments
  v.traceSchedSwitchIn(1);
  // @ts-expect-error an enum field takes a value of its enum
  packed.tracePacked(3, true, 0, 0, 0, 0, 0, 0);
  // @ts-expect-error unknown event tag
  if (record.event === 'syscall_enter') return;
  // @ts-expect-error unknown event name for the mask
  v.enableEvent('no_such_event');
  // @ts-expect-error no such variant
  void v.TraceEventType.IpcFastRecv;

  // and the right uses compile, with narrowing on `event`
  v.traceSyscallEntry(1, 0n);
  packed.tracePacked(packed.IrqKind.Disk, true, 0, 0, packed.Perms.Read, 0, 0, 0);
  if (record.event === 'syscall_exit') {
    const ret: bigint = record.ret;
    const nr: number = record.syscallNr;
    void [ret, nr];
    // @ts-expect-error syscall_exit has no pid
    void record.pid;
  }
  const name: v.TraceEventName | 'unknown' = v.eventTypeName(3);
  void name;
}
