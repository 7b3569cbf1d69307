/**
 * tracegen's ring-buffer runtime. Generated modules bind it to their schema; applications
 * normally import the generated module, not this one.
 *
 * @example
 * import { Tracer } from '@tracegen/runtime';
 * const tracer = new Tracer({ layout: { ringSize: 4096, rings: 16 }, eventName: () => 'x', schemaText, schemaHash });
 * tracer.enable();
 * if (tracer.mask[0]! & 1) tracer.write(0, 42, 0, 7, 0);
 */
export { Tracer, TracingError, type AttachOptions, type RingStats, type StringStats, type TracerConfig } from './tracer.js';
export { type ClockKind, type ClockUnitName, CLOCK_CODES, clockName } from './clock.js';
export * from './layout.js';
export {
  TraceFileReader,
  TraceFileError,
  readTraceFile,
  recordViews,
  isTraceFile,
  encodeHeader,
  writeChunkHeader,
  writeNameSection,
  writeStringSection,
  TRACE_FILE_VERSION,
  STRING_HEADER_BYTES,
  STRING_AT,
  MAX_RING_NAME_BYTES,
  NAME_HEADER_BYTES,
  NAME_AT,
  CHUNK_HEADER_BYTES,
  HEADER_FIXED_BYTES,
  HEADER_AT,
  CHUNK_AT,
  MAX_SCHEMA_BYTES,
  MIN_FREQUENCY,
  MAX_FREQUENCY,
  type TraceHeader,
  type TraceChunk,
} from './trace-file.js';
export {
  formatDump,
  dumpLine,
  dumpText,
  hex016,
  imageRings,
  DUMP_TITLE,
  DUMP_COLUMNS,
  DUMP_TOTAL,
  type DumpOptions,
  type DumpRow,
  type ImageRing,
} from './dump.js';
export {
  StringTable,
  STRING_TABLE_BYTES,
  STRING_TABLE_FULL,
  STRING_ID_BITS,
  MAX_STRING_BYTES,
  cutUtf8,
} from './strings.js';
export { copyRing, loadWriteIndex, type RingCopy } from './ring-reader.js';
export * from './bits.js';
export {
  argumentMisfitBit,
  argumentMisfitText,
  misfitTypeName,
  misfitValue,
  missingStringText,
  missingStringValue,
  rangeBits,
  storedMisfitPrefix,
  storedMisfitText,
  unknownEnumText,
  withArgumentIssues,
  WRONG_TYPE_BIGINT,
  type ArgumentField,
  type FieldValueKind,
} from './field-codec.js';
export {
  numberText,
  readField,
  stringReading,
  type FieldReading,
  type FieldReadValue,
  type FieldSpec,
  type StringLookup,
} from './field-reader.js';
export { appendRecord, readRawRecord, type RawRecord } from './image-writer.js';
export { startCapture, type Capture, type CaptureOptions, type CaptureRingStats, type CaptureStats } from './capture.js';
export { RUNTIME_VERSION, RuntimeVersionError, requireRuntime } from './version.js';
