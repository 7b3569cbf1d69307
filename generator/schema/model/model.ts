/**
 * The checked schema, in the shape emitters and decoders want: names in every case they need,
 * bit ranges resolved, events sorted by id. Built only from a schema that passed every check.
 */

export type ClockUnit = 'cycles' | 'ticks' | 'ns';
export type DisplayFormat = 'dec' | 'hex' | 'signed';

export interface SchemaModel {
  /** Format version of the schema file. */
  readonly version: 1;
  readonly name: string;
  readonly doc: string;
  /** The path the schema was read from, as given (for generated-file headers). */
  readonly sourcePath: string;
  /** The schema's exact text and its SHA-256 (hex), carried by trace files. */
  readonly text: string;
  readonly hash: string;
  readonly clock: { readonly unit: ClockUnit; readonly frequency: number | undefined; readonly doc: string };
  readonly layout: { readonly ringSize: number; readonly rings: number };
  readonly enums: readonly EnumModel[];
  readonly flags: readonly FlagsModel[];
  readonly reserved: readonly number[];
  /** Sorted by id. */
  readonly events: readonly EventModel[];
  readonly spans: readonly SpanModel[];
}

export interface Names {
  /** As written: `ipc_fast_recv`. */
  readonly snake: string;
  /** `ipcFastRecv` */
  readonly camel: string;
  /** `IpcFastRecv` */
  readonly pascal: string;
  /** `IPC_FAST_RECV` */
  readonly upper: string;
}

export interface EnumModel {
  readonly kind: 'enum';
  readonly names: Names;
  readonly doc: string;
  /** Sorted by value. */
  readonly values: readonly { readonly value: number; readonly names: Names }[];
  /** Bits needed for the largest value. */
  readonly width: number;
}

export interface FlagsModel {
  readonly kind: 'flags';
  readonly names: Names;
  readonly doc: string;
  /** Sorted by bit. */
  readonly bits: readonly { readonly bit: number; readonly names: Names }[];
  /** Highest bit + 1. */
  readonly width: number;
}

export interface EventModel {
  readonly id: number;
  readonly names: Names;
  /** The kernel's identifier: `variant` from the schema, else the PascalCase of the name. */
  readonly variant: string;
  readonly doc: string;
  /** In schema order. */
  readonly fields: readonly FieldModel[];
}

export type FieldType =
  | { readonly kind: 'uint'; readonly width: number }
  | { readonly kind: 'int'; readonly width: number }
  | { readonly kind: 'bool'; readonly width: 1 }
  | { readonly kind: 'enum'; readonly width: number; readonly ref: EnumModel }
  | { readonly kind: 'flags'; readonly width: number; readonly ref: FlagsModel }
  /** Text: the record holds a u32 id in the trace's string table (0: the table was full). */
  | { readonly kind: 'string'; readonly width: 32 };

export interface FieldModel {
  readonly names: Names;
  /** 0 for data0, 1 for data1. */
  readonly word: 0 | 1;
  /** Lowest bit of the field's range in its word. */
  readonly lo: number;
  /** Bits of the range (`hi - lo + 1`); 64 when the field has the whole word. */
  readonly range: number;
  readonly type: FieldType;
  readonly format: DisplayFormat;
  readonly unit: string | undefined;
  /** A quantity over time: a counter track in viewers, min/max/mean/last in stats. */
  readonly counter: boolean;
  /**
   * An id that chains records across threads: records whose flow fields of this name carry one
   * value form a chain, in time order (arrows in viewers, chains in stats).
   */
  readonly flow: boolean;
  readonly doc: string;
  /** True when values do not fit a JavaScript number exactly (type width above 53). */
  readonly big: boolean;
  /** True when the field has its word to itself (bits 0-63). */
  readonly wholeWord: boolean;
  /** The type as the schema spells it: `u32`, `i12`, `bool`, or the enum's or flags set's name. */
  readonly typeName: string;
}

export interface SpanModel {
  readonly names: Names;
  readonly begin: EventModel;
  readonly end: EventModel;
  /** The field both events carry, or undefined to pair the nearest begin and end. */
  readonly match: string | undefined;
  /**
   * `thread`: a begin and its end are on one ring (a CPU's or a thread's work; spans nest).
   * `process`: on any ring, paired by `match` (work one thread hands to another).
   */
  readonly scope: SpanScope;
  readonly doc: string;
}

export type SpanScope = 'thread' | 'process';

/** Bits an enum's largest value needs. */
export function enumWidth(values: readonly number[]): number {
  return Math.max(1, ...values.map((v) => v.toString(2).length));
}
