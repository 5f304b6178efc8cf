/**
 * The HTML report end to end: `report --html` writes it from files on disk, and a real Chromium
 * (Debian's, driven headless by puppeteer-core) shows it: every chart drawn, no console error, no
 * request, filters that work, and hostile answers shown as text that runs nothing.
 *
 * Without Chromium the browser part is skipped with a message, except in CI (CI=true), where it
 * fails: .ci/run installs Chromium so that CI really runs it.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeHtmlReport } from '../src/cli/commands/report-html.js';
import { compareRuns } from '../src/compare/compare.js';
import { loadDataset } from '../src/dataset/load.js';
import { writeResult } from '../src/results/write.js';
import type { RunResult } from '../src/results/schema.js';
import { explorerRows } from '../src/report/html/explorer.js';
import { PAYLOAD, reportDataset, reportRun } from '../src/report/html/test-fixtures.js';
import { runCli } from './helpers/cli.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const HAS_CHROMIUM = existsSync(CHROMIUM);
const IN_CI = process.env.CI === 'true';
const SCREENSHOT = join(tmpdir(), 'html', 'report.png');
if (!HAS_CHROMIUM && !IN_CI) console.warn(`html-report: browser tests skipped, no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`);

/** A run and its dataset written as a user would have them: result JSON files and a dataset folder. */
async function writeFiles(): Promise<{ dir: string; run: RunResult; result: string; baseline: string; dataset: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'ragvft-html-'));
  const run = reportRun();
  const ds = reportDataset(run);
  const dataset = join(dir, 'dataset');
  mkdirSync(dataset);
  const jsonl = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
  writeFileSync(join(dataset, 'dataset.json'), JSON.stringify(ds.manifest));
  writeFileSync(join(dataset, 'corpus.jsonl'), jsonl(ds.documents));
  writeFileSync(join(dataset, 'questions.jsonl'), jsonl(ds.questions));
  const hash = (await loadDataset(dataset)).hash;
  const base = reportRun({ id: 'base', seed: 7 });
  for (const r of [run, base]) r.run.datasetHash = hash;
  const result = join(dir, 'result.json');
  const baseline = join(dir, 'baseline.json');
  writeFileSync(result, JSON.stringify(run));
  writeFileSync(baseline, JSON.stringify(base));
  return { dir, run, result, baseline, dataset };
}

describe('report --html', () => {
  it('writes one HTML file with the dataset, the claims and the comparison', async () => {
    const f = await writeFiles();
    const out = join(f.dir, 'out', 'report.html');
    const written = await writeHtmlReport({ result: f.result, baseline: f.baseline, dataset: f.dataset, html: out });
    expect(written).toMatchObject({ path: out, notes: [] });
    const page = readFileSync(out, 'utf8');
    expect(page).toContain('id="comparison"');
    expect(page).toContain('rag-fresh-after-cutoff');
    expect(page).toContain('Question number 1?');
  });

  it('reads a streaming-layout result and, past --max-questions, shows flipped questions first and says how many are left out', async () => {
    const f = await writeFiles();
    const run = JSON.parse(readFileSync(f.result, 'utf8')) as RunResult;
    const streamed = await writeResult(run, join(f.dir, 'streamed'), { layout: 'jsonl' });
    const base = JSON.parse(readFileSync(f.baseline, 'utf8')) as RunResult;
    const compared = compareRuns(base, run);
    const flipped = [...new Set(compared.flips.flatMap((g) => g.flips.map((x) => x.questionId)))];
    expect(flipped.length).toBeGreaterThan(2);
    const out = join(f.dir, 'capped.html');
    const cli = await runCli(['report', streamed, '--baseline', f.baseline, '--dataset', f.dataset, '--html', out, '--max-questions', '2']);
    expect(cli.code).toBe(0);
    expect(cli.stderr).toMatch(/note: The explorer shows 2 of the run's 60 questions \(--max-questions 2\)/);
    const page = readFileSync(out, 'utf8');
    expect(page.match(/<tr id="q-/g)).toHaveLength(2);
    for (const id of flipped.slice(0, 2)) expect(page).toContain(`<tr id="q-${id}"`);
    // The chosen questions keep their answers and retrieved ids, which the lean records drop,
    // and the flipped questions' table shows both answers.
    expect(page).toContain('doc-hostile');
    const flip = compared.flips.flatMap((g) => g.flips).find((x) => x.b.answer)!;
    const flipRow = page.slice(page.indexOf(`<a href="#q-${flip.questionId}">`)).split('</tr>')[0]!;
    expect(flipRow).toContain(`<span class="answer-text">${flip.b.answer}</span>`);
    const whole = await writeHtmlReport({ result: streamed, html: join(f.dir, 'whole.html'), dataset: f.dataset });
    expect(whole.notes).toEqual([]);
    expect(readFileSync(whole.path, 'utf8').match(/<tr id="q-/g)).toHaveLength(60);
    const bad = await runCli(['report', streamed, '--max-questions', '0', '--html', join(f.dir, 'x.html')]);
    expect(bad.code).toBe(2);
    expect((await runCli(['report', streamed, '--max-questions', '5'])).stderr).toMatch(/--max-questions apply to the HTML report/);
  });

  it('finds the dataset the run config names, relative to the current folder, and uses it only when its hash matches', async () => {
    const f = await writeFiles();
    const run = JSON.parse(readFileSync(f.result, 'utf8')) as RunResult;
    run.run.config = { ...run.run.config, dataset: f.dataset };
    writeFileSync(f.result, JSON.stringify(run));
    expect((await writeHtmlReport({ result: f.result, html: join(f.dir, 'a.html') })).notes).toEqual([]);
    run.run.datasetHash = 'another';
    writeFileSync(f.result, JSON.stringify(run));
    const written = await writeHtmlReport({ result: f.result, html: join(f.dir, 'b.html') });
    expect(written.notes[0]).toMatch(/dataset was not found.*--dataset/);
    expect(readFileSync(written.path, 'utf8')).not.toContain('Question number 1?');
  });

  it('refuses, exit 2 with one line naming the file, a dataset that is not the run\'s or an unreadable result', async () => {
    const f = await writeFiles();
    const run = JSON.parse(readFileSync(f.result, 'utf8')) as RunResult;
    run.run.datasetHash = 'another';
    writeFileSync(f.result, JSON.stringify(run));
    const wrong = await runCli(['report', f.result, '--dataset', f.dataset, '--html', join(f.dir, 'c.html')]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr.trim().split('\n')).toHaveLength(1);
    expect(wrong.stderr).toMatch(/dataset: is not the dataset of this run .*pass the dataset the run used/);
    expect(existsSync(join(f.dir, 'c.html'))).toBe(false);
    const missing = await runCli(['report', join(f.dir, 'none.json'), '--html', join(f.dir, 'd.html')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/none\.json/);
  });
});

if (!HAS_CHROMIUM && IN_CI) {
  describe('HTML report in Chromium', () => {
    it('has a Chromium to run in (CI=true: this test must not be skipped)', () => {
      expect.fail(`no Chromium at ${CHROMIUM}: install it (apt-get install -y chromium; .ci/run does) or set CHROMIUM_PATH`);
    });
  });
}

describe.skipIf(!HAS_CHROMIUM)(`HTML report in Chromium${HAS_CHROMIUM ? '' : ` (skipped: no Chromium at ${CHROMIUM}; apt-get install -y chromium or set CHROMIUM_PATH)`}`, () => {
  let browser: Browser;
  let page: Page;
  let run: RunResult;
  const consoleErrors: string[] = [];
  const dialogs: string[] = [];
  const requests: string[] = [];

  beforeAll(async () => {
    const f = await writeFiles();
    run = f.run;
    const out = join(f.dir, 'report.html');
    await writeHtmlReport({ result: f.result, baseline: f.baseline, dataset: f.dataset, html: out });
    browser = await puppeteer.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--headless=new'] });
    page = await browser.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    page.on('dialog', async (d) => {
      dialogs.push(d.message());
      await d.dismiss();
    });
    page.on('request', (r) => {
      if (!r.url().startsWith('file:')) requests.push(r.url());
    });
    await page.setViewport({ width: 1280, height: 900 });
    await page.goto(pathToFileURL(out).href, { waitUntil: 'load' });
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('draws every chart as SVG with marks', async () => {
    const charts = await page.$$eval('section.chart', (sections) =>
      sections.map((s) => ({ id: s.id, unavailable: s.classList.contains('unavailable'), marks: s.querySelectorAll('svg [role="graphics-symbol"]').length, width: s.querySelector('svg')?.getBoundingClientRect().width ?? 0 })),
    );
    expect(charts.map((c) => c.id)).toEqual(['chart-accuracy', 'chart-freshness', 'chart-time-since-cutoff', 'chart-latency', 'chart-cost', 'chart-keep-fresh', 'chart-comparison']);
    for (const c of charts) {
      expect(c.unavailable, c.id).toBe(false);
      expect(c.marks, c.id).toBeGreaterThan(3);
      expect(c.width, c.id).toBeGreaterThan(100);
    }
  });

  it('shows hostile answers, questions and titles as text, and runs none of it', async () => {
    const seen = await page.evaluate((payload) => {
      const texts = (sel: string) => Array.from(document.querySelectorAll(sel), (e) => e.textContent ?? '');
      const answerCell = Array.from(document.querySelectorAll('.answer-text')).find((e) => e.textContent === payload);
      return {
        pwned: (window as unknown as { __pwned?: unknown }).__pwned,
        imgs: document.querySelectorAll('img').length,
        scripts: document.querySelectorAll('script').length,
        answer: answerCell !== undefined,
        /** Cells of the row holding the answer: a `</td>` that closed its cell would add one. */
        cells: answerCell?.closest('tr')?.children.length,
        question: texts('.question-text').includes(`What is ${payload}?`),
        gold: texts('.gold-answer').includes(payload),
        title: texts('.doc-title').includes(`(${payload})`),
      };
    }, PAYLOAD);
    expect(seen).toEqual({ pwned: undefined, imgs: 0, scripts: 1, answer: true, cells: run.pipelines.length + 1, question: true, gold: true, title: true });
    expect(dialogs).toEqual([]);
  });

  it('had no console error and made no request', () => {
    expect(consoleErrors).toEqual([]);
    expect(requests).toEqual([]);
  });

  it('takes a screenshot of the claims and charts (to look at)', async () => {
    mkdirSync(dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT as `${string}.png`, clip: { x: 0, y: 0, width: 1280, height: 2100 } });
    expect(readFileSync(SCREENSHOT).subarray(1, 4).toString()).toBe('PNG');
  });

  const visible = () =>
    page.$$eval('#explorer tbody tr', (rows) => ({
      shown: rows.filter((r) => !(r as HTMLElement).hidden && (r as HTMLElement).offsetParent !== null).map((r) => ({ category: (r as HTMLElement).dataset.category, disagree: (r as HTMLElement).dataset.disagree })),
      total: rows.length,
      count: document.getElementById('f-shown')!.textContent,
    }));

  it('filters the questions by category', async () => {
    await page.select('#f-category', 'updated');
    const v = await visible();
    const updated = (await explorerRows(run.pipelines.map((p) => p.name), run.records, null)).rows.filter((r) => r.category === 'updated').length;
    expect(v.shown.length).toBe(updated);
    expect(v.shown.every((r) => r.category === 'updated')).toBe(true);
    expect(v.count).toBe(String(updated));
    expect(v.total).toBeGreaterThan(updated);
  });

  it('filters the questions where pipelines disagree, alone and with a category', async () => {
    await page.select('#f-category', '');
    await page.click('#f-disagree');
    const rows = (await explorerRows(run.pipelines.map((p) => p.name), run.records, null)).rows;
    const v = await visible();
    expect(v.shown.length).toBe(rows.filter((r) => r.disagree).length);
    expect(v.shown.every((r) => r.disagree === 'true')).toBe(true);
    expect(v.total).toBeGreaterThan(v.shown.length);
    await page.select('#f-category', 'static');
    const both = await visible();
    expect(both.shown.length).toBe(rows.filter((r) => r.disagree && r.category === 'static').length);
    expect(both.count).toBe(String(both.shown.length));
    await page.click('#f-disagree');
    await page.select('#f-category', '');
    expect((await visible()).shown.length).toBe(rows.length);
  });
});
