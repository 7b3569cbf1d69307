import type { StatementStructures } from 'ts-morph';
import { StructureKind } from './ts-morph.js';
import type { SchemaModel } from '../../model/model.js';
import { list } from './layout.js';
import { TS_NAMES } from '../../model/target-names.js';

/** What the module's `Tracer` is made with: the schema's layout, names and text (read only when a file is written). */
const TRACER_OPTIONS = [
  'layout: { ringSize: RING_SIZE, rings: RING_COUNT }',
  'eventName: eventTypeName',
  'get schemaText() { return SCHEMA_TEXT; }',
  'schemaHash: SCHEMA_HASH',
];

/**
 * The runtime's controls bound to this schema: one `Tracer` per thread, made when the module is
 * first imported (cheap: its buffer is allocated on first use), and thin wrappers around it.
 */
export function runtimeControls(m: SchemaModel): (StatementStructures | string)[] {
  const fn = (
    name: string,
    description: string,
    parameters: { name: string; type: string; hasQuestionToken?: boolean; initializer?: string }[],
    returnType: string,
    statement: string,
    example?: string,
  ): StatementStructures => ({
    kind: StructureKind.Function,
    isExported: true,
    name,
    docs: [example ? { description, tags: [{ tagName: 'example', text: example }] } : description],
    parameters,
    returnType,
    statements: [statement],
  });
  const eventArg = { name: 'event', type: `${TS_NAMES.eventType} | ${TS_NAMES.eventName}` };
  const first = m.events[0]?.names.snake ?? 'event';
  return [
    `const $tracer = ${list(16, 'new $Tracer({ ', TRACER_OPTIONS, ' })', { trail: 1 })};`,
    {
      kind: StructureKind.Function,
      name: '$idOf',
      parameters: [eventArg],
      returnType: 'number',
      statements: [
        "if (typeof event === 'number') return event;",
        'const id = eventTypeId(event);',
        "if (id === undefined) throw new RangeError(`unknown event '${event}'`);",
        'return id;',
      ],
    },
    fn('enable', 'Turns tracing on, for every thread sharing the buffer.', [], 'void', '$tracer.enable();', 'enable();'),
    fn('disable', 'Turns tracing off: each tracepoint then costs one load and one branch.', [], 'void', '$tracer.disable();'),
    fn('isEnabled', 'True while tracing is on.', [], 'boolean', 'return $tracer.isEnabled();'),
    fn('totalEvents', 'Events written to all rings since tracing began.', [], 'number', 'return $tracer.totalEvents();'),
    fn(
      'ringStats',
      'Per ring: events written, held, overwritten, and dropped by readers.',
      [],
      '$RingStats[]',
      'return $tracer.ringStats();',
    ),
    fn(
      'dumpTrace',
      "Prints the most recent `count` events of each ring in the kernel's serial format, then a total and what each ring lost. `write` takes one line without its newline (default: stdout).",
      [
        { name: 'count', type: 'number', initializer: '20' },
        { name: 'write', type: '(line: string) => void', hasQuestionToken: true },
      ],
      'void',
      'if (write) $tracer.dumpTrace(count, write); else $tracer.dumpTrace(count);',
      'dumpTrace(64, (line) => console.error(line));',
    ),
    fn(
      'snapshot',
      'A trace file of everything the rings hold, taken without stopping writers; torn records are dropped and counted.',
      [],
      'Uint8Array',
      'return $tracer.snapshot();',
      "writeFileSync('app.trace', snapshot());",
    ),
    fn(
      'drain',
      'Bytes to append to a capture file: the header on the first call, then only what was written since the previous call.',
      [],
      'Uint8Array',
      'return $tracer.drain();',
      "setInterval(() => appendFileSync('app.trace', drain()), 100);",
    ),
    fn(
      'startCapture',
      'A flight recorder: captures to the file at `path`, draining every `intervalMs` (100) and once more on exit, SIGINT, SIGTERM and an uncaught exception; `maxBytes` rotates to `path.1` ... keeping `files` files. `stop()` drains and closes; `stats()` says what the file holds and missed per ring.',
      [
        { name: 'path', type: 'string' },
        { name: 'options', type: '$CaptureOptions', hasQuestionToken: true },
      ],
      '$Capture',
      'return $tracer.startCapture(path, options);',
      "const capture = startCapture('app.trace');",
    ),
    fn(
      'tracingBuffer',
      'The shared buffer to pass to workers, which call `attachTracing` with it.',
      [],
      'SharedArrayBuffer',
      'return $tracer.tracingBuffer();',
      'new Worker(url, { workerData: tracingBuffer() });',
    ),
    fn(
      'attachTracing',
      "In a worker: claims a free ring of the buffer from `tracingBuffer()`; returns its index, the cpu byte of this thread's records. `name` names the ring (every reader shows it as the thread's track). Throws `TracingError` when every ring is taken.",
      [
        { name: 'buffer', type: 'SharedArrayBuffer' },
        { name: 'options', type: '$AttachOptions', hasQuestionToken: true },
      ],
      'number',
      'return $tracer.attach(buffer, options);',
      "attachTracing(workerData, { name: 'http worker 3' });",
    ),
    fn(
      'setThreadName',
      "Names this thread's ring (the main thread's is ring 0): every reader shows the name as its track. At most 56 bytes of UTF-8 (a longer name is cut at a character); `''` clears it.",
      [{ name: 'name', type: 'string' }],
      'void',
      '$tracer.setThreadName(name);',
      "setThreadName('http main');",
    ),
    fn('detachTracing', "Gives this thread's ring back; its records stay readable until overwritten.", [], 'void', '$tracer.detach();'),
    fn(
      'setClock',
      "Chooses the timestamp clock for all threads: 'ns' (default) or 'sequence' (cheaper; orders events, measures nothing). Set it before tracing.",
      [{ name: 'clock', type: '$ClockKind' }],
      'void',
      '$tracer.setClock(clock);',
    ),
    fn(
      'setEventMask',
      'Traces only these events (by id or printed name).',
      [{ name: 'events', type: `Iterable<${TS_NAMES.eventType} | ${TS_NAMES.eventName}>` }],
      'void',
      '$tracer.setEventMask([...events].map($idOf));',
      `setEventMask([${JSON.stringify(first).replace(/"/g, "'")}]);`,
    ),
    fn('enableEvent', 'Adds one event to the mask.', [eventArg], 'void', '$tracer.setEventEnabled($idOf(event), true);'),
    fn(
      'disableEvent',
      'Removes one event from the mask: its tracepoint then costs what a disabled one does.',
      [eventArg],
      'void',
      '$tracer.setEventEnabled($idOf(event), false);',
    ),
    fn('isEventEnabled', 'True when the event is in the mask.', [eventArg], 'boolean', 'return $tracer.isEventEnabled($idOf(event));'),
  ];
}
