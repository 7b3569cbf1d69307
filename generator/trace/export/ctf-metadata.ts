import { OFFSET_ARG_MISFITS, OFFSET_CPU, OFFSET_DATA0, OFFSET_ID, RECORD_BYTES } from '@tracegen/runtime';
import type { ClockOrigin } from '../read/view.js';
import { ASSUMED_FREQUENCY, ctfClock, type CtfClock } from './ctf-clock.js';
import type { EventModel, FieldModel, SchemaModel } from '../../schema/model/model.js';

/**
 * The CTF 1.8 description (TSDL) of an export. Records stay exactly as the rings hold them,
 * 32 bytes each, and the metadata says what every bit is:
 *
 *   bytes 0-7   event header `timestamp` (mapped to the clock)   8  event header `id`
 *   byte  9     event context `cpu`       10-11 event context `zero` (always 0)
 *   bytes 12-15 event context `arg_misfits` (the runtime's argument-misfit bits; 0 from a kernel)
 *   bytes 16-31 the payload: each schema field an integer of exactly its bit range (`align = 1`,
 *               little-endian bit fields are numbered from the least significant bit, as the
 *               rings number them), the bits no field covers as `_unused_<word>_<lo>_<hi>`
 *
 * A packet is a 64-byte header and context (PACKET_AT), then whole records. Every integer is byte-aligned
 * (`align = 8`) except the bit fields, so no reader inserts padding anywhere.
 */

/**
 * Where each field of a packet's header and context is, as the TSDL below declares them (every
 * one byte-aligned, so nothing pads them): the header's `magic` and `uuid`, then the context.
 */
export const PACKET_AT = {
  magic: 0,
  uuid: 4,
  timestampBegin: 20,
  timestampEnd: 28,
  /** In bits, as CTF counts sizes. */
  contentSize: 36,
  packetSize: 44,
  eventsDiscarded: 52,
  cpuId: 60,
} as const;
/** The packet header and context: records follow. */
export const CTF_PACKET_HEADER_BYTES = 64;
export const CTF_MAGIC = 0xc1fc1fc1;
/** The first line of every metadata file tracegen writes; how a previous export is recognised. */
export const CTF_METADATA_FIRST_LINE = '/* CTF 1.8 */';
/**
 * How tracegen's exports begin: LTTng's and barectf's metadata start with the same first line,
 * but never with this second one. An export replaces only a folder that begins so.
 */
export const CTF_EXPORT_MARK = `${CTF_METADATA_FIRST_LINE}\n/* Written by tracegen from schema `;
/** The files of an export folder: its metadata and a stream per ring (and extra streams). */
export const CTF_EXPORT_FILE = /^(metadata|stream_\d+(\.\d+)?)$/;
export const CTF_TRACER_NAME = 'tracegen';

export interface CtfMetadataInput {
  readonly model: SchemaModel;
  /** The trace's UUID (as every packet header repeats it), `xxxxxxxx-xxxx-...`. */
  readonly uuid: string;
  /** The clock's frequency in Hz, or 0 when unknown. */
  readonly frequency: number;
  /** The clock as CTF says it (ctf-clock.ts); planned from `frequency` and `clock` when not given. */
  readonly ctfClock?: CtfClock;
  /** What the clock counts and when it started, when the input says (read/view.ts). */
  readonly clock?: ClockOrigin;
  /** Ids records carried that the schema does not define: each gets an event class of its raw words. */
  readonly unknownIds: readonly number[];
  /** The rings their threads named: `thread_name_<ring>` in the environment. */
  readonly threads?: ReadonlyMap<number, string>;
  /** The run's string table: string fields are enums of their ids, labelled with the texts. */
  readonly strings?: ReadonlyMap<number, string>;
}

// checked once here, so the TSDL below and the writer agree on where each part of a record is
if (
  OFFSET_ID !== 8 ||
  OFFSET_CPU !== 9 ||
  OFFSET_ARG_MISFITS !== 12 ||
  OFFSET_DATA0 !== 16 ||
  RECORD_BYTES !== 32 ||
  PACKET_AT.cpuId + 4 !== CTF_PACKET_HEADER_BYTES
)
  throw new Error('the CTF description assumes the kernel record layout of runtime/layout.ts');

/**
 * The metadata text.
 *
 * @example
 * writeFileSync('out/metadata', ctfMetadata({ model, frequency: 0, unknownIds: [] }));
 */
export function ctfMetadata(input: CtfMetadataInput): string {
  const { model, frequency, unknownIds } = input;
  const clock = input.clock?.unit || model.clock.unit;
  // with a known frequency and wall clock (a runtime trace), readers show dates and times of day
  const plan = input.ctfClock ?? ctfClock(frequency, input.clock?.wallClockZeroMs ?? 0);
  const known = plan.known;
  const scaled = plan.scale === 1 ? '' : `; timestamps are counts times ${plan.scale}, so that the frequency is whole`;
  const description = known
    ? `${model.name} ${clock} clock, ${frequency} Hz${scaled}`
    : `${model.name} ${clock} clock; frequency unknown, assumed ${ASSUMED_FREQUENCY} Hz (times read as nanoseconds are counts)`;
  const events = [
    ...model.events.map((e) => eventClass(e.id, e.names.snake, payload(e, input.strings ?? new Map()))),
    ...unknownIds.map((id) => eventClass(id, `unknown_${id}`, rawPayload())),
  ];
  return `${CTF_EXPORT_MARK}${model.name} (sha256 ${model.hash}). */

typealias integer { size = 8; align = 8; signed = false; } := uint8_t;
typealias integer { size = 32; align = 8; signed = false; } := uint32_t;
typealias integer { size = 64; align = 8; signed = false; } := uint64_t;

trace {
\tmajor = 1;
\tminor = 8;
\tuuid = "${input.uuid}";
\tbyte_order = le;
\tpacket.header := struct {
\t\tuint32_t magic;
\t\tuint8_t uuid[16];
\t};
};

env {
\tdomain = "${CTF_TRACER_NAME}";
\ttracer_name = "${CTF_TRACER_NAME}";
\tschema = "${model.name}";
\tschema_sha256 = "${model.hash}";
\tclock_unit = "${clock}";
\tclock_frequency_known = ${known ? 1 : 0};${[...(input.threads ?? [])]
    .sort(([a], [b]) => a - b)
    .map(([ring, name]) => `\n\tthread_name_${ring} = ${JSON.stringify(name)};`)
    .join('')}
};

clock {
\tname = ${clock};
\tdescription = "${description}";
\tfreq = ${plan.freq};
\toffset_s = ${plan.offsetS};
\toffset = ${plan.offsetCounts};
\tabsolute = ${plan.offsetS || plan.offsetCounts ? 'true' : 'false'};
};

typealias integer { size = 64; align = 8; signed = false; map = clock.${clock}.value; } := clock_t;

stream {
\tpacket.context := struct {
\t\tclock_t timestamp_begin;
\t\tclock_t timestamp_end;
\t\tuint64_t content_size;
\t\tuint64_t packet_size;
\t\tuint64_t events_discarded;
\t\tuint32_t cpu_id;
\t};
\tevent.header := struct {
\t\tclock_t timestamp;
\t\tuint8_t id;
\t};
\tevent.context := struct {
\t\tuint8_t cpu;
\t\tinteger { size = 16; align = 8; signed = false; } zero;
\t\tuint32_t arg_misfits;
\t};
};
${events.join('')}`;
}

function eventClass(id: number, name: string, fields: string[]): string {
  return `
event {
\tid = ${id};
\tname = "${name}";
\tfields := struct {
${fields.map((f) => `\t\t${f};\n`).join('')}\t};
};
`;
}

/** An event's two words as integers of each field's range, gaps as unused bits, in bit order. */
function payload(e: EventModel, strings: ReadonlyMap<number, string>): string[] {
  const out: string[] = [];
  for (const word of [0, 1] as const) {
    const fields = e.fields.filter((f) => f.word === word).sort((a, b) => a.lo - b.lo);
    let at = 0;
    for (const f of fields) {
      if (f.lo > at) out.push(unused(word, at, f.lo));
      out.push(fieldDeclaration(f, strings));
      at = f.lo + f.range;
    }
    if (at < 64) out.push(unused(word, at, 64));
  }
  return out;
}

/** An id the schema lacks: its two words, in hex, as `decode` shows them. */
function rawPayload(): string[] {
  return [
    'integer { size = 64; align = 8; signed = false; base = 16; } _data0',
    'integer { size = 64; align = 8; signed = false; base = 16; } _data1',
  ];
}

function unused(word: 0 | 1, from: number, to: number): string {
  return `${integer(to - from, from, false, 10)} __unused_data${word}_${from}_${to - 1}`;
}

// field names take a leading underscore, which CTF readers drop: no name can clash with a TSDL keyword
function fieldDeclaration(f: FieldModel, strings: ReadonlyMap<number, string>): string {
  const name = `_${f.names.snake}`;
  switch (f.type.kind) {
    case 'string': {
      // the record keeps the id; readers show the text as its label (id 0: the table was full)
      const labels = [`"${STRING_TABLE_FULL_LABEL}" = 0`, ...[...strings].map(([id, text]) => `${tsdlString(text)} = ${id}`)];
      return `enum : ${integer(f.range, f.lo, false, 10)} { ${labels.join(', ')} } ${name}`;
    }
    case 'bool':
      return `enum : ${integer(f.range, f.lo, false, 10)} { "false" = 0, "true" = 1 } ${name}`;
    case 'enum': {
      const values = f.type.ref.values.map((v) => `"${v.names.snake}" = ${v.value}`).join(', ');
      return `enum : ${integer(f.range, f.lo, false, 10)} { ${values} } ${name}`;
    }
    case 'flags':
      return `${integer(f.range, f.lo, false, 16)} ${name}`;
    case 'int':
      return `${integer(f.range, f.lo, true, f.format === 'hex' ? 16 : 10)} ${name}`;
    default:
      return `${integer(f.range, f.lo, false, f.format === 'hex' ? 16 : 10)} ${name}`;
  }
}

/** The label of a string field's id 0. */
const STRING_TABLE_FULL_LABEL = '(string table full)';

/** A text as a TSDL string literal: quotes and backslashes escaped, control characters as `?`. */
function tsdlString(text: string): string {
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`).replace(/[\u0000-\u001f\u007f]/g, '?')}"`;
}

function integer(bits: number, lo: number, signed: boolean, base: 10 | 16): string {
  // whole bytes keep byte alignment; a bit field is placed exactly where its bits are
  const align = bits % 8 === 0 && lo % 8 === 0 ? 8 : 1;
  return `integer { size = ${bits}; align = ${align}; signed = ${signed}; byte_order = le;${base === 16 ? ' base = 16;' : ''} }`;
}
