import type { Category, Finding } from './finding.js';

const SECTIONS: [Category, string, string][] = [
  ['wire', 'Breaks traces already written', 'Traces written before this change would be read with another meaning.'],
  ['source', 'Breaks code', 'Old traces still decode; code using the generated API or decoded output by name needs changes.'],
  ['compatible', 'Compatible', 'New and changed things that break nothing.'],
];

/**
 * The changes of a schema as a release note of its tracepoints: one section per category, one
 * line per finding with its rule code.
 *
 * @example
 * process.stdout.write(changelog(findings, 'veridian', 'origin/main'));
 */
export function changelog(findings: readonly Finding[], schemaName: string, baseline: string): string {
  let out = `# Changes to the tracepoints of \`${schemaName}\`\n\nSince ${baseline}.\n`;
  if (findings.length === 0) return out + '\nNo changes.\n';
  for (const [category, title, intro] of SECTIONS) {
    const these = findings.filter((f) => f.category === category);
    if (these.length === 0) continue;
    out += `\n## ${title}\n\n${intro}\n\n`;
    for (const f of these) out += `- ${inline(capitalise(f.message))} (\`${f.code}\`, ${f.file}:${f.line})\n`;
  }
  return out;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Schema names are identifiers, but docs-free text still must not start Markdown constructs mid-line. */
function inline(s: string): string {
  return s.replace(/[\r\n]+/g, ' ').replace(/([<>])/g, '\\$1');
}
