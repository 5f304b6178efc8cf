/** What `bench` prints at the end: one screen by default, every table with --details. */
import { describe, expect, it } from 'vitest';
import { CLAIMS } from '../claims/registry.js';
import { makeQuestions, makeRun, simulated } from '../compare/test-fixtures.js';
import { formatBenchView } from './bench-view.js';

const result = makeRun({
  questions: makeQuestions(100),
  pipelines: {
    'closed-book': simulated(0.1, 1, { cpuMs: 2 }),
    rag: simulated(0.8, 2, { cpuMs: 9, recall: 1 }),
    'fine-tuned': simulated(0.5, 3, { cpuMs: 2 }),
    hybrid: simulated(0.85, 4, { cpuMs: 9, recall: 1 }),
    'fine-tuned-plain': simulated(0.4, 5, { cpuMs: 2 }),
  },
  models: { 'fine-tuned': 'local:ft-paraphrase', hybrid: 'local:ft-paraphrase', 'fine-tuned-plain': 'local:ft-plain' },
  config: {
    pipelines: [
      { name: 'closed-book', retrieval: false },
      { name: 'rag', retrieval: true },
      { name: 'fine-tuned', retrieval: false },
      { name: 'hybrid', retrieval: true },
      { name: 'fine-tuned-plain', retrieval: false },
    ],
    finetune: { 'ft-paraphrase': { data: 'paraphrase' }, 'ft-plain': { data: 'plain' } },
  },
  fineTuning: { 'fine-tuned': { usd: 0, seconds: 6 }, hybrid: { usd: 0, seconds: 6 }, 'fine-tuned-plain': { usd: 0, seconds: 1 } },
});
const written = [{ what: 'results', path: 'results/run-1.json' }];
/** Headings of the tables that only --details prints. */
const DETAIL_HEADINGS = [/^pipeline +acc % +F1 %/m, /^acc % by category/m, /^retrieval: dense/m, /^Statistics \(95%/m, /^Paired comparisons/m, /^Best pipeline per answerable category/m, /^Oracle router/m, /^models: /m];

describe('formatBenchView', () => {
  const view = formatBenchView(result, { details: false, written });
  const lines = view.trimEnd().split('\n');

  it('fits one screen of 100 columns for 5 pipelines: headline, claims, the files written', () => {
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(100);
    expect(lines.length).toBeLessThanOrEqual(40);
    expect(lines[0]).toMatch(/^pipeline +acc % \[95% CI\] +abstain % +stale +p50 +cost\/1k q +R@5 %/);
    for (const p of result.pipelines) expect(view).toMatch(new RegExp(`\\n${p.name} +\\d+\\.\\d \\[`));
    expect(view).toContain('\nclaims (evidence: ragvft report results/run-1.json):\n');
    for (const c of CLAIMS) expect(view).toMatch(new RegExp(`\\n {2}(supported|contradicted|inconclusive|not measured)\\*? +${c.id} `));
    expect(view).toContain('all tables: ragvft report results/run-1.json --details');
    expect(lines.at(-1)).toBe('results: results/run-1.json');
  });

  it('leaves the detailed tables out', () => {
    for (const h of DETAIL_HEADINGS) expect(view).not.toMatch(h);
  });

  it('lists every file written, in order, so another output (an HTML report) joins the list', () => {
    const more = formatBenchView(result, { details: false, written: [...written, { what: 'html report', path: 'out/report.html' }] });
    expect(more.trimEnd().split('\n').slice(-2)).toEqual(['results: results/run-1.json', 'html report: out/report.html']);
  });

  it('with details, prints every detailed table above the same default view', () => {
    const details = formatBenchView(result, { details: true, written });
    for (const h of DETAIL_HEADINGS) expect(details).toMatch(h);
    expect(details.endsWith(view.replace(/\nall tables: .*\n/, '\n'))).toBe(true);
    expect(Math.max(...details.split('\n').map((l) => l.length))).toBeLessThanOrEqual(100);
  });
});
