import { MAX_OPEN_SPANS } from '../read/span-matcher.js';
import { MAX_CHAINS } from './flow-chains.js';
import type { SpanStats, TraceStats } from './trace-stats.js';

/** A number as JSON carries it: a number when it is one exactly (durations to the picosecond), else a string. */
function jsonNumber(v: number | bigint | undefined): number | string | null {
  if (v === undefined) return null;
  if (typeof v === 'bigint') return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
  if (Math.abs(v) > Number.MAX_SAFE_INTEGER) return BigInt(Math.round(v)).toString();
  return Math.round(v * 1000) / 1000;
}

/** Events per second, when the clock's frequency is known. */
function rateOf(count: number, s: TraceStats): number | undefined {
  if (!s.frequency || s.first === undefined || s.last === undefined || s.last === s.first) return undefined;
  return count / (Number(s.last - s.first) / s.frequency);
}

/** The object `stats --format json` prints (and the report embeds). */
export function statsJson(s: TraceStats, input: string): object {
  return {
    input,
    schema: s.schema,
    clock: { unit: s.clockUnit, frequency: s.frequency || null },
    unit: s.unit,
    total: s.events,
    first: jsonNumber(s.first),
    last: jsonNumber(s.last),
    events: s.byEvent.map((e) => ({
      name: e.name,
      id: e.id,
      count: e.count,
      perCpu: Object.fromEntries([...e.perCpu].map(([cpu, n]) => [String(cpu), n])),
      rate: jsonNumber(rateOf(e.count, s)),
    })),
    spans: s.spans.map((sp) => ({
      name: sp.name,
      count: sp.count,
      unmatched: sp.unmatchedBegins + sp.unmatchedEnds,
      unmatchedBegins: sp.unmatchedBegins,
      unmatchedEnds: sp.unmatchedEnds,
      evicted: sp.evicted,
      backwards: sp.backwards,
      min: jsonNumber(sp.min),
      p50: jsonNumber(sp.p50),
      p90: jsonNumber(sp.p90),
      p99: jsonNumber(sp.p99),
      max: jsonNumber(sp.max),
      mean: jsonNumber(sp.mean),
      unit: s.unit,
      exact: sp.exact,
    })),
    counters: s.counters.map((c) => ({
      event: c.event,
      field: c.field,
      count: c.count,
      min: jsonNumber(c.min),
      max: jsonNumber(c.max),
      mean: jsonNumber(c.mean),
      last: jsonNumber(c.last),
      unit: c.unit ?? null,
    })),
    flows: s.flows.map((f) => ({
      name: f.name,
      chains: f.chains,
      linked: f.linked,
      records: f.records,
      evicted: f.evicted,
      min: jsonNumber(f.min),
      p50: jsonNumber(f.p50),
      p90: jsonNumber(f.p90),
      p99: jsonNumber(f.p99),
      max: jsonNumber(f.max),
      mean: jsonNumber(f.mean),
      unit: s.unit,
    })),
    threads: s.threads,
    lost: s.lost,
  };
}

/** A rate as text: three significant digits, whole numbers from 100 up (2500, not 2.50e+3). */
export function rateText(r: number): string {
  return r >= 100 ? String(Math.round(r)) : Number(r.toPrecision(3)).toString();
}

/** A duration as text tables show it: three significant digits, in the unit shown. */
export function durationText(v: number | undefined, unit: string): string {
  if (v === undefined) return '-';
  if (unit !== 'ns') return v >= 1e6 ? v.toExponential(2) : String(Math.round(v));
  const [scaled, u] = v >= 1e9 ? [v / 1e9, 's'] : v >= 1e6 ? [v / 1e6, 'ms'] : v >= 1e3 ? [v / 1e3, 'us'] : [v, 'ns'];
  return `${scaled >= 100 ? scaled.toFixed(0) : scaled >= 10 ? scaled.toFixed(1) : scaled.toFixed(2)}${u}`;
}

function table(rows: string[][], rightAligned: (col: number) => boolean): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => (rightAligned(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

const BAR = 40;

/** A span's durations as a log-scale histogram drawn with block characters. */
function histogram(sp: SpanStats, unit: string): string {
  if (sp.count === 0) return '';
  const keys = [...sp.log2.keys()].sort((a, b) => a - b);
  const lo = keys[0]!;
  const hi = keys[keys.length - 1]!;
  const most = Math.max(...sp.log2.values());
  const lines: string[][] = [];
  for (let k = lo; k <= hi; k++) {
    const n = sp.log2.get(k) ?? 0;
    const from = k < 0 ? 0 : 2 ** k;
    const bar = n === 0 ? '' : '█'.repeat(Math.max(1, Math.round((n / most) * BAR)));
    lines.push([`  [${durationText(from, unit)},`, `${durationText(2 ** (k + 1), unit)})`, bar, String(n)]);
  }
  return `${sp.name}: durations (${unit}, log scale)\n${table(lines, (i) => i < 2 || i === 3)}\n`;
}

/** `stats` as text: aligned tables, then a histogram per span. */
export function statsText(s: TraceStats, input: string): string {
  const out: string[] = [];
  const span = s.first !== undefined && s.last !== undefined ? s.last - s.first : 0n;
  const clock = s.frequency ? `${s.clockUnit} at ${s.frequency} Hz` : `${s.clockUnit} (frequency unknown: durations in ${s.clockUnit})`;
  out.push(
    `${input}: schema ${s.schema}, clock ${clock}, ${s.events} events` +
      (s.first === undefined
        ? ''
        : ` from ${s.first} to ${s.last} (${durationText(Number(span) * (s.frequency ? 1e9 / s.frequency : 1), s.unit)})`),
    '',
  );
  if (s.threads.length) out.push(`threads: ${s.threads.map((t) => `${t.ring} ${JSON.stringify(t.name)}`).join(', ')}`, '');
  const cpus = [...new Set(s.byEvent.flatMap((e) => [...e.perCpu.keys()]))].sort((a, b) => a - b);
  out.push(
    table(
      [
        ['event', 'id', 'count', 'rate/s', ...cpus.map((c) => `cpu${c}`)],
        ...s.byEvent.map((e) => {
          const rate = rateOf(e.count, s);
          return [
            e.name,
            String(e.id),
            String(e.count),
            rate === undefined ? '-' : rateText(rate),
            ...cpus.map((c) => String(e.perCpu.get(c) ?? 0)),
          ];
        }),
      ],
      (i) => i > 0,
    ),
    '',
  );
  if (s.spans.length) {
    out.push(
      table(
        [
          ['span', 'count', 'unmatched', 'min', 'p50', 'p90', 'p99', 'max', 'mean'],
          ...s.spans.map((sp) => [
            sp.name,
            String(sp.count),
            `${sp.unmatchedBegins} begin, ${sp.unmatchedEnds} end`,
            ...[sp.min, sp.p50, sp.p90, sp.p99, sp.max, sp.mean].map((v) => durationText(v, s.unit)),
          ]),
        ],
        (i) => i > 0,
      ),
    );
    const approximate = s.spans.filter((sp) => !sp.exact).map((sp) => sp.name);
    out.push(
      `(durations in ${s.unit}; percentiles by nearest rank${approximate.length ? `, within 0.4% for ${approximate.join(', ')} (more durations than are kept exactly)` : ', exact'})`,
      '',
    );
    for (const sp of s.spans) {
      if (sp.evicted)
        out.push(
          `note: span ${sp.name}: ${sp.evicted} begins given up, counted unmatched: more than ${MAX_OPEN_SPANS} waited for their ends at once`,
        );
      if (sp.backwards)
        out.push(`note: span ${sp.name}: ${sp.backwards} ends came before their begins (the clock went backwards): not counted as spans`);
    }
    if (s.spans.some((sp) => sp.evicted || sp.backwards)) out.push('');
    for (const sp of s.spans) {
      const h = histogram(sp, s.unit);
      if (h) out.push(h);
    }
  }
  if (s.counters.length)
    out.push(
      table(
        [
          ['counter', 'count', 'min', 'max', 'mean', 'last'],
          ...s.counters.map((c) => {
            const unit = c.unit ? ` ${c.unit}` : '';
            const v = (x: number | undefined) => (x === undefined ? '-' : `${Number(x.toPrecision(6))}${unit}`);
            return [`${c.event}.${c.field}`, String(c.count), v(c.min), v(c.max), v(c.mean), v(c.last)];
          }),
        ],
        (i) => i > 0,
      ),
      '',
    );
  if (s.flows.length) {
    out.push(
      table(
        [
          ['flow', 'chains', 'linked', 'records', 'min', 'p50', 'p90', 'p99', 'max', 'mean'],
          ...s.flows.map((f) => [
            f.name,
            String(f.chains),
            String(f.linked),
            String(f.records),
            ...[f.min, f.p50, f.p90, f.p99, f.max, f.mean].map((v) => durationText(v, s.unit)),
          ]),
        ],
        (i) => i > 0,
      ),
      `(end-to-end times of the linked chains, first record to last, in ${s.unit})`,
      '',
    );
    for (const f of s.flows)
      if (f.evicted)
        out.push(`note: flow ${f.name}: ${f.evicted} chains taken as ended early: more than ${MAX_CHAINS} were followed at once`, '');
  }
  if (s.lost.length)
    out.push(
      `lost: ${s.lost.map((l) => `ring ${l.ring} ${l.overwritten} overwritten${l.dropped ? `, ${l.dropped} dropped` : ''}`).join('; ')}`,
      '',
    );
  return `${out.join('\n').trimEnd()}\n`;
}
