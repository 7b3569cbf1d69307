import type { ParseArgsConfig } from 'node:util';
import { defaultOutDir, targetsHelp } from '../schema/emit/targets.js';
import { INPUT_FORMATS } from '../trace/read/input-formats.js';
import { DECODE_FORMATS, EXPORT_FORMAT_NAMES } from '../trace/views.js';

/**
 * Every command and option of the CLI, declared once: the parser's configuration, each
 * command's `--help`, and `tracegen --help` are derived from here (and a test checks that
 * docs/cli.md names every option).
 */
export interface OptionSpec {
  readonly name: string;
  readonly short?: string;
  /** What the value is called in help (`DIR`); absent for a flag. */
  readonly value?: string;
  readonly multiple?: boolean;
  /** One line, or more separated by newlines. */
  readonly help: string;
}

export interface CommandSpec<N extends string = string> {
  readonly name: N;
  /** The positional arguments, as usage shows them. */
  readonly args: string;
  /** One line for `tracegen --help`. */
  readonly summary: string;
  /** Paragraphs before the options in the command's `--help`. */
  readonly about: string;
  readonly options: readonly OptionSpec[];
  /** A paragraph after the options (exit codes). */
  readonly after?: string;
}

const HELP: OptionSpec = { name: 'help', short: 'h', help: 'show this help' };
const CONFIG: OptionSpec = {
  name: 'config',
  value: 'FILE',
  help: 'the project config (default: tracegen.config.yaml here or above),\nused when no schema files are given',
};

export const VALIDATE: CommandSpec<'validate'> = {
  name: 'validate',
  args: '[<schema.yaml>...]',
  summary: 'check schemas; exit 0 valid, 1 invalid, 2 usage error',
  about: `Checks each schema's structure and meaning and prints every problem as
FILE:LINE:COL: error[CODE]: message. With no schema files, checks tracegen.config.yaml
(here or in a folder above) and every schema it lists.`,
  options: [
    CONFIG,
    { name: 'format', value: 'F', help: 'text (default), json, or github (annotations)' },
    { name: 'strict', help: 'warnings fail too' },
    {
      name: 'against',
      value: 'B',
      help: "then compare the schema with a baseline, as 'tracegen diff B schema'\ndoes (a schema file, a trace file, or REV:PATH); one schema only",
    },
    { name: 'fail-on', value: 'C', help: 'with --against: which findings fail (wire, source (default), none)' },
    HELP,
  ],
  after: 'Exit 0 valid, 1 invalid, 2 usage error (bad options, a missing file or a directory).',
};

export const GENERATE: CommandSpec<'generate'> = {
  name: 'generate',
  args: '[<schema.yaml>...]',
  summary: 'validate, then write generated code',
  about: `Validates each schema (an invalid one writes nothing), then writes its code to
${defaultOutDir('<name>')}/ (or --out DIR, for one schema). Files are written all or nothing;
unchanged files are left alone; generated files the run no longer produces are removed.
With no schema files, tracegen.config.yaml (here or in a folder above) lists them.`,
  options: [
    CONFIG,
    { name: 'out', value: 'DIR', help: `output folder (default ${defaultOutDir('<name>')}/; one schema only)` },
    {
      name: 'target',
      value: 'T',
      multiple: true,
      help: `${targetsHelp()}; repeatable`,
    },
    { name: 'templates', value: 'DIR', help: 'also emit every *.hbs template in DIR (see docs/templates.md)' },
    { name: 'check', help: 'write nothing; exit 1 when generated files are out of date' },
    { name: 'watch', help: 'generate, then again whenever a schema, template or the config\nchanges, until Ctrl-C' },
    { name: 'rust-visibility', value: 'V', help: 'Rust item visibility (default pub(crate))' },
    { name: 'rust-trace-fn', value: 'P', help: "Rust path of the kernel's trace function (default trace_event)" },
    { name: 'runtime', value: 'SPEC', help: 'import path of the runtime (default @tracegen/runtime)' },
    HELP,
  ],
};

const SCHEMA: OptionSpec = {
  name: 'schema',
  value: 'S',
  help: 'the schema (trace files carry their own; for images and\nserial logs the default is the one schema tracegen.config.yaml\nlists, else the one in ./schema/)',
};
const INPUT_FORMAT: OptionSpec = { name: 'input-format', value: 'F', help: `${orList(INPUT_FORMATS)}: skip detection` };
const FREQUENCY: OptionSpec = { name: 'frequency', value: 'HZ', help: "the clock's frequency, when the schema does not give it" };
const RUN: OptionSpec = {
  name: 'run',
  value: 'N',
  help: 'only run N (1 = the first) of a capture that several runs\nappended to; runs are never mixed',
};
const FORCE_SCHEMA: OptionSpec = { name: 'force-schema', help: 'decode a trace file with --schema even if it carries another' };
/** The options that choose records, shared by every command that reads traces. */
const FILTERS: readonly OptionSpec[] = [
  { name: 'cpu', value: 'N', multiple: true, help: 'only this CPU (repeatable)' },
  { name: 'event', value: 'NAME', multiple: true, help: 'only this event (repeatable)' },
  { name: 'from', value: 'TS', help: 'timestamps from TS on; a suffix s, ms, us or ns converts\nfrom time with the clock frequency' },
  { name: 'to', value: 'TS', help: 'timestamps before TS (as --from)' },
  FREQUENCY,
  RUN,
  FORCE_SCHEMA,
];

export const DECODE: CommandSpec<'decode'> = {
  name: 'decode',
  args: '<input|->',
  summary: 'print a trace: a trace file, a raw ring image or a serial log',
  about: `Decodes a trace file or capture from the runtime, a raw memory image of the
kernel's rings, or a serial log holding dump_trace output (recognised by content).`,
  options: [
    SCHEMA,
    {
      name: 'format',
      value: 'F',
      help: orList(
        Object.values(DECODE_FORMATS).map((f) => f.help),
        true,
      ),
    },
    { name: 'output', short: 'o', value: 'FILE', help: 'write here instead of stdout (a file is written aside, then renamed)' },
    INPUT_FORMAT,
    { name: 'order', value: 'O', help: 'time (default: all CPUs merged by timestamp) or ring' },
    { name: 'last', value: 'N', help: 'the most recent N events of each CPU' },
    ...FILTERS,
    HELP,
  ],
  after: `Exit 0 on success, 1 for input that cannot be decoded (what was decoded before
the damage is still written), 2 for usage errors.`,
};

export const DIFF: CommandSpec<'diff'> = {
  name: 'diff',
  args: '[<baseline> <schema>]',
  summary: 'breaking changes against a baseline (a schema, a trace file or REV:PATH)',
  about: `Compares a schema with a baseline, event by id, down to bit ranges, types, enum
values and flag bits, and reports each change with its category:
  wire        traces already written would be read with another meaning
  source      old traces decode, but code using the generated API breaks
  compatible  nothing breaks (reported as information)

The baseline is a schema file, a trace file (the schema it carries), or a git
revision and path, REV:PATH (origin/main:schema/x.yaml). So is the new side.
With neither, every schema of tracegen.config.yaml is compared with its version at
the config's 'baseline:' revision.`,
  options: [
    CONFIG,
    { name: 'format', value: 'F', help: 'text (default), json, github (annotations), markdown (a changelog)' },
    { name: 'fail-on', value: 'C', help: 'wire, source (default: wire and source fail), none' },
    HELP,
  ],
  after: `Exit 0 when no finding fails, 1 when one does or a schema is invalid, 2 for
usage errors and baselines that cannot be read.`,
};

export const STATS: CommandSpec<'stats'> = {
  name: 'stats',
  args: '<input|->',
  summary: 'counts per event and CPU, span latencies (p50/p90/p99) and losses',
  about: `Reads what decode reads and prints, per event, its count in total and per CPU and
its rate; per span of the schema, how many begins and ends paired (same CPU, same
match value, the most recent open begin) and stayed unmatched, and the durations'
min, p50, p90, p99, max and mean (nearest rank), with a log-scale histogram; and
what each ring lost. Durations are in ns when the clock's frequency is known.`,
  options: [SCHEMA, { name: 'format', value: 'F', help: 'text (default) or json' }, INPUT_FORMAT, ...FILTERS, HELP],
  after: `Exit 0 on success, 1 for input that cannot be decoded (the figures of what came
before the damage are still printed), 2 for usage errors.`,
};

export const REPORT: CommandSpec<'report'> = {
  name: 'report',
  args: '<input|-> -o <report.html>',
  summary: 'one self-contained HTML file: a zoomable timeline, histograms, counts',
  about: `Writes one HTML file that opens from disk with no network: a timeline with a lane
per CPU (events as ticks, spans as bars; zoom with the wheel or + and -, pan by
dragging or with the arrow keys; hover or click a tick for the decoded record), a
latency histogram per span with the percentiles of 'tracegen stats', counts per
event, and what was lost.`,
  options: [
    SCHEMA,
    { name: 'output', short: 'o', value: 'FILE', help: 'the HTML file (required; written aside, then renamed)' },
    {
      name: 'full',
      help: 'every record in the timeline; by default past 1,000,000 records it keeps\nthe first of each CPU and event per 1/8192 of the range (counts stay exact)',
    },
    INPUT_FORMAT,
    ...FILTERS,
    HELP,
  ],
  after: STATS.after!,
};

export const EXPORT: CommandSpec<'export'> = {
  name: 'export',
  args: `<input|-> --format ${EXPORT_FORMAT_NAMES.join('|')} -o <path>`,
  summary: 'a trace as CTF 1.8 (babeltrace2, Trace Compass), Perfetto (ui.perfetto.dev) or Parquet (SQL engines)',
  about: `Reads what decode reads and writes it for other tools:
  ctf      a folder: 'metadata' (TSDL) and a stream file per ring, each record as
           the ring held it, every schema field an integer of its bit range; what a
           ring lost is CTF's events_discarded (babeltrace2 reports it)
  perfetto one file, Perfetto's protobuf trace: a track per ring, spans as slices
           (async tracks for spans across threads), counter tracks, instants with
           the fields as arguments, names interned, timestamps in the trace's clock
  parquet  one file, a row per event: ts, cpu, id, event, data0, data1, then a
           column per schema field (docs/export.md names them); needs the optional
           package @duckdb/node-api
The output is written aside and renamed into place when complete. An existing folder
is replaced only when it is a previous CTF export.`,
  options: [
    SCHEMA,
    { name: 'format', value: 'F', help: `${orList(EXPORT_FORMAT_NAMES)} (required)` },
    { name: 'output', short: 'o', value: 'PATH', help: 'the folder (ctf) or file (perfetto, parquet) to write (required)' },
    INPUT_FORMAT,
    ...FILTERS,
    HELP,
  ],
  after: `Exit 0 on success, 1 for input that cannot be decoded or output that cannot be
written (nothing is left at PATH), 2 for usage errors.`,
};

export const QUERY: CommandSpec<'query'> = {
  name: 'query',
  args: '<input>... <SQL>',
  summary: 'SQL over traces and Parquet exports with DuckDB (events, and spans paired)',
  about: `Runs one SQL statement with DuckDB over a table 'events' of every input (trace files,
captures, ring images, serial logs, and Parquet exports or globs of them, in quotes:
'fleet/**/*.parquet'), with the columns of 'tracegen export --format parquet', and a
view 'spans' (name, cpu, begin_ts, end_ts, duration, duration_ns, match, source) of
the schema's spans, paired as 'tracegen stats' pairs them. Needs the optional package
@duckdb/node-api.`,
  options: [
    SCHEMA,
    { name: 'format', value: 'F', help: 'table (default), csv, json (one array) or jsonl' },
    INPUT_FORMAT,
    FREQUENCY,
    RUN,
    FORCE_SCHEMA,
    HELP,
  ],
  after: `Exit 0 on success, 1 for input that cannot be decoded or SQL that DuckDB refuses
(its message, one line), 2 for usage errors.`,
};

export const COMMANDS = [VALIDATE, GENERATE, DIFF, DECODE, STATS, REPORT, EXPORT, QUERY] as const satisfies readonly CommandSpec[];
/** The commands' names, one type for every list keyed by them (main.ts's runners). */
export type CommandName = (typeof COMMANDS)[number]['name'];

/** The `parseArgs` options of a command. */
export function parserOptions(spec: CommandSpec): NonNullable<ParseArgsConfig['options']> {
  return Object.fromEntries(
    spec.options.map((o) => [
      o.name,
      { type: o.value ? 'string' : 'boolean', ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) },
    ]),
  ) as NonNullable<ParseArgsConfig['options']>;
}

const flagText = (o: OptionSpec) => `${o.short ? `-${o.short}, ` : ''}--${o.name}${o.value ? ` ${o.value}` : ''}`;

/** A command's `--help`. */
export function commandHelp(spec: CommandSpec): string {
  const width = Math.max(...spec.options.map((o) => flagText(o).length)) + 2;
  const options = spec.options.map((o) => {
    const [first, ...more] = o.help.split('\n');
    return [`  ${flagText(o).padEnd(width)}${first}`, ...more.map((l) => `  ${' '.repeat(width)}${l}`)].join('\n');
  });
  return `usage: tracegen ${spec.name} ${spec.args} [options]\n\n${spec.about}\n\n${options.join('\n')}\n${spec.after ? `\n${spec.after}\n` : ''}`;
}

/** `tracegen --help`: every command with its line and its options. */
export function usage(): string {
  const lines = COMMANDS.map((c) => {
    const call = `${c.name} ${c.args}`;
    // a long call line puts its summary under it, where the others' summaries start
    const head = call.length < 28 ? `  ${call.padEnd(28)}${c.summary}` : `  ${call}\n  ${' '.repeat(28)}${c.summary}`;
    // the options, wrapped at 100 columns
    const lines: string[] = [];
    for (const o of c.options.filter((x) => x !== HELP).map(flagText)) {
      const last = lines.at(-1);
      if (last !== undefined && last.length + o.length + 2 <= 94) lines[lines.length - 1] = `${last}, ${o}`;
      else lines.push(o);
    }
    return `${head}\n${lines.map((l) => `      ${l}`).join('\n')}`;
  });
  return `usage: tracegen <command> [options]\n\ncommands:\n${lines.join('\n')}\n\nRun 'tracegen help <command>' (or 'tracegen <command> --help') for a command's options, 'tracegen --version'\nfor the version; docs/cli.md has them all.\n`;
}

/** `a, b or c`: the values of an option, for its help; with `lastOnItsLine`, `a, b, or\nc` (long phrases). */
function orList(values: readonly string[], lastOnItsLine = false): string {
  if (values.length < 2) return values.join('');
  return `${values.slice(0, -1).join(', ')}${lastOnItsLine ? ', or\n' : ' or '}${values.at(-1)}`;
}
