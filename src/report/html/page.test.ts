import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ClaimResult } from '../../claims/types.js';
import { compareRuns } from '../../compare/compare.js';
import { claimsTable, formatFigure } from './claims-table.js';
import { EXPLORER_SCRIPT, explorer, explorerRows } from './explorer.js';
import { buildHtmlReport } from './page.js';
import { PAYLOAD, reportDataset, reportRun } from './test-fixtures.js';

const claim = (over: Partial<ClaimResult>): ClaimResult => ({
  id: 'some-claim',
  claim: 'Something holds.',
  test: 'A paired bootstrap.',
  verdict: 'supported',
  headline: '0.5 vs 0.1',
  evidence: 'x 0.5 vs 0.1',
  figures: [],
  scale: null,
  ...over,
});

describe('claims table', () => {
  it('shows each verdict, the evidence with its figures in their units, and the scale note', () => {
    const out = claimsTable([
      claim({ verdict: 'supported', figures: [{ label: 'difference', value: 0.4, lo: 0.3, hi: 0.5, unit: 'rate' }, { label: 'p95 ratio', value: 1.5, lo: 1.2, hi: 1.9, unit: 'ratio' }], scale: 'tested on local models' }),
      claim({ id: 'c2', verdict: 'contradicted', figures: [{ label: 'latency', value: 12.34, unit: 'ms' }, { label: 'cost', value: 0.001234, unit: 'usd' }, { label: 'questions', value: 1234, unit: 'count' }] }),
      claim({ id: 'c3', verdict: 'inconclusive' }),
      claim({ id: 'c4', verdict: 'not-measured', evidence: '', missing: 'needs a fine-tuned pipeline' }),
    ]).value;
    expect(out.match(/<tr class="claim"/g)).toHaveLength(4);
    for (const v of ['supported', 'contradicted', 'inconclusive', 'not measured']) expect(out).toContain(`>${v}</span>`);
    expect(out).toContain('difference: <b>0.400 [0.300, 0.500]</b>');
    expect(out).toContain('p95 ratio: <b>1.50× [1.20×, 1.90×]</b>');
    expect(out).toContain('latency: <b>12.3 ms</b>');
    expect(out).toContain('cost: <b>$0.00123</b>');
    expect(out).toContain('questions: <b>1,234</b>');
    expect(out).toContain('Not measured: needs a fine-tuned pipeline');
    expect(out).toContain('Scale: tested on local models');
  });

  it('escapes every text of a claim', () => {
    const out = claimsTable([claim({ claim: PAYLOAD, test: PAYLOAD, evidence: PAYLOAD, scale: PAYLOAD, figures: [{ label: PAYLOAD, value: null, unit: 'rate' }] })]).value;
    expect(out).not.toMatch(/<script|<img|window\.__pwned=1<\/script>/);
    expect(out.match(/&lt;script&gt;/g)).toHaveLength(5);
  });

  it('says so when there is no claim', () => {
    expect(claimsTable([]).value).toMatch(/No claim/);
    expect(formatFigure({ label: 'x', value: null, unit: 'ms' })).toBe('–');
  });
});

describe('question explorer', () => {
  const run = reportRun();
  const all = () => explorerRows(run.pipelines.map((p) => p.name), run.records, null);

  it('marks a question as disagreeing exactly when some pipelines are right and others wrong', async () => {
    const { rows, questions } = await all();
    expect(questions).toBe(rows.length);
    expect(rows).toHaveLength(new Set(run.records.map((r) => r.questionId)).size);
    for (const row of rows) {
      const outcomes = run.records.filter((r) => r.questionId === row.questionId).map((r) => r.error === null && r.correct);
      expect(row.disagree).toBe(new Set(outcomes).size > 1);
    }
    expect(rows.some((r) => r.disagree)).toBe(true);
    expect(rows.some((r) => !r.disagree)).toBe(true);
  });

  it("lists each answer's citations, starring gold documents and marking ids it was never shown", async () => {
    const cited = structuredClone(run);
    const r = cited.records.find((x) => x.pipeline === 'rag' && x.questionId === 'q0001')!;
    r.citations = ['doc-q0001', 'doc-invented<b>'];
    const rows = await explorerRows(cited.pipelines.map((p) => p.name), cited.records, null);
    const out = explorer(cited, rows, reportDataset(cited)).value;
    expect(out).toContain('<div class="citations">cites <span class="cite">doc-q0001 ★</span>, <span class="cite fabricated">doc-invented&lt;b&gt; (not in context)</span></div>');
    expect(out.match(/class="citations"/g)).toHaveLength(1);
  });

  it('shows the dataset text, gold/stale answers and document titles when it has the dataset, escaped', async () => {
    const rows = await all();
    const out = explorer(run, rows, reportDataset(run)).value;
    expect(out).toContain('stale: <span class="gold-answer">old answer');
    expect(out).toContain('(Page of q0000)');
    expect(out).not.toMatch(/<script|<img/);
    expect(out).toContain('&lt;script&gt;window.__pwned=1&lt;/script&gt;&lt;img src=x onerror=&quot;window.__pwned=2;alert(1)&quot;&gt;&lt;/td&gt; | a | b |');
    expect(explorer(run, rows, null).value).toMatch(/pass <code>--dataset/);
    expect(out).not.toMatch(/--max-questions/);
  });
});

describe('the page', () => {
  it('is one self-contained file: only our script, allowed by its hash, no external reference', async () => {
    const run = reportRun();
    const page = await buildHtmlReport({ result: run, explorer: await explorerRows(run.pipelines.map((p) => p.name), run.records, null), claims: [claim({})], dataset: reportDataset(run), comparison: compareRuns(reportRun({ id: 'base', seed: 7 }), run), notes: [PAYLOAD] });
    expect(page.match(/<script/g)).toHaveLength(1);
    const hash = createHash('sha256').update(EXPLORER_SCRIPT).digest('base64');
    expect(page).toContain(`script-src 'sha256-${hash}'`);
    expect(page).toContain(`<script>${EXPLORER_SCRIPT}</script>`);
    expect(page).not.toMatch(/<img|<link|<iframe|\ssrc=["']?https?:|href=["']?https?:|@import|url\(/);
    expect(page.match(/<svg/g)).toHaveLength(7);
    expect(page).not.toMatch(/Not drawn/);
  });
});
