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

describe('tracegen --version and tracegen help', () => {
  it('--version prints the package version', async () => {
    const r = await runCli(['--version']);
    expect([r.code, r.stdout]).toEqual([0, `${(JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version}\n`]);
  });

  it("help <command> is the command's --help; an unknown one is a usage error", async () => {
    for (const c of COMMANDS) expect((await runCli(['help', c.name])).stdout).toBe((await runCli([c.name, '--help'])).stdout);
    const r = await runCli(['help', 'nope']);
    expect([r.code, r.stderr]).toEqual([
      2,
      "tracegen: no command 'nope' (the commands: validate, generate, diff, decode, stats, report, export, query)\n",
    ]);
  });
});
