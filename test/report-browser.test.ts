import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runBin, runCli } from './helpers/run-cli.js';
import { appendRecord, imageBytes } from '@tracegen/runtime';
import { loadSchemaText } from '../generator/schema/load-schema.js';

const TMP = resolve(ROOT, 'test/tmp/report');
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
let browser: Browser;

beforeAll(async () => {
  rmSync(TMP, { recursive: true, force: true });
  mkdirSync(TMP, { recursive: true });
  if (!CHROMIUM) throw new Error("no chromium: install Debian's chromium package (.ci/run does)");
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
});
afterAll(async () => {
  await browser?.close();
});

interface Stats {
  total: number;
  unit: string;
  events: { name: string; count: number }[];
  spans: {
    name: string;
    count: number;
    unmatched: number;
    min: number;
    p50: number;
    p90: number;
    p99: number;
    max: number;
    mean: number;
  }[];
}

async function open(input: string, extra: string[], name: string) {
  const html = join(TMP, `${name}.html`);
  const made = await runCli(['report', input, '-o', html, ...extra]);
  expect(made.code, made.stderr).toBe(0);
  const stats = JSON.parse((await runCli(['stats', input, '--format', 'json', ...extra])).stdout) as Stats;
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(pathToFileURL(html).href);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
  return { page, errors, stats, html };
}

/** The table line `decode` prints for the record at this timestamp and cpu: its fields. */
async function decodedFields(input: string, extra: string[], cpu: number, event: string, ts: string): Promise<string[]> {
  const table = (await runCli(['decode', input, '--cpu', String(cpu), '--event', event, ...extra])).stdout.split('\n');
  return table.filter((l) => l.trimStart().startsWith(`${ts} `)).map((l) => l.slice(l.indexOf(event) + event.length).trim());
}

describe('tracegen report in a browser (Debian chromium)', () => {
  const cases = [
    { name: 'kernel', input: 'test/fixtures/veridian-seed/rings.bin', extra: ['--schema', 'schema/veridian.yaml'] },
    { name: 'runtime', input: 'runtime-capture', extra: [] as string[] },
  ];

  it.each(cases)(
    '$name: no console error; the page shows the numbers of stats --format json; zoom; hover shows the decoded record',
    async (c) => {
      let input = c.input;
      if (input === 'runtime-capture') {
        input = join(TMP, 'pool.trace');
        const r = spawnSync(process.execPath, ['dist/examples/worker-pool/main.js', input, '2', '300'], { cwd: ROOT, encoding: 'utf8' });
        expect(r.status, r.stderr).toBe(0);
      }
      const { page, errors, stats, html } = await open(input, c.extra, c.name);
      // counts and percentiles as the page renders them
      for (const e of stats.events)
        expect(await page.getAttribute(`tr[data-event="${e.name}"] [data-stat="count"]`, 'data-value')).toBe(String(e.count));
      for (const sp of stats.spans)
        for (const key of ['count', 'unmatched', 'min', 'p50', 'p90', 'p99', 'max', 'mean'] as const)
          expect([sp.name, key, await page.getAttribute(`tr[data-span="${sp.name}"] [data-stat="${key}"]`, 'data-value')]).toEqual([
            sp.name,
            key,
            String(sp[key]),
          ]);
      expect(await page.locator('canvas[data-span]').count()).toBe(stats.spans.length);

      // zoom in with the keyboard and the wheel: the range shown narrows
      const range = async () => {
        const r = page.locator('#range');
        return Number(await r.getAttribute('data-to')) - Number(await r.getAttribute('data-from'));
      };
      const before = await range();
      await page.focus('#timeline-wrap');
      await page.keyboard.press('+');
      expect(await range()).toBeCloseTo(before / 2, 3);
      const box = (await page.locator('#timeline').boundingBox())!;
      await page.mouse.move(box.x + box.width / 2, box.y + 10);
      await page.mouse.wheel(0, -100);
      expect(await range()).toBeCloseTo((before / 2) * 0.8, 3);
      await page.keyboard.press('0');
      expect(await range()).toBeCloseTo(before, 3);

      // hover along the first lane until a record shows; it reads as decode's table reads it
      let tip = '';
      for (let x = 70; x < box.width && !tip; x += 3) {
        await page.mouse.move(box.x + x, box.y + 24);
        if (await page.locator('#tip').isVisible()) tip = await page.locator('#tip').innerText();
      }
      const m = /^(\S+)(?: s)? {2}cpu (\d+) {2}(\w+) ?(.*)$/.exec(tip);
      expect(m, tip).not.toBeNull();
      const [, ts, cpu, event, fields] = m!;
      expect(await decodedFields(input, c.extra, Number(cpu), event!, ts!)).toContain(fields);

      await page.screenshot({ path: join(TMP, `${c.name}.png`), fullPage: true });
      expect(statSync(join(TMP, `${c.name}.png`)).size).toBeGreaterThan(10_000);
      expect(errors).toEqual([]);
      expect(readFileSync(html, 'utf8')).not.toMatch(/<(script|link)[^>]+(src|href)=/);
      await page.close();
    },
  );

  it('a counter field: the page shows its min, max, mean and latest value beside stats, and plots it', async () => {
    const schemaPath = join(TMP, 'queue.yaml');
    const text = `tracegen: 1
name: queue
clock: { unit: ns, frequency: 1000000000 }
layout: { ring_size: 16, rings: 2 }
events:
  - { id: 0, name: queue_depth, doc: sampled, fields: [{ name: depth, word: data0, type: u32, counter: true, unit: jobs }] }
`;
    writeFileSync(schemaPath, text);
    const layout = loadSchemaText(text, schemaPath).model!.layout;
    const image = new Uint8Array(imageBytes(layout));
    for (const [i, depth] of [3, 9, 1, 5].entries())
      appendRecord(image, layout, i % 2, { timestamp: BigInt(1000 * (i + 1)), id: 0, cpu: i % 2, data0: BigInt(depth), data1: 0n });
    const input = join(TMP, 'queue.bin');
    writeFileSync(input, image);
    const { page, errors } = await open(input, ['--schema', schemaPath], 'counters');
    const rows = await page.locator('#counters tr').allTextContents();
    expect(rows).toEqual(['countercountminmaxmeanlast', 'queue_depth.depth41 jobs9 jobs4.5 jobs5 jobs']);
    // and a plot of its values over time: one point per record
    const plot = page.locator('canvas[data-counter="queue_depth.depth"]');
    expect(await plot.getAttribute('data-points')).toBe('4');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('whatever text a schema or a file name carries reaches the page as that text, never as markup or script', async () => {
    const schema = readFileSync('schema/veridian.yaml', 'utf8');
    const field = '{ name: error_code, word: data1, type: page_fault_error';
    expect(schema).toContain(field);
    const specials = [
      '<!--',
      '</script>',
      '</SCRIPT',
      '<script>alert(1)</script>',
      '\u2028\u2029',
      '\ud800',
      '\udfff<!--',
      '&amp;',
      '"\'`${x}',
    ];
    const text = fc.oneof(
      fc.constantFrom(...specials),
      fc.string({ unit: 'binary', maxLength: 16 }),
      fc.string({ unit: 'grapheme-ascii', maxLength: 32 }),
    );
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    let run = 0;
    await fc.assert(
      fc.asyncProperty(text, text, async (unit, name) => {
        unit = unit.slice(0, 32);
        // a file name holds well-formed text without '/' or NUL; the schema may hold anything (as YAML escapes)
        const fileName = `${Buffer.from(name).toString().replace(/[/\0]/g, '_')}.bin`;
        const dir = join(TMP, `text-${run++}`);
        mkdirSync(dir, { recursive: true });
        const input = join(dir, fileName === '.bin' ? 'x.bin' : fileName);
        const schemaPath = join(dir, 'schema.yaml');
        writeFileSync(schemaPath, schema.replace(field, `${field}, unit: ${JSON.stringify(unit)}`));
        writeFileSync(input, readFileSync('test/fixtures/veridian-seed/rings.bin'));
        const html = join(dir, 'r.html');
        const made = await runCli(['report', input, '--schema', schemaPath, '-o', html]);
        expect(made.code, made.stderr).toBe(0);
        errors.length = 0;
        await page.goto(pathToFileURL(html).href);
        await page.waitForSelector('body[data-ready="true"]', { timeout: 10_000 });
        // (a string: the page's globals are not this file's to type)
        const seen = (await page.evaluate(`({
          h1: document.querySelector('h1').textContent,
          scripts: document.scripts.length,
          units: JSON.parse(document.getElementById('meta').textContent).fields,
        })`)) as { h1: string; scripts: number; units: unknown };
        expect(errors).toEqual([]);
        expect(seen.scripts).toBe(3);
        expect(seen.h1).toBe(`veridian: ${input}`);
        // (the window title is the browser's: Chromium shows control characters there as spaces)
        expect(JSON.stringify(seen.units)).toContain(JSON.stringify(unit));
        rmSync(dir, { recursive: true, force: true });
      }),
      // every special string once as the unit and once in the file name, then random ones
      {
        numRuns: 8,
        examples: specials.flatMap(
          (x) =>
            [
              [x, 'a'],
              ['b', x],
            ] as [string, string][],
        ),
      },
    );
    await page.close();
  });

  it('a trace past a million records: a bounded page that opens at once, with exact figures; --full keeps every record', async () => {
    const big = join(TMP, 'big.trace');
    const made = spawnSync(process.execPath, ['dist/bench/make-capture.js', big, '40'], { cwd: ROOT, encoding: 'utf8' });
    expect(made.status, made.stderr).toBe(0);
    const { page, errors, stats, html } = await open(big, [], 'big');
    expect(stats.total).toBeGreaterThan(1_000_000);
    const note = await page.textContent('#bucketed');
    expect(note).toMatch(new RegExp(`^The timeline shows \\d+ of ${stats.total} records`));
    for (const e of stats.events)
      expect(await page.getAttribute(`tr[data-event="${e.name}"] [data-stat="count"]`, 'data-value')).toBe(String(e.count));
    for (const sp of stats.spans)
      expect(await page.getAttribute(`tr[data-span="${sp.name}"] [data-stat="p99"]`, 'data-value')).toBe(String(sp.p99));
    expect(errors).toEqual([]);
    expect(statSync(html).size).toBeLessThan(2 * 1024 * 1024);
    await page.close();
    const full = join(TMP, 'big-full.html');
    const r = await runCli(['report', big, '--full', '-o', full]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe(`wrote ${full} (${stats.total} events, ${Math.round(statSync(full).size / 1024)} KiB)\n`);
    expect(readFileSync(full, 'utf8')).toContain('"bucketed":null');
  }, 120_000);

  it('-o that cannot be written: one line, exit 1, nothing left behind', () => {
    const r = runBin(['report', 'test/fixtures/veridian-seed/rings.bin', '--schema', 'schema/veridian.yaml', '-o', '/proc/nope/r.html']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^tracegen: cannot write \/proc\/nope\/r\.html: /);
    expect(runBin(['report', 'test/fixtures/veridian-seed/rings.bin', '--schema', 'schema/veridian.yaml']).code).toBe(2);
  });
});
