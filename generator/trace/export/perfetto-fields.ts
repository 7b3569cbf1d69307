/**
 * The field numbers of Perfetto's trace protos that `export --format perfetto` writes, from
 * `protos/perfetto/trace/` (trace.proto, trace_packet.proto, clock_snapshot.proto,
 * track_event/*.proto, interned_data/interned_data.proto, profiling/profile_common.proto).
 * Field numbers of a released proto never change. The test decodes the output against message
 * definitions written separately from the same protos (test/fixtures/perfetto/trace.proto).
 */

export const TRACE = { packet: 1 } as const;

export const PACKET = {
  clockSnapshot: 6,
  timestamp: 8,
  trustedPacketSequenceId: 10,
  trackEvent: 11,
  internedData: 12,
  sequenceFlags: 13,
  timestampClockId: 58,
  traceDefaults: 59,
  trackDescriptor: 60,
} as const;

/** TracePacket.SequenceFlags. */
export const SEQ_INCREMENTAL_STATE_CLEARED = 1;
export const SEQ_NEEDS_INCREMENTAL_STATE = 2;

export const PACKET_DEFAULTS = { timestampClockId: 58 } as const;

export const CLOCK_SNAPSHOT = { clocks: 1 } as const;
export const CLOCK = { clockId: 1, timestamp: 2, unitMultiplierNs: 4 } as const;
/** BuiltinClock's boot clock (Perfetto's default), and the first clock id a sequence may define for itself (64-127). */
export const BUILTIN_CLOCK_BOOTTIME = 6;
export const SEQUENCE_CLOCK = 64;

export const INTERNED = { eventNames: 2, debugAnnotationNames: 3, debugAnnotationStringValues: 29 } as const;
/** EventName, DebugAnnotationName: `iid`, `name`; InternedString: `iid`, `str`. */
export const INTERNED_ENTRY = { iid: 1, name: 2 } as const;

export const TRACK_DESCRIPTOR = { uuid: 1, name: 2, process: 3, thread: 4, parentUuid: 5, counter: 8 } as const;
export const PROCESS = { pid: 1, processName: 6 } as const;
export const THREAD = { pid: 1, tid: 2, threadName: 5 } as const;
export const COUNTER = { unitName: 6 } as const;

export const TRACK_EVENT = {
  debugAnnotations: 4,
  type: 9,
  nameIid: 10,
  trackUuid: 11,
  name: 23,
  counterValue: 30,
  flowIds: 47,
} as const;

/** TrackEvent.Type. */
export const TYPE_SLICE_BEGIN = 1;
export const TYPE_SLICE_END = 2;
export const TYPE_INSTANT = 3;
export const TYPE_COUNTER = 4;

export const ANNOTATION = {
  nameIid: 1,
  boolValue: 2,
  uintValue: 3,
  intValue: 4,
  stringValue: 6,
  pointerValue: 7,
  stringValueIid: 17,
} as const;
