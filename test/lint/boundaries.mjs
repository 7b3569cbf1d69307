#!/usr/bin/env node
// The folder boundaries `npm run lint` enforces beside Biome (which finds cycles between files):
// - runtime/ imports nothing outside itself, and no package: applications load it alone;
// - generated/ imports only the runtime's package: tracing never loads the generator;
// - inside generator/, imports go one way, down the layers of docs/architecture.md: the schema
//   side never imports the trace side, the reader no view, a view no view of its own layer;
// - and the folders of generator/ (and its top-level modules) depend on each other without cycles.
// Prints each violation as FILE: message and exits 1 when there is one.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

// the tree to check: this repository, or the one `BOUNDARIES_ROOT` names (the lint's own test)
const ROOT = process.env.BOUNDARIES_ROOT ?? join(dirname(fileURLToPath(import.meta.url)), '../..');
const IMPORT = /^\s*(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm;

function files(dir) {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return files(path);
    return /\.(ts|mts|mjs)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

function importsOf(file) {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return [...text.matchAll(IMPORT)].map((m) => m[1] ?? m[2]);
}

/** The node of the folder graph a file belongs to: generator/<folder>, or the file itself at generator/'s top. */
function nodeOf(file) {
  const parts = file.split(sep);
  if (parts[0] !== 'generator') return parts[0];
  // the two halves hold folders: generator/schema/<folder>, generator/trace/<folder>
  const depth = parts[1] === 'schema' || parts[1] === 'trace' ? 3 : 2;
  return parts.length > depth ? parts.slice(0, depth).join('/') : parts.join('/');
}

/**
 * The layers of generator/, lowest first (docs/architecture.md): a node imports only nodes of its
 * own layer or below; the views of one layer are apart (none imports another).
 */
const LAYERS = [
  { name: 'base', nodes: ['generator/fs', 'generator/package-root.ts'] },
  { name: 'schema side', prefix: 'generator/schema' },
  { name: 'the reader', nodes: ['generator/trace/read'] },
  { name: 'the output rule', nodes: ['generator/trace/write-aside.ts', 'generator/trace/output'] },
  { name: 'views', apart: true, nodes: ['generator/trace/decode', 'generator/trace/stats', 'generator/trace/export'] },
  { name: 'views on views', apart: true, nodes: ['generator/trace/report', 'generator/trace/query'] },
  { name: 'the views registry', nodes: ['generator/trace/views.ts'] },
  { name: 'the CLI and the API', nodes: ['generator/cli', 'generator/index.ts'] },
];
function layerOf(node) {
  const i = LAYERS.findIndex((l) => (l.prefix ? node.startsWith(`${l.prefix}/`) : l.nodes.includes(node)));
  return i;
}

const problems = [];
const edges = new Map();
for (const top of ['runtime', 'generated', 'generator']) {
  for (const file of files(top)) {
    for (const spec of importsOf(file)) {
      const local = spec.startsWith('.');
      const target = local ? relative(ROOT, join(ROOT, dirname(file), spec)) : spec;
      if (top === 'runtime' && (!local || !target.startsWith(`runtime${sep}`)))
        problems.push(`${file}: imports ${spec}; the runtime imports nothing outside runtime/`);
      if (top === 'generated' && spec !== '@tracegen/runtime')
        problems.push(`${file}: imports ${spec}; generated code imports only the runtime, as @tracegen/runtime`);
      if (top === 'generator' && local) {
        const [from, to] = [nodeOf(file), nodeOf(target.replace(/\.js$/, '.ts'))];
        if (from !== to && to.startsWith('generator')) {
          if (!edges.has(from)) edges.set(from, new Map());
          edges.get(from).set(to, file);
          const [a, b] = [layerOf(from), layerOf(to)];
          if (a < 0 || b < 0)
            problems.push(`${file}: ${a < 0 ? from : to} is in no layer of docs/architecture.md (test/lint/boundaries.mjs)`);
          else if (b > a) problems.push(`${file}: imports ${spec}; ${LAYERS[a].name} (${from}) may not import ${LAYERS[b].name} (${to})`);
          else if (a === b && LAYERS[a].apart) problems.push(`${file}: imports ${spec}; the views ${from} and ${to} are apart`);
        }
      }
    }
  }
}

// a cycle between folders: depth-first search for a back edge
const state = new Map();
const stack = [];
function visit(node) {
  state.set(node, 'open');
  stack.push(node);
  for (const [next, file] of edges.get(node) ?? []) {
    if (state.get(next) === 'open')
      problems.push(`${file}: ${[...stack.slice(stack.indexOf(next)), next].join(' -> ')} is a cycle between folders`);
    else if (!state.has(next)) visit(next);
  }
  stack.pop();
  state.set(node, 'done');
}
for (const node of edges.keys()) if (!state.has(node)) visit(node);

for (const p of problems) process.stderr.write(`${p}\n`);
if (problems.length) process.exit(1);
process.stdout.write(`boundaries: ok (${edges.size} folders of generator/, no cycle; runtime/ and generated/ self-contained)\n`);
