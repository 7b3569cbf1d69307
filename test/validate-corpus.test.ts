import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { jsonSchemaErrors } from '../generator/schema/check/json-schema.js';
import { structuralCode } from '../generator/schema/check/structure.js';
import { loadSchemaFile } from '../generator/schema/load-schema.js';

const DIR = new URL('./schemas/invalid/', import.meta.url);
const cases = readFileSync(new URL('expected.tsv', DIR), 'utf8')
  .split('\n')
  .filter((l) => l && !l.startsWith('#'))
  .map((l) => {
    const [file, code, pos, phase] = l.split('\t') as [string, string, string, string];
    const [line, column] = pos.split(':').map(Number) as [number, number];
    return { file, code, line, column, phase };
  });

describe('the corpus of broken schemas', () => {
  it('has at least 40 cases, one file each', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
    expect(new Set(cases.map((c) => c.file)).size).toBe(cases.length);
  });

  it.each(cases)('$file: first error is $code at $line:$column', ({ file, code, line, column }) => {
    const result = loadSchemaFile(new URL(file, DIR).pathname);
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    expect(result.model).toBeUndefined();
    expect(errors.length).toBeGreaterThan(0);
    expect({ code: errors[0]!.code, line: errors[0]!.line, column: errors[0]!.column }).toEqual({ code, line, column });
  });

  // The JSON Schema is what editors see: it must reject exactly the cases the validator's
  // structural phase rejects, and accept (as far as it can tell) the ones only the semantic
  // checks catch.
  it.each(cases.filter((c) => c.phase !== 'yaml'))('JSON Schema agrees on $file ($phase)', ({ file, code, phase }) => {
    const value = parseDocument(readFileSync(new URL(file, DIR), 'utf8')).toJS();
    const codes = jsonSchemaErrors(value).map(structuralCode).filter(Boolean);
    if (phase === 'json-schema') expect(codes).toContain(code);
    else expect(codes).toEqual([]);
  });
});

describe('valid schemas', () => {
  it('schema/veridian.yaml is valid, warning-free, and the JSON Schema accepts it', () => {
    const path = new URL('../schema/veridian.yaml', import.meta.url).pathname;
    const result = loadSchemaFile(path);
    expect(result.diagnostics).toEqual([]);
    expect(result.model?.events.map((e) => [e.id, e.names.snake, e.variant])).toEqual([
      [0, 'syscall_entry', 'SyscallEntry'],
      [1, 'syscall_exit', 'SyscallExit'],
      [2, 'sched_switch_out', 'SchedSwitchOut'],
      [3, 'sched_switch_in', 'SchedSwitchIn'],
      [4, 'ipc_fast_send', 'IpcFastSend'],
      [5, 'ipc_fast_recv', 'IpcFastReceive'],
      [6, 'frame_alloc', 'FrameAlloc'],
      [7, 'frame_free', 'FrameFree'],
      [8, 'page_fault', 'PageFault'],
      [9, 'ipc_slow_path', 'IpcSlowPath'],
    ]);
    expect(jsonSchemaErrors(parseDocument(readFileSync(path, 'utf8')).toJS())).toEqual([]);
  });

  it('names the JSON Schema for editors on its first line', () => {
    const first = readFileSync(new URL('../schema/veridian.yaml', import.meta.url), 'utf8').split('\n')[0];
    expect(first).toBe('# yaml-language-server: $schema=./tracegen.schema.json');
  });

  it('models the veridian fields with the narrowest types', () => {
    const model = loadSchemaFile(new URL('../schema/veridian.yaml', import.meta.url).pathname).model!;
    const field = (event: string, name: string) =>
      model.events.find((e) => e.names.snake === event)!.fields.find((f) => f.names.snake === name)!;
    expect(field('syscall_entry', 'syscall_nr').type).toEqual({ kind: 'uint', width: 32 });
    expect(field('syscall_exit', 'ret').type).toEqual({ kind: 'int', width: 64 });
    expect(field('syscall_exit', 'ret').format).toBe('signed');
    expect(field('frame_alloc', 'frame').format).toBe('hex');
    expect(field('page_fault', 'error_code').type.kind).toBe('flags');
    expect(field('page_fault', 'error_code').big).toBe(false);
    expect(model.layout).toEqual({ ringSize: 4096, rings: 16 });
    expect(model.clock).toMatchObject({ unit: 'cycles', frequency: undefined });
    expect(model.spans.map((s) => [s.begin.names.snake, s.end.names.snake, s.match])).toEqual([
      ['syscall_entry', 'syscall_exit', 'syscall_nr'],
    ]);
  });
});
