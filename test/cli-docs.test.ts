/** The CLI's options are declared once (generator/cli/commands.ts): help and docs follow them. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../generator/cli/commands.js';
import { runCli } from './helpers/run-cli.js';

const DOCS = readFileSync('docs/cli.md', 'utf8');

describe.each(COMMANDS.map((c) => ({ command: c.name, spec: c })))('tracegen $command', ({ command, spec }) => {
  it('--help shows every option the parser takes', async () => {
    const r = await runCli([command, '--help']);
    expect(r.code).toBe(0);
    for (const o of spec.options) expect(r.stdout).toContain(`--${o.name}`);
  });

  it('docs/cli.md describes every option', () => {
    expect(DOCS).toContain(`tracegen ${command}`);
    for (const o of spec.options.filter((x) => x.name !== 'help')) expect([command, DOCS.includes(`--${o.name}`)]).toEqual([command, true]);
  });

  it('tracegen --help lists it with its options', async () => {
    const r = await runCli(['--help']);
    expect(r.stdout).toContain(`  ${command} ${spec.args}`);
    for (const o of spec.options.filter((x) => x.name !== 'help')) expect(r.stdout).toContain(`--${o.name}`);
  });
});
