/**
 * A tracepoint never throws into the traced program: from JavaScript (no type checker) any
 * value can reach any parameter. Each call still writes its record; a parameter given another
 * JavaScript type is flagged as an argument misfit and stores 0 (docs/runtime.md).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as veridian from '../generated/veridian/index.js';
import { loadSchema } from '../generator/index.js';
import type { FieldModel, SchemaModel } from '../generator/schema/model/model.js';
import * as packed from './golden/packed/expected/index.js';

type Module = typeof packed | typeof veridian;
type Decoded = Record<string, unknown> & { event: string; issues?: { field: string; message: string }[] };

const MODULES: [string, Module, SchemaModel][] = [
  ['packed', packed, loadSchema('test/golden/packed/schema.yaml').model!],
  ['veridian', veridian, loadSchema('schema/veridian.yaml').model!],
];

/** The JavaScript type a parameter of this field expects. */
const expected = (f: FieldModel) => (f.type.kind === 'bool' ? 'boolean' : f.big ? 'bigint' : 'number');

/** Values of every JavaScript kind, the hostile ones included. */
const anyValue = fc.oneof(
  fc.anything(),
  fc.bigInt(),
  fc.double(),
  fc.integer(),
  fc.boolean(),
  fc.constantFrom(undefined, null, Number.NaN, Infinity, -0, Symbol('s'), () => 1, 2n ** 64n, -(2n ** 63n) - 1n),
  fc.constant({
    valueOf() {
      throw new Error('valueOf must not be called');
    },
  }),
);

function lastRecord(mod: Module): Decoded {
  let last: Decoded | undefined;
  for (const r of (mod.decodeTrace as (b: Uint8Array) => Iterable<Decoded>)(mod.snapshot())) if (r.cpu === 0) last = r;
  return last!;
}

describe('a tracepoint given any JavaScript value', () => {
  for (const [name, mod, model] of MODULES) {
    it(`${name}: never throws, always records, flags each wrongly typed argument and stores 0 for it`, () => {
      mod.enable();
      const helpers = mod as unknown as Record<string, (...args: unknown[]) => void>;
      for (const event of model.events) {
        const helper = helpers[`trace${event.names.pascal}`]!;
        fc.assert(
          fc.property(fc.array(anyValue, { minLength: 0, maxLength: event.fields.length + 2 }), (args) => {
            const before = mod.ringStats()[0]!.written;
            expect(() => helper(...args)).not.toThrow();
            expect(mod.ringStats()[0]!.written).toBe(before + 1);
            const r = lastRecord(mod);
            expect(r.event).toBe(event.names.snake);
            event.fields.forEach((f, k) => {
              const arg = args[k];
              const flagged = r.issues?.some((i) => i.field === f.names.snake && i.message.startsWith('argument did not fit')) ?? false;
              if (typeof arg !== expected(f)) {
                expect(flagged, `${event.names.snake}.${f.names.snake} given ${String(typeof arg)}`).toBe(true);
                expect(r[f.names.camel]).toBe(f.type.kind === 'bool' ? false : f.big ? 0n : 0);
              } else if (f.type.kind === 'bool') expect(flagged).toBe(false);
            });
          }),
          { numRuns: 60 },
        );
      }
    });
  }

  it('missing arguments are flagged; extra ones are ignored and the record is the well-typed one', () => {
    veridian.enable();
    (veridian.traceSchedSwitchOut as (...a: unknown[]) => void)();
    const missing = lastRecord(veridian);
    expect(missing).toMatchObject({ event: 'sched_switch_out', pid: 0, tid: 0 });
    expect(missing.issues?.map((i) => i.field)).toEqual(['pid', 'tid']);
    (veridian.traceSchedSwitchOut as (...a: unknown[]) => void)(4, 5, 'extra', 6n);
    const extra = lastRecord(veridian);
    expect(extra).toMatchObject({ event: 'sched_switch_out', pid: 4, tid: 5 });
    expect(extra.issues).toBeUndefined();
  });

  it('a number for a u64 (the common JavaScript slip) records 0 and the flag, not a TypeError', () => {
    veridian.enable();
    (veridian.traceSyscallEntry as (...a: unknown[]) => void)(5, 1);
    expect(lastRecord(veridian)).toMatchObject({
      event: 'syscall_entry',
      syscallNr: 5,
      arg1: 0n,
      issues: [{ field: 'arg1', message: 'argument did not fit u64 when traced (only its low bits were recorded)' }],
    });
  });
});

describe('trace<Event>Enabled', () => {
  it('says whether the tracepoint would record now: tracing on and the event in the mask', () => {
    veridian.disable();
    expect(veridian.traceSyscallEntryEnabled()).toBe(false);
    veridian.enable();
    expect(veridian.traceSyscallEntryEnabled()).toBe(true);
    veridian.disableEvent('syscall_entry');
    expect([veridian.traceSyscallEntryEnabled(), veridian.traceSyscallExitEnabled()]).toEqual([false, true]);
    const before = veridian.ringStats()[0]!.written;
    if (veridian.traceSyscallEntryEnabled()) veridian.traceSyscallEntry(1, 1n);
    veridian.traceSyscallEntry(1, 1n); // masked off: records nothing either
    expect(veridian.ringStats()[0]!.written).toBe(before);
    veridian.enableEvent('syscall_entry');
    expect(veridian.traceSyscallEntryEnabled()).toBe(true);
    // the packed schema's event 255 tests the last word of the mask
    packed.enable();
    expect(packed.traceLastEnabled()).toBe(true);
    packed.disableEvent('last');
    expect(packed.traceLastEnabled()).toBe(false);
    packed.enableEvent('last');
  });
});
