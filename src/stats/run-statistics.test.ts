import { describe, expect, it } from 'vitest';
import { makeQuestions, makeRun, simulated, withChanges } from '../compare/test-fixtures.js';
import { ResultSchema, type RunResult } from '../results/schema.js';
import { computeRunStatistics } from './run-statistics.js';
import { RunStatisticsSchema } from './schema.js';
import { formatStatisticsTable } from './table.js';

const questions = makeQuestions(400);

function fourPipelines() {
  return makeRun({
    questions,
    pipelines: {
      'closed-book': simulated(0.3, 1),
      rag: simulated(0.7, 2),
      'fine-tuned': simulated(0.45, 3),
      // Hybrid: rag's answers, plus right where rag was wrong on static questions.
      hybrid: withChanges(simulated(0.7, 2), (q) => (q.category === 'static' ? { correct: true } : undefined)),
    },
  });
}

describe('computeRunStatistics', () => {
  const run = fourPipelines();
  const stats = computeRunStatistics(run, { seed: 1 });

  it('produces schema-valid statistics whose point estimates match the summaries', () => {
    expect(RunStatisticsSchema.parse(stats)).toEqual(stats);
    expect(stats.method).toMatchObject({ resamples: 2000, seed: 1, level: 0.95, test: 'mcnemar-exact', alpha: 0.05 });
    for (const p of run.pipelines) {
      const s = stats.pipelines.find((x) => x.name === p.name)!;
      expect(s.f1!.mean).toBeCloseTo(p.summary.f1, 6);
      expect(s.exactMatch!.mean).toBeCloseTo(p.summary.exactMatch, 6);
      expect(s.answerable.f1!.mean).toBeCloseTo(p.summary.answerable.f1, 6);
      expect(s.abstentionAccuracy!.mean).toBeCloseTo(p.summary.abstentionAccuracy!, 6);
      expect(s.staleRate!.mean).toBeCloseTo(p.summary.freshness.staleRate!, 6);
      expect(s.missingRate!.mean).toBeCloseTo(p.summary.freshness.missingRate!, 6);
      expect(s.eligible).toBe(p.summary.freshness.eligible);
      for (const [cat, c] of Object.entries(p.summary.byCategory)) {
        const sc = s.byCategory[cat as keyof typeof s.byCategory]!;
        expect(sc.f1.mean).toBeCloseTo(c.f1, 6);
        expect(sc.questions).toBe(c.questions);
        expect(sc.staleRate === null).toBe(c.freshness === null);
      }
      expect(s.f1!.lo).toBeLessThanOrEqual(s.f1!.mean);
      expect(s.f1!.hi).toBeGreaterThanOrEqual(s.f1!.mean);
    }
  });

  it('fits the result JSON (statistics field) and survives a JSON round trip', () => {
    const withStats: RunResult = { ...run, statistics: stats };
    const roundTripped = ResultSchema.parse(JSON.parse(JSON.stringify(withStats)));
    expect(RunStatisticsSchema.parse(roundTripped.statistics)).toEqual(stats);
  });

  it('is identical on a rerun with the same seed', () => {
    expect(computeRunStatistics(run, { seed: 1 })).toEqual(stats);
    expect(computeRunStatistics(run, { seed: 2 }).pipelines[0]!.f1).not.toEqual(stats.pipelines[0]!.f1);
  });

  it('compares every pair of pipelines with a paired CI and McNemar', () => {
    expect(stats.comparisons.map((c) => `${c.a}/${c.b}`)).toEqual([
      'closed-book/rag',
      'closed-book/fine-tuned',
      'closed-book/hybrid',
      'rag/fine-tuned',
      'rag/hybrid',
      'fine-tuned/hybrid',
    ]);
    const cbRag = stats.comparisons[0]!;
    expect(cbRag.f1.diff).toBeGreaterThan(0.25);
    expect(cbRag.f1.significant).toBe(true);
    expect(cbRag.mcnemar.pValue).toBeLessThan(1e-6);
    // Hybrid only ever improves on rag: all discordant pairs go one way.
    const ragHybrid = stats.comparisons.find((c) => c.a === 'rag' && c.b === 'hybrid')!;
    expect(ragHybrid.mcnemar.aOnlyCorrect).toBe(0);
    expect(ragHybrid.mcnemar.bOnlyCorrect).toBeGreaterThan(20);
    expect(ragHybrid.f1.lo).toBeGreaterThan(0);
  });

  it('names category winners and calls ties', () => {
    const byCat = Object.fromEntries(stats.categoryWinners.map((w) => [w.category, w]));
    expect(byCat.static!.winner).toBe('hybrid');
    expect(byCat.static!.tie).toBe(false);
    // On updated questions hybrid and rag answer identically: a tie.
    expect(byCat.updated!.tie).toBe(true);
    expect(byCat.updated!.winner).toBeNull();
    expect(new Set([byCat.updated!.leader, byCat.updated!.runnerUp])).toEqual(new Set(['rag', 'hybrid']));
  });

  it('computes the oracle router upper bound', () => {
    const o = stats.oracle!;
    expect(o.questions).toBe(400);
    const best = Math.max(...stats.pipelines.map((p) => p.f1!.mean));
    expect(o.f1.mean).toBeGreaterThanOrEqual(best);
    expect(o.bestSingle.pipeline).toBe('hybrid');
    expect(o.bestSingle.gain).toBeCloseTo(o.f1.mean - best, 12);
    const routed = Object.values(o.chosen).reduce((s, n) => s + n, 0);
    expect(routed).toBe(400);
    expect(o.tied).toBeGreaterThan(0);
    expect(o.tied).toBeLessThan(400);
  });

  it('treats failed calls as wrong and as missing answers', () => {
    const r = makeRun({ questions: makeQuestions(20), pipelines: { rag: () => ({ correct: true, error: true }) } });
    const s = computeRunStatistics(r).pipelines[0]!;
    expect(s.exactMatch!.mean).toBe(0);
    expect(s.missingRate!.mean).toBe(1);
    expect(computeRunStatistics(r).oracle).toBeNull();
  });

  it('copes with a pipeline without records', () => {
    const r = { ...run, records: run.records.filter((x) => x.pipeline !== 'rag') };
    const s = computeRunStatistics(r);
    const rag = s.pipelines.find((p) => p.name === 'rag')!;
    expect(rag.questions).toBe(0);
    expect(rag.f1).toBeNull();
    expect(s.comparisons.find((c) => c.b === 'rag')!.questions).toBe(0);
    expect(s.oracle).toBeNull();
    expect(() => RunStatisticsSchema.parse(s)).not.toThrow();
  });

  it('renders a terminal table', () => {
    const text = formatStatisticsTable(stats);
    expect(text).toContain('Paired comparisons');
    expect(text).toMatch(/hybrid\s*│\s*\d\.\d{3} \[\d\.\d{3}, \d\.\d{3}\]/);
    expect(text).toContain('Oracle router');
    expect(text).toContain('tie (');
  });
});
