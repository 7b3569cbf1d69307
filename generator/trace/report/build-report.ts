import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { packageRoot } from '../../package-root.js';
import type { TraceStats } from '../stats/trace-stats.js';
import { statsJson } from '../stats/stats-format.js';
import { fieldTables, type ReportColumns } from './report-data.js';

const PAGE_DIR = () => join(packageRoot(), 'generator', 'trace', 'report', 'page');

/**
 * The runtime's field reader as a script of the page (the one codec: the page decodes no field
 * itself): its module and the ones it imports, from the runtime's build, inside a function that
 * returns what the page calls. The modules are tsc's output of our own code: their imports are
 * dropped (they are all here) and `export` taken off their declarations.
 */
const CODEC_MODULES = ['layout.js', 'bits.js', 'field-codec.js', 'field-reader.js'];
function codecScript(): string {
  const dir = dirname(createRequire(import.meta.url).resolve('@tracegen/runtime'));
  const sources = CODEC_MODULES.map((m) =>
    readFileSync(join(dir, m), 'utf8')
      .replace(/^import\b[\s\S]*?\bfrom\s*'[^']+';[^\S\n]*$/gm, '')
      .replace(/^export \{[^}]*\};?[^\S\n]*$/gm, '')
      .replace(/^export (?=(?:async )?(?:function|const|let|class)\b)/gm, '')
      .replace(/^\/\/# sourceMappingURL=.*$/gm, ''),
  );
  return `const codec = (() => {\n${sources.join('\n')}\nreturn { readField, argumentMisfitBit, argumentMisfitText };\n})();\n`;
}

/** The page's own script inside a <script> element: no `</script`, no comment opener. */
const scriptSafe = (text: string) => text.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
/**
 * A value as JSON that can sit inside a <script> element and parse back to the same value: `<`,
 * `>` and `&` as JSON escapes (so no `</script` or `<!--` can appear, whatever a schema, trace or
 * file name holds), and U+2028/U+2029 too. JSON.stringify already escapes lone surrogates.
 */
const jsonForScript = (value: unknown) =>
  JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The report as one HTML file: the page's style and script, the figures of `stats` and the
 * field tables as JSON, and the record columns as base64 of gzip, all inline: it opens from
 * disk with no network and no server.
 */
export function buildReport(stats: TraceStats, columns: ReportColumns, input: string, laneName: 'cpu' | 'thread'): string {
  const model = columns.decoder!.model;
  const { blob, layout, first } = columns.encode();
  const meta = {
    input,
    schema: model.name,
    frequency: columns.frequency,
    first,
    // a bucketed timeline (report-data.ts): what the page keeps of how many
    bucketed: columns.bucketed ? { kept: columns.kept, of: columns.count, buckets: columns.bucketed.buckets } : null,
    laneName,
    layout,
    fields: fieldTables(model),
    // the texts of string fields' ids, as [id, text]
    strings: [...columns.decoder!.strings],
    stats: statsJson(stats, input),
    // per span, every power of two from its shortest duration's to its longest's, with counts
    histograms: stats.spans.map((sp) => {
      const keys = [...sp.log2.keys()];
      if (!keys.length) return [];
      const lo = Math.min(...keys);
      const hi = Math.max(...keys);
      return Array.from({ length: hi - lo + 1 }, (_, j) => [lo + j, sp.log2.get(lo + j) ?? 0]);
    }),
  };
  const css = readFileSync(join(PAGE_DIR(), 'report.css'), 'utf8');
  const js = codecScript() + readFileSync(join(PAGE_DIR(), 'report.js'), 'utf8');
  const clock = columns.frequency ? `${model.clock.unit} at ${columns.frequency} Hz` : `${model.clock.unit}, frequency unknown`;
  const title = `${model.name}: ${input}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="tracegen report">
<title>${escapeHtml(title)}</title>
<style>
${css}</style>
</head>
<body>
<header>
<h1>${escapeHtml(title)}</h1>
<span class="meta">schema <b>${escapeHtml(model.name)}</b></span>
<span class="meta">clock ${escapeHtml(clock)}</span>
<span class="meta">${stats.events} events</span>
<span class="meta" id="range"></span>
</header>
<main>
<div id="timeline-wrap" tabindex="0"><canvas id="timeline"></canvas><div id="tip"></div></div>
<p class="help">Wheel or + and - to zoom, drag or the arrow keys to pan, 0 to see everything; hover or click a tick for its record.</p>
<pre id="record"></pre>
<section><h2>Spans</h2><table id="spans"></table><p class="note" id="spans-unit"></p><div class="hists" id="hists"></div></section>
<section><h2>Events</h2><table id="events"></table></section>
<section><h2>Counters</h2><table id="counters"></table><div class="hists" id="counter-plots"></div></section>
<section><h2>Lost</h2><table id="lost"></table></section>
</main>
<script type="application/json" id="meta">${jsonForScript(meta)}</script>
<script type="application/octet-stream" id="records">${blob.toString('base64')}</script>
<script>
${scriptSafe(js)}</script>
</body>
</html>
`;
}
