import type { KeepFreshRow } from '../../claims/freshness/keep-fresh.js';
import { keepFreshPoints } from './charts/keep-fresh.js';
import { describe, expect, it } from 'vitest';
import { compareRuns } from '../../compare/compare.js';
import type { RunResult } from '../../results/schema.js';
import { accuracyChart, accuracyRows } from './charts/accuracy.js';
import type { Chart, ChartSpec } from './charts/chart.js';
import { comparisonChart, deltaRows } from './charts/comparison.js';
import { breakEvens, breakEvenVolume, costChart, costModels, perThousandAt } from './charts/cost.js';
import { freshnessChart, freshnessRows } from './charts/freshness.js';
import { latencyChart, latencyData } from './charts/latency.js';
import { bucketWidth, monthsBetween, timeRows, timeSinceCutoffChart } from './charts/time-since-cutoff.js';
import { renderSvg } from './svg.js';
import { reportDataset, reportRun } from './test-fixtures.js';

const run = reportRun();
const dataset = reportDataset(run);
const asOf = new Map(dataset.questions.map((q) => [q.id, q.asOf!]));
const clone = (r: RunResult): RunResult => structuredClone(r);
const drawn = (c: Chart): ChartSpec => {
  if ('unavailable' in c) throw new Error(`chart ${c.id} unavailable: ${c.unavailable}`);
  return c;
};
const marks = (svg: string, kind: string) => svg.match(new RegExp(`aria-roledescription="${kind}"`, 'g'))?.length ?? 0;

describe('accuracy chart', () => {
  it('plots each pipeline and category with the run statistics interval; unanswerable as abstention', () => {
    const rows = accuracyRows(run);
    const stats = run.statistics.pipelines.find((p) => p.name === 'rag')!.byCategory;
    expect(rows.find((r) => r.pipeline === 'rag' && r.category === 'static')).toEqual({ pipeline: 'rag', category: 'static', ...stats.static!.metrics.accuracy });
    expect(rows.find((r) => r.pipeline === 'rag' && r.category.startsWith('unanswerable'))).toMatchObject({ ...stats.unanswerable!.metrics.abstentionAccuracy });
    expect(rows).toHaveLength(run.pipelines.length * 4);
  });

  it('renders one bar per row, with whiskers', async () => {
    const svg = await renderSvg(drawn(accuracyChart(run)).spec);
    expect(marks(svg, 'bar')).toBe(accuracyRows(run).length);
    expect(marks(svg, 'rule mark container')).toBe(1);
  });
});

describe('freshness chart', () => {
  it('counts every post-cutoff answer once, updated before new, with the denominators in the row labels', () => {
    const rows = freshnessRows(run);
    const total = rows.reduce((n, r) => n + r.count, 0);
    expect(total).toBe(run.records.filter((r) => r.freshness !== null).length);
    const updated = new Set(run.records.filter((r) => r.category === 'updated').map((r) => r.questionId)).size;
    expect(rows[0]!.category).toBe(`updated (${updated} questions)`);
    expect(rows.find((r) => r.pipeline === 'rag' && r.freshness === 'wrong')?.count).toBe(1);
    expect(rows.filter((r) => r.pipeline === 'fine-tuned' && r.category.startsWith('updated')).map((r) => r.freshness)).toContain('stale');
  });

  it('is unavailable without post-cutoff questions', () => {
    const r = clone(run);
    for (const rec of r.records) rec.freshness = null;
    expect(freshnessChart(r)).toMatchObject({ unavailable: expect.stringMatching(/no updated or new/) });
  });
});

describe('time since cutoff chart', () => {
  it('counts whole months, both ways', () => {
    expect(monthsBetween('2024-01-15', '2025-01-15')).toBe(12);
    expect(monthsBetween('2024-01-31', '2024-02-29')).toBe(0);
    expect(monthsBetween('2024-01-31', '2024-03-01')).toBe(1);
    expect(monthsBetween('2024-06-15', '2024-04-20')).toBe(-1);
    expect(monthsBetween('2024-06-15', '2024-04-10')).toBe(-2);
  });

  it('widens buckets until the span fits in a few', () => {
    expect(bucketWidth(0, 5)).toBe(1);
    expect(bucketWidth(0, 23)).toBe(6);
    expect(bucketWidth(-3, 40)).toBe(12);
  });

  it('groups answerable records by months after the cutoff, each bucket with its accuracy and interval', () => {
    const rows = timeRows(run, asOf);
    const answerable = run.records.filter((r) => r.category !== 'unanswerable');
    expect(rows.reduce((n, r) => n + r.n, 0)).toBe(answerable.length);
    expect([...new Set(rows.map((r) => r.start))]).toEqual([0, 6, 12, 18]);
    const first = rows.find((r) => r.pipeline === 'hybrid' && r.start === 0)!;
    const inFirst = answerable.filter((r) => r.pipeline === 'hybrid' && monthsBetween('2024-01-01', asOf.get(r.questionId)!) < 6);
    expect(first.n).toBe(inFirst.length);
    expect(first.mean).toBeCloseTo(inFirst.filter((r) => r.correct).length / inFirst.length, 10);
    expect(first.lo).toBeLessThanOrEqual(first.mean);
    expect(first.hi).toBeGreaterThanOrEqual(first.mean);
  });

  it('says why it is not drawn: no dataset dates, no cutoff', () => {
    expect(timeSinceCutoffChart(run, null)).toMatchObject({ unavailable: expect.stringMatching(/--dataset/) });
    const r = clone(run);
    r.run.dataset.trainingCutoff = null;
    expect(timeSinceCutoffChart(r, asOf)).toMatchObject({ unavailable: expect.stringMatching(/no training cutoff/) });
  });
});

describe('latency chart', () => {
  it('stacks the measured stages of each pipeline at p50 and p95, with the totals', () => {
    const { stages, totals } = latencyData(run);
    const rag = run.pipelines.find((p) => p.name === 'rag')!.summary;
    expect(stages.filter((s) => s.pipeline === 'rag')).toEqual([
      { pipeline: 'rag', percentile: 'p50', stage: 'search', ms: rag.stageLatencyMs.search!.p50 },
      { pipeline: 'rag', percentile: 'p50', stage: 'generate', ms: rag.stageLatencyMs.generate!.p50 },
      { pipeline: 'rag', percentile: 'p95', stage: 'search', ms: rag.stageLatencyMs.search!.p95 },
      { pipeline: 'rag', percentile: 'p95', stage: 'generate', ms: rag.stageLatencyMs.generate!.p95 },
    ]);
    expect(totals.filter((t) => t.pipeline === 'rag').map((t) => t.ms)).toEqual([rag.latencyMs.p50, rag.latencyMs.p95]);
  });

  it('leaves out pipelines with no non-cached call, and is unavailable when none has one', () => {
    const r = clone(run);
    r.pipelines[0]!.summary.latencyMs.count = 0;
    expect(latencyData(r).totals.map((t) => t.pipeline)).not.toContain(r.pipelines[0]!.name);
    for (const p of r.pipelines) p.summary.latencyMs.count = 0;
    expect(latencyChart(r)).toMatchObject({ unavailable: expect.stringMatching(/cached/) });
  });
});

describe('cost chart', () => {
  it('break-even: where training plus cheaper inference costs what the reference does', () => {
    const trained = { pipeline: 'ft', inferencePerThousand: 1, training: 10 };
    const ref = { pipeline: 'rag', inferencePerThousand: 3, training: 0 };
    const v = breakEvenVolume(trained, ref)!;
    expect(v).toBe(5000);
    expect(perThousandAt(trained, v)).toBeCloseTo(perThousandAt(ref, v), 10);
    expect(perThousandAt(trained, v / 2)).toBeGreaterThan(perThousandAt(ref, v / 2));
    expect(breakEvenVolume({ ...trained, inferencePerThousand: 3 }, ref)).toBeNull();
  });

  it('uses USD when the run priced anything, each trained pipeline against the first RAG pipeline', () => {
    const found = costModels(run)!;
    expect(found.unit).toBe('usd');
    const rag = run.pipelines.find((p) => p.name === 'rag')!.summary;
    expect(found.models.find((m) => m.pipeline === 'rag')!.inferencePerThousand).toBeCloseTo((rag.costUsd.inferenceUsd! / rag.questions) * 1000, 12);
    const evens = breakEvens(run, found.models);
    expect(evens.map((b) => [b.pipeline, b.against])).toEqual([
      ['fine-tuned', 'rag'],
      ['hybrid', 'rag'],
    ]);
    expect(evens[0]!.volume).toBeGreaterThan(0);
    // hybrid retrieves too, so its inference is no cheaper than RAG's: training never pays back.
    expect(evens[1]!.volume).toBeNull();
    expect(drawn(costChart(run)).table!.rows[1]!.at(-1)).toMatch(/never/);
  });

  it('falls back to CPU seconds for unpriced local models, and is unavailable when neither is known', () => {
    const r = clone(run);
    for (const p of r.pipelines) {
      p.summary.costUsd = { ...p.summary.costUsd, inferenceUsd: 0, fineTuningUsd: 0, localCpuSeconds: { inference: p.retrieval ? 0.4 : 0.1, fineTuning: p.model.includes('ft-') ? 9 : 0 } };
    }
    const found = costModels(r)!;
    expect(found.unit).toBe('cpu-seconds');
    expect(drawn(costChart(r)).caption).toMatch(/CPU time/);
    for (const p of r.pipelines) p.summary.costUsd.localCpuSeconds = { inference: null, fineTuning: 0 };
    expect(costChart(r)).toMatchObject({ unavailable: expect.stringMatching(/cost\.prices/) });
  });
});

describe('comparison chart', () => {
  it('plots each pipeline\'s accuracy change with its paired interval', () => {
    const base = reportRun({ id: 'base', seed: 7 });
    const c = compareRuns(base, run);
    const rows = deltaRows(c);
    const rag = c.pipelines.find((p) => p.pipeline === 'rag')!.metrics.accuracy!;
    expect(rows.find((r) => r.pipeline === 'rag')).toEqual({ pipeline: 'rag', delta: rag.delta, lo: rag.lo, hi: rag.hi, significant: rag.significant });
    expect(rows).toHaveLength(run.pipelines.length);
    expect(drawn(comparisonChart(c, run.pipelines.map((p) => p.name))).id).toBe('comparison');
  });
});

describe('every chart renders to SVG in Node', () => {
  it('with marks, escaped labels, and no request for external data', async () => {
    const r = clone(run);
    r.pipelines[1]!.name = '<b>rag</b>';
    for (const rec of r.records) if (rec.pipeline === 'rag') rec.pipeline = '<b>rag</b>';
    for (const p of r.statistics.pipelines) if (p.name === 'rag') p.name = '<b>rag</b>';
    const c = compareRuns(reportRun({ id: 'base', seed: 7 }), run);
    const charts = [accuracyChart(r), freshnessChart(r), timeSinceCutoffChart(r, asOf), latencyChart(r), costChart(r), comparisonChart(c, run.pipelines.map((p) => p.name))];
    for (const chart of charts) {
      const svg = await renderSvg(drawn(chart).spec);
      expect(svg.startsWith('<svg'), chart.id).toBe(true);
      expect(svg.match(/role="graphics-symbol"/g)?.length ?? 0, chart.id).toBeGreaterThan(3);
      expect(svg, chart.id).not.toContain('<b>');
    }
  });

  it('refuses a spec that asks for data by URL', async () => {
    await expect(renderSvg({ data: { url: 'https://example.com/data.json' }, mark: 'point' })).rejects.toThrow(/loads no external data/);
  });
});

describe('keep-fresh chart', () => {
  const row = (over: Partial<KeepFreshRow>): KeepFreshRow => ({ action: 're-train', subject: 'local:ft', cadenceMonths: 3, updates: 2, tokens: 100, usd: null, localSeconds: 4, staleDays: 45, ...over });
  it('plots cost against days stale, in USD when every approach has a price, else CPU seconds where measured', () => {
    const local = keepFreshPoints([row({ action: 're-embed', subject: 'rag', cadenceMonths: null, localSeconds: 0.5, staleDays: 0 }), row({})]);
    expect(local).toEqual({
      unit: 'CPU seconds',
      points: [
        { approach: 're-embed rag', label: 'on every change', cost: 0.5, staleDays: 0 },
        { approach: 're-train local:ft', label: 'every 3 months', cost: 4, staleDays: 45 },
      ],
      uncosted: [],
    });
    expect(keepFreshPoints([row({ usd: 1.5 }), row({ usd: 0.2, cadenceMonths: 1 })])!.unit).toBe('USD');
    // A row without a figure is named, not plotted as zero.
    expect(keepFreshPoints([row({ action: 're-embed', subject: 'rag', cadenceMonths: null, localSeconds: null }), row({})])).toMatchObject({ points: [{ cost: 4 }], uncosted: ['re-embed rag (on every change)'] });
    expect(keepFreshPoints([row({ localSeconds: null })])).toBeNull();
    expect(keepFreshPoints([])).toBeNull();
  });
});
