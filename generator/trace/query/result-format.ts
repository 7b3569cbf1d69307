import type { DuckDBValue } from '@duckdb/node-api';
import type { RowStream } from '../export/duckdb.js';

export type QueryFormat = 'table' | 'csv' | 'json' | 'jsonl';

/** A cell as JSON has it: numbers when exact (within 2^53), else decimal strings; null for NULL. */
export function jsonValue(v: DuckDBValue): unknown {
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  if (typeof v === 'bigint') return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v.toString();
  // dates, decimals, lists, structs: DuckDB's own text
  return String(v);
}

/** A cell for JavaScript: numbers, strings, booleans, bigints and null as they are; anything else as DuckDB's text. */
export function jsValue(v: DuckDBValue): null | boolean | number | string | bigint {
  if (v === null || typeof v === 'boolean' || typeof v === 'number' || typeof v === 'string' || typeof v === 'bigint') return v;
  return String(v);
}

function text(v: DuckDBValue): string {
  return v === null ? 'NULL' : String(v);
}

function csvCell(v: DuckDBValue): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/**
 * Writes a query's rows as they arrive (csv, jsonl, json), or all at once aligned (table),
 * so a large result streams through in chunks of DuckDB's vector size.
 */
export async function writeResult(result: RowStream, format: QueryFormat, write: (s: string) => void): Promise<number> {
  const names = result.names;
  let rows = 0;
  if (format === 'table') {
    const all: string[][] = [];
    for (let c = await result.next(); c; c = await result.next()) for (const row of c.getRows()) all.push(row.map(text));
    const widths = names.map((n, i) => Math.max(n.length, ...all.map((r) => r[i]!.length)));
    const numeric = names.map((_, i) => all.length > 0 && all.every((r) => /^-?\d+(\.\d+)?(e[+-]?\d+)?$|^NULL$/.test(r[i]!)));
    const line = (cells: string[]) =>
      cells
        .map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd();
    write(`${line(names)}\n${line(widths.map((w) => '-'.repeat(w)))}\n`);
    for (const r of all) write(`${line(r)}\n`);
    write(`(${all.length} row${all.length === 1 ? '' : 's'})\n`);
    return all.length;
  }
  if (format === 'csv') write(`${names.map((n) => csvCell(n)).join(',')}\n`);
  if (format === 'json') write('[');
  for (let c = await result.next(); c; c = await result.next()) {
    let out = '';
    for (const row of c.getRows()) {
      if (format === 'csv') out += `${row.map(csvCell).join(',')}\n`;
      else {
        const obj: Record<string, unknown> = {};
        names.forEach((n, i) => {
          obj[n] = jsonValue(row[i]!);
        });
        out += format === 'jsonl' ? `${JSON.stringify(obj)}\n` : `${rows ? ',' : ''}\n${JSON.stringify(obj)}`;
      }
      rows++;
    }
    write(out);
  }
  if (format === 'json') write(rows ? '\n]\n' : ']\n');
  return rows;
}
