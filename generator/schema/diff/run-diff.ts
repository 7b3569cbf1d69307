import type { LoadResult } from '../load-schema.js';
import type { SchemaModel } from '../model/model.js';
import { compareSchemas } from './compare.js';
import { fails, type FailOn, type Finding } from './finding.js';
import { SchemaLocator } from './locate.js';

/** The findings between two loaded, valid schemas, sorted: failing first, then by file and line. */
export function diffLoaded(base: LoadResult & { model: SchemaModel }, next: LoadResult & { model: SchemaModel }): Finding[] {
  const findings = compareSchemas(
    { model: base.model, at: new SchemaLocator(base.file, base.source) },
    { model: next.model, at: new SchemaLocator(next.file, next.source) },
  );
  const rank = { wire: 0, source: 1, compatible: 2 };
  return findings.sort(
    (a, b) => rank[a.category] - rank[b.category] || a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column,
  );
}

/** Findings as the renderer prints them: errors where they fail the check, warnings otherwise. */
export function asReportable(findings: readonly Finding[], failOn: FailOn) {
  return findings.map((f) => ({ ...f, severity: fails(f.category, failOn) ? ('error' as const) : ('warning' as const) }));
}
