import type { Sink } from './output/sink.js';
import type { View } from './read/view.js';
import type { FileIdentity } from './write-aside.js';

/**
 * Every output of a trace a command's `--format` picks, by that name: `decode`'s text views over
 * its output, `export`'s files. Each entry says what its help says and loads its view only when
 * used, so `--help` and the other commands load none of them. Adding a format is its view and an
 * entry here; the option's values, its check and its help come from these tables.
 */

/** A `decode --format`: its help phrase, and the view that writes it to the output. */
export interface DecodeFormat {
  readonly help: string;
  readonly view: () => Promise<(out: Sink) => View>;
}

export const DECODE_FORMATS = {
  table: { help: 'table (default)', view: async () => viewOf((await import('./decode/table-view.js')).TableView) },
  jsonl: { help: 'jsonl', view: async () => viewOf((await import('./decode/jsonl-view.js')).JsonlView) },
  dump: { help: "dump (the kernel's dump_trace)", view: async () => viewOf((await import('./decode/dump-view.js')).DumpView) },
  chrome: {
    help: 'chrome (trace event JSON for ui.perfetto.dev; spans become slices)',
    view: async () => viewOf((await import('./decode/chrome-view.js')).ChromeView),
  },
} as const satisfies Record<string, DecodeFormat>;

export type OutputFormat = keyof typeof DECODE_FORMATS;
export const OUTPUT_FORMATS = Object.keys(DECODE_FORMATS) as OutputFormat[];

/** An export being written: its view takes the records, then `finish` puts the output in place. */
export interface ExportWriter {
  readonly view: View;
  /** Records written. */
  readonly count: number;
  /** Serial rows whose printed name the schema lacks: they have no id, so they are left out. */
  readonly nameless: number;
  finish(): Promise<void> | void;
  /** Removes what was written; the output's old contents stay. */
  abandon(): void;
}

/** An `export --format`: what its output is, and how to open it (aside, never over the input). */
export interface ExportFormat {
  /** What `-o` names, for messages: `DIR`, `FILE.parquet`. */
  readonly output: string;
  /** The format as `wrote ...` names it. */
  readonly label: string;
  readonly open: (path: string, input: FileIdentity | undefined) => Promise<ExportWriter>;
}

export const EXPORT_FORMATS = {
  ctf: {
    output: 'DIR',
    label: 'CTF 1.8',
    open: async (path) => {
      const { CtfWriter } = await import('./export/ctf-writer.js');
      const ctf = new CtfWriter(path);
      return {
        view: ctf,
        get count() {
          return ctf.count;
        },
        get nameless() {
          return ctf.nameless;
        },
        finish: () => ctf.close(),
        abandon: () => ctf.abandon(),
      };
    },
  },
  perfetto: {
    output: 'FILE.pftrace',
    label: 'Perfetto',
    open: async (path, input) => {
      const [{ PerfettoView }, { Sink }] = await Promise.all([import('./export/perfetto-view.js'), import('./output/sink.js')]);
      // an export always has a file: standard output is never written
      const sink = new Sink({ stdout: { write: () => false }, stderr: { write: () => false } }, path, input);
      const view = new PerfettoView(sink);
      return {
        view,
        get count() {
          return view.count;
        },
        nameless: 0,
        finish: () => sink.close(),
        abandon: () => sink.abort(),
      };
    },
  },
  parquet: {
    output: 'FILE.parquet',
    label: 'Parquet',
    open: async (path, input) => (await import('./export/parquet-export.js')).ParquetExport.open(path, input),
  },
} as const satisfies Record<string, ExportFormat>;

export type ExportFormatName = keyof typeof EXPORT_FORMATS;
export const EXPORT_FORMAT_NAMES = Object.keys(EXPORT_FORMATS) as ExportFormatName[];

function viewOf(make: new (out: Sink) => View): (out: Sink) => View {
  return (out) => new make(out);
}
