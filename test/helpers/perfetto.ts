import { readFileSync } from 'node:fs';
import protobuf from 'protobufjs';
import { expect } from 'vitest';

/** The message definitions, written apart from the writer's field table (test/fixtures/perfetto/trace.proto). */
const root = protobuf.loadSync('test/fixtures/perfetto/trace.proto');
const Trace = root.lookupType('perfetto.protos.Trace');

export interface PerfettoTrack {
  uuid: number;
  parent: number;
  name: string;
  kind: 'process' | 'thread' | 'counter' | 'track';
  tid?: number;
  unit?: string;
}

export interface PerfettoEvent {
  /** Nanoseconds, the clock snapshot applied. */
  ts: bigint;
  type: 'begin' | 'end' | 'instant' | 'counter';
  track: number;
  name: string;
  args: Record<string, unknown>;
  counter?: bigint;
  flows: bigint[];
  terminatingFlows: bigint[];
}

export interface PerfettoTrace {
  packets: number;
  tracks: Map<number, PerfettoTrack>;
  events: PerfettoEvent[];
  /** The sequence's own clock: its unit in ns, when it has one. */
  clockMultiplier: bigint | undefined;
}

type Long = { toString(): string } | number;
const big = (v: Long | undefined | null): bigint => (v === undefined || v === null ? 0n : BigInt(v.toString()));

/**
 * Decodes a .pftrace against the message definitions and resolves what a viewer resolves:
 * interned names (from packets of the same sequence, before their use), the sequence's clock,
 * track descriptors. Fails the test on what a viewer would reject: an iid never interned, an
 * event on a track never described, a packet of another sequence.
 */
export function readPerfetto(path: string): PerfettoTrace {
  // as a plain object: only the fields present (a proto2 decoder gives absent ones their defaults), 64-bit values as text
  const message = Trace.toObject(Trace.decode(readFileSync(path)), { longs: String }) as { packet: Record<string, unknown>[] };
  const eventNames = new Map<string, string>();
  const annotationNames = new Map<string, string>();
  const strings = new Map<string, string>();
  const tracks = new Map<number, PerfettoTrack>();
  const events: PerfettoEvent[] = [];
  let clockMultiplier: bigint | undefined;
  let ownClock = false;
  for (const p of message.packet) {
    expect(p['trustedPacketSequenceId']).toBe(1);
    const interned = p['internedData'] as
      | {
          eventNames?: { iid: Long; name: string }[];
          debugAnnotationNames?: { iid: Long; name: string }[];
          debugAnnotationStringValues?: { iid: Long; str: Uint8Array }[];
        }
      | undefined;
    if (interned) {
      expect(p['sequenceFlags']).toBe(1);
      for (const e of interned.eventNames ?? []) eventNames.set(String(e.iid), e.name);
      for (const e of interned.debugAnnotationNames ?? []) annotationNames.set(String(e.iid), e.name);
      for (const e of interned.debugAnnotationStringValues ?? [])
        strings.set(String(e.iid), Buffer.from(e.str as unknown as Uint8Array).toString('utf8'));
    }
    const defaults = p['tracePacketDefaults'] as { timestampClockId?: number } | undefined;
    if (defaults?.timestampClockId !== undefined) ownClock = defaults.timestampClockId === 64;
    const snapshot = p['clockSnapshot'] as { clocks: { clockId: number; timestamp: Long; unitMultiplierNs?: Long }[] } | undefined;
    if (snapshot) {
      const own = snapshot.clocks.find((c) => c.clockId === 64);
      expect(own).toBeDefined();
      clockMultiplier = big(own!.unitMultiplierNs ?? 1);
    }
    const d = p['trackDescriptor'] as
      | {
          uuid: Long;
          parentUuid?: Long;
          name?: string;
          process?: { processName: string };
          thread?: { tid: number; threadName: string };
          counter?: { unitName?: string };
        }
      | undefined;
    if (d) {
      const uuid = Number(big(d.uuid));
      const parent = Number(big(d.parentUuid));
      if (d.process) tracks.set(uuid, { uuid, parent, name: d.process.processName, kind: 'process' });
      else if (d.thread) tracks.set(uuid, { uuid, parent, name: d.thread.threadName, kind: 'thread', tid: d.thread.tid });
      else if (d.counter)
        tracks.set(uuid, {
          uuid,
          parent,
          name: d.name ?? '',
          kind: 'counter',
          ...(d.counter.unitName ? { unit: d.counter.unitName } : {}),
        });
      else tracks.set(uuid, { uuid, parent, name: d.name ?? '', kind: 'track' });
      if (parent) expect(tracks.has(parent), `parent ${parent} described before ${uuid}`).toBe(true);
    }
    const e = p['trackEvent'] as
      | {
          type: number;
          trackUuid: Long;
          nameIid?: Long;
          name?: string;
          counterValue?: Long;
          debugAnnotations?: Record<string, unknown>[];
          flowIds?: Long[];
          terminatingFlowIds?: Long[];
        }
      | undefined;
    if (e) {
      expect(p['sequenceFlags']).toBe(2);
      const track = Number(big(e.trackUuid));
      expect(tracks.has(track), `track ${track} described before its events`).toBe(true);
      let name = e.name ?? '';
      if (e.nameIid !== undefined) {
        expect(eventNames.has(String(e.nameIid)), `event name iid ${e.nameIid}`).toBe(true);
        name = eventNames.get(String(e.nameIid))!;
      }
      const args: Record<string, unknown> = {};
      for (const a of e.debugAnnotations ?? []) {
        const key = String(a['nameIid']);
        expect(annotationNames.has(key), `annotation name iid ${key}`).toBe(true);
        const n = annotationNames.get(key)!;
        if (a['stringValueIid'] !== undefined) {
          expect(strings.has(String(a['stringValueIid']))).toBe(true);
          args[n] = strings.get(String(a['stringValueIid']));
        } else if (a['boolValue'] !== undefined) args[n] = a['boolValue'];
        else if (a['uintValue'] !== undefined) args[n] = big(a['uintValue'] as Long);
        else if (a['intValue'] !== undefined) args[n] = big(a['intValue'] as Long);
        else if (a['pointerValue'] !== undefined) args[n] = `0x${big(a['pointerValue'] as Long).toString(16)}`;
        else if (a['stringValue'] !== undefined) args[n] = a['stringValue'];
        else if (a['doubleValue'] !== undefined) args[n] = a['doubleValue'];
      }
      const raw = big(p['timestamp'] as Long);
      const ts = ownClock ? raw * (clockMultiplier ?? 1n) : raw;
      const type = (['', 'begin', 'end', 'instant', 'counter'] as const)[e.type];
      expect(type).toBeTruthy();
      events.push({
        ts,
        type: type as PerfettoEvent['type'],
        track,
        name,
        args,
        ...(e.counterValue !== undefined ? { counter: big(e.counterValue) } : {}),
        flows: (e.flowIds ?? []).map(big),
        terminatingFlows: (e.terminatingFlowIds ?? []).map(big),
      });
    }
  }
  return { packets: message.packet.length, tracks, events, clockMultiplier };
}

export interface PerfettoSlice {
  track: number;
  name: string;
  begin: bigint;
  end: bigint;
  args: Record<string, unknown>;
}

/**
 * Pairs each track's begins and ends as trace_processor does (in time order, a stack per track)
 * and fails on what it would not draw: an end with nothing open, a slice left open, or a slice
 * that does not nest in the one around it.
 */
export function slicesOf(trace: PerfettoTrace): PerfettoSlice[] {
  const byTrack = new Map<number, PerfettoEvent[]>();
  for (const e of trace.events) if (e.type === 'begin' || e.type === 'end') byTrack.set(e.track, [...(byTrack.get(e.track) ?? []), e]);
  const slices: PerfettoSlice[] = [];
  for (const [track, list] of byTrack) {
    // stable: at one time, ends before begins (a slice ending where the next begins)
    const ordered = list
      .map((e, i) => ({ e, i }))
      .sort((a, b) => (a.e.ts < b.e.ts ? -1 : a.e.ts > b.e.ts ? 1 : a.e.type === b.e.type ? a.i - b.i : a.e.type === 'end' ? -1 : 1));
    const stack: PerfettoSlice[] = [];
    for (const { e } of ordered) {
      if (e.type === 'begin') stack.push({ track, name: e.name, begin: e.ts, end: -1n, args: { ...e.args } });
      else {
        const open = stack.pop();
        expect(open, `an end on track ${track} at ${e.ts} with no slice open`).toBeDefined();
        open!.end = e.ts;
        Object.assign(open!.args, e.args);
        slices.push(open!);
      }
    }
    expect(stack, `slices left open on track ${track}`).toEqual([]);
  }
  // every pair on a track either nests or is apart
  for (const [track] of byTrack) {
    const mine = slices.filter((s) => s.track === track).sort((a, b) => (a.begin < b.begin ? -1 : a.begin > b.begin ? 1 : 0));
    for (let i = 1; i < mine.length; i++)
      for (let j = i - 1; j >= 0 && j >= i - 64; j--) {
        const [a, b] = [mine[j]!, mine[i]!];
        const nests = b.end <= a.end || a.end <= b.begin;
        expect(nests, `slices [${a.begin}, ${a.end}] and [${b.begin}, ${b.end}] of track ${track} overlap without nesting`).toBe(true);
      }
  }
  return slices;
}
