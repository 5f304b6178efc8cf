import { describe, expect, it } from 'vitest';
import { type AnswerFn, type FixtureQuestion, makeQuestions, makeRun, simulated, withChanges } from '../compare/test-fixtures.js';
import type { Category } from '../dataset/schema.js';
import { METRIC_IDS } from '../metrics/registry.js';
import { ResultSchema, type RunResult } from '../results/schema.js';
import { computeRunStatistics } from './run-statistics.js';
import { RunStatisticsSchema } from './schema.js';
import { formatStatisticsTable } from './table.js';

const questions = makeQuestions(400);
const answerableQs = questions.filter((q) => q.category !== 'unanswerable');

const base = {
  'closed-book': simulated(0.3, 1),
  rag: simulated(0.7, 2),
  'fine-tuned': simulated(0.45, 3),
  // Hybrid: rag's answers, plus right where rag was wrong on static questions.
  hybrid: withChanges(simulated(0.7, 2), (q) => (q.category === 'static' ? { correct: true } : undefined)),
} satisfies Record<string, AnswerFn>;

function fourPipelines() {
  return makeRun({ questions, pipelines: base });
}

/** Whether `fn` gets question `q` right (by its index in `questions`). */
const right = (fn: AnswerFn, q: FixtureQuestion) => fn(q, questions.indexOf(q)).correct;

describe('computeRunStatistics', () => {
  const run = fourPipelines();
  const stats = computeRunStatistics(run, { seed: 1 });

  it('produces schema-valid statistics whose point estimates match the summaries', () => {
    expect(RunStatisticsSchema.parse(stats)).toEqual(stats);
    expect(stats.method).toMatchObject({ resamples: 2000, seed: 1, level: 0.95, test: 'mcnemar-exact', alpha: 0.05 });
    for (const p of run.pipelines) {
      const s = stats.pipelines.find((x) => x.name === p.name)!;
      expect(s.questions).toBe(400);
      // The same metrics (those with an eligible record), the same means and denominators.
      expect(Object.keys(s.metrics).sort()).toEqual(Object.keys(p.summary.metrics).sort());
      for (const [id, v] of Object.entries(p.summary.metrics)) {
        expect(s.metrics[id]!.mean).toBeCloseTo(v.value!, 6);
        expect(s.metrics[id]!.n).toBe(v.n);
        expect(s.metrics[id]!.lo).toBeLessThanOrEqual(s.metrics[id]!.mean);
        expect(s.metrics[id]!.hi).toBeGreaterThanOrEqual(s.metrics[id]!.mean);
      }
      for (const [cat, c] of Object.entries(p.summary.byCategory)) {
        const sc = s.byCategory[cat as Category]!;
        expect(sc.questions).toBe(c.questions);
        expect(Object.keys(sc.metrics).sort()).toEqual(Object.keys(c.metrics).sort());
        for (const [id, v] of Object.entries(c.metrics)) expect(sc.metrics[id]!.mean).toBeCloseTo(v.value!, 6);
      }
    }
  });

  it('computes each metric over its own questions', () => {
    const rag = stats.pipelines.find((p) => p.name === 'rag')!;
    // 400 questions: 160 static, 100 updated, 80 new, 60 unanswerable.
    expect(rag.metrics.accuracy!.n).toBe(340);
    expect(rag.metrics.accuracy!.mean).toBeCloseTo(answerableQs.filter((q) => right(base.rag, q)).length / 340, 12);
    expect(rag.metrics.strictF1!.n).toBe(340);
    expect(rag.metrics.abstentionAccuracy!.n).toBe(60);
    expect(rag.metrics.hallucinationRate!.n).toBe(60);
    expect(rag.metrics.staleRate!.n).toBe(100);
    expect(rag.metrics.missingRate!.n).toBe(180);
    expect(rag.metrics.errorRate).toMatchObject({ mean: 0, n: 400 });
    // Records without retrieval data have no recall/MRR.
    expect(rag.metrics.recall).toBeUndefined();
    expect(rag.byCategory.unanswerable!.metrics.accuracy).toBeUndefined();
    expect(rag.byCategory.static!.metrics.staleRate).toBeUndefined();
    for (const id of Object.keys(rag.metrics)) expect(METRIC_IDS).toContain(id);
  });

  it('fits the result JSON (statistics field) and survives a JSON round trip', () => {
    const withStats: RunResult = { ...run, statistics: stats };
    const roundTripped = ResultSchema.parse(JSON.parse(JSON.stringify(withStats)));
    expect(RunStatisticsSchema.parse(roundTripped.statistics)).toEqual(stats);
  });

  it('is identical on a rerun with the same seed', () => {
    expect(computeRunStatistics(run, { seed: 1 })).toEqual(stats);
    expect(computeRunStatistics(run, { seed: 2 }).pipelines[0]!.metrics.accuracy).not.toEqual(stats.pipelines[0]!.metrics.accuracy);
  });

  it('compares every pair of pipelines with a paired CI and McNemar on answerable accuracy', () => {
    expect(stats.comparisons.map((c) => `${c.a}/${c.b}`)).toEqual([
      'closed-book/rag',
      'closed-book/fine-tuned',
      'closed-book/hybrid',
      'rag/fine-tuned',
      'rag/hybrid',
      'fine-tuned/hybrid',
    ]);
    const cbRag = stats.comparisons[0]!;
    const cbOnly = answerableQs.filter((q) => right(base['closed-book'], q) && !right(base.rag, q)).length;
    const ragOnly = answerableQs.filter((q) => !right(base['closed-book'], q) && right(base.rag, q)).length;
    expect(cbRag.accuracy.questions).toBe(340);
    expect(cbRag.accuracy.metric).toBe('accuracy');
    expect(cbRag.accuracy.diff).toBeCloseTo((ragOnly - cbOnly) / 340, 12);
    expect(cbRag.accuracy.diff).toBeGreaterThan(0.25);
    expect(cbRag.accuracy.significant).toBe(true);
    expect(cbRag.strictF1.questions).toBe(340);
    expect(cbRag.strictF1.diff).toBeCloseTo((ragOnly - cbOnly) / 340, 12);
    expect(cbRag.abstentionAccuracy!.questions).toBe(60);
    expect(cbRag.mcnemar).toMatchObject({ aOnlyCorrect: cbOnly, bOnlyCorrect: ragOnly, significant: true });
    expect(cbRag.mcnemar.pValue).toBeLessThan(1e-6);
    // Hybrid only ever improves on rag, on static questions where rag was wrong: all discordant pairs go one way.
    const ragHybrid = stats.comparisons.find((c) => c.a === 'rag' && c.b === 'hybrid')!;
    const gained = questions.filter((q) => q.category === 'static' && !right(base.rag, q)).length;
    expect(ragHybrid.mcnemar.aOnlyCorrect).toBe(0);
    expect(ragHybrid.mcnemar.bOnlyCorrect).toBe(gained);
    expect(ragHybrid.accuracy.diff).toBeCloseTo(gained / 340, 12);
    expect(ragHybrid.accuracy.lo).toBeGreaterThan(0);
    // Abstention is identical (hybrid changes static questions only).
    expect(ragHybrid.abstentionAccuracy).toMatchObject({ diff: 0, lo: 0, hi: 0, significant: false });
  });

  it('names category winners by accuracy over answerable categories and calls ties', () => {
    expect(stats.categoryWinners.map((w) => w.category)).toEqual(['static', 'updated', 'new']);
    const byCat = Object.fromEntries(stats.categoryWinners.map((w) => [w.category, w]));
    expect(byCat.static).toMatchObject({ metric: 'accuracy', winner: 'hybrid', leader: 'hybrid', tie: false, leaderValue: 1 });
    expect(byCat.static!.margin!.lo).toBeGreaterThan(0);
    // On updated questions hybrid and rag answer identically: a tie.
    expect(byCat.updated!.tie).toBe(true);
    expect(byCat.updated!.winner).toBeNull();
    expect(new Set([byCat.updated!.leader, byCat.updated!.runnerUp])).toEqual(new Set(['rag', 'hybrid']));
    expect(byCat.updated!.margin).toEqual({ diff: 0, lo: 0, hi: 0 });
    // allAgree: share of the category's questions on which all four pipelines got the same outcome.
    const updated = questions.filter((q) => q.category === 'updated');
    const agree = updated.filter((q) => new Set(Object.values(base).map((fn) => right(fn, q))).size === 1).length;
    expect(byCat.updated!.allAgree).toBeCloseTo(agree / updated.length, 12);
  });

  it('computes the oracle router upper bound over answerable questions', () => {
    const o = stats.oracle!;
    expect(o.questions).toBe(340);
    const someRight = answerableQs.filter((q) => Object.values(base).some((fn) => right(fn, q))).length;
    expect(o.accuracy.mean).toBeCloseTo(someRight / 340, 12);
    const best = Math.max(...stats.pipelines.map((p) => p.metrics.accuracy!.mean));
    expect(o.accuracy.mean).toBeGreaterThanOrEqual(best);
    expect(o.bestSingle.pipeline).toBe('hybrid');
    expect(o.bestSingle.accuracy).toBeCloseTo(best, 12);
    expect(o.bestSingle.gain).toBeCloseTo(o.accuracy.mean - best, 12);
    const only = Object.values(o.onlyCorrect).reduce((s, n) => s + n, 0);
    expect(o.allCorrect + o.noneCorrect + o.severalCorrect + only).toBe(340);
    // Hybrid is right wherever rag is, so rag is never the only one right.
    expect(o.onlyCorrect.rag).toBe(0);
  });

  it('treats failed calls as wrong, and leaves them out of freshness and hallucination rates', () => {
    const r = makeRun({ questions: makeQuestions(20), pipelines: { rag: () => ({ correct: true, error: true }) } });
    const s = computeRunStatistics(r).pipelines[0]!;
    expect(s.metrics.accuracy).toMatchObject({ mean: 0, n: 17 });
    expect(s.metrics.strictEM).toMatchObject({ mean: 0, n: 17 });
    expect(s.metrics.abstentionAccuracy).toMatchObject({ mean: 0, n: 3 });
    expect(s.metrics.errorRate).toMatchObject({ mean: 1, n: 20 });
    // No answered updated/new/unanswerable question: no stale, missing or hallucination rate at all.
    expect(s.metrics.staleRate).toBeUndefined();
    expect(s.metrics.missingRate).toBeUndefined();
    expect(s.metrics.hallucinationRate).toBeUndefined();
    expect(computeRunStatistics(r).oracle).toBeNull();
  });

  it('copes with a pipeline without records', () => {
    const r = { ...run, records: run.records.filter((x) => x.pipeline !== 'rag') };
    const s = computeRunStatistics(r);
    const rag = s.pipelines.find((p) => p.name === 'rag')!;
    expect(rag.questions).toBe(0);
    expect(rag.metrics).toEqual({});
    const vsRag = s.comparisons.find((c) => c.b === 'rag')!;
    expect(vsRag.accuracy.questions).toBe(0);
    expect(vsRag.abstentionAccuracy).toBeNull();
    expect(vsRag.mcnemar.significant).toBe(false);
    expect(s.categoryWinners.every((w) => w.leader !== 'rag' && w.runnerUp !== 'rag')).toBe(true);
    expect(s.oracle).toBeNull();
    expect(() => RunStatisticsSchema.parse(s)).not.toThrow();
  });

  it('renders a terminal table', () => {
    const text = formatStatisticsTable(stats);
    expect(text).toContain('Paired comparisons');
    expect(text).toMatch(/\nhybrid\s+\d\.\d{2} \[\d\.\d{2}, \d\.\d{2}\]/);
    expect(text).toContain('Oracle router');
    expect(text).toMatch(/\nupdated\s+tie\s/);
    const o = stats.oracle!;
    expect(text).toContain(`closed-book ${o.onlyCorrect['closed-book']}, rag 0, fine-tuned ${o.onlyCorrect['fine-tuned']}, hybrid ${o.onlyCorrect.hybrid}`);
    expect(text).toContain(`several right: ${o.severalCorrect}`);
    expect(text).toContain(`all right: ${o.allCorrect}`);
    expect(text).toContain(`none right: ${o.noneCorrect}`);
  });
});

describe('oracle router: ties are credited to no pipeline', () => {
  // 100 answerable questions (static/updated/new in turn) and 10 unanswerable ones; outcome by i % 20.
  const cats: Category[] = ['static', 'updated', 'new'];
  const answerable: FixtureQuestion[] = Array.from({ length: 100 }, (_, i) => ({ id: `a${String(i).padStart(3, '0')}`, category: cats[i % 3]! }));
  const unanswerable: FixtureQuestion[] = Array.from({ length: 10 }, (_, i) => ({ id: `u${String(i).padStart(3, '0')}`, category: 'unanswerable' }));
  type Kind = 'all' | 'none' | 'p2' | 'p3' | 'p1+p3';
  const kindOf = (i: number): Kind => {
    const k = i % 20;
    if (k < 14) return 'all'; // most questions: every pipeline right
    if (k === 14 || k === 19) return 'none';
    if (k === 15 || k === 16) return 'p3';
    if (k === 17) return 'p2';
    return 'p1+p3';
  };
  const rightSet: Record<Kind, string[]> = { all: ['p1', 'p2', 'p3'], none: [], p2: ['p2'], p3: ['p3'], 'p1+p3': ['p1', 'p3'] };
  const kinds = answerable.map((_, i) => kindOf(i));
  const count = (k: Kind) => kinds.filter((x) => x === k).length;
  const pipeline =
    (name: string): AnswerFn =>
    (q, i) =>
      // Unanswerable: only p1 abstains, which must not count for the oracle.
      q.category === 'unanswerable' ? { correct: name === 'p1' } : { correct: rightSet[kindOf(i)].includes(name) };
  const run = makeRun({ questions: [...answerable, ...unanswerable], pipelines: { p1: pipeline('p1'), p2: pipeline('p2'), p3: pipeline('p3') } });
  const o = computeRunStatistics(run, { seed: 3 }).oracle!;

  it('counts a question for a pipeline only when exactly that pipeline got it right', () => {
    expect(count('all')).toBe(70);
    expect(o.questions).toBe(100);
    // p1 is listed first and right on 75 questions, but never alone: it is credited with none.
    expect(o.onlyCorrect).toEqual({ p1: 0, p2: count('p2'), p3: count('p3') });
    expect(o.onlyCorrect).toEqual({ p1: 0, p2: 5, p3: 10 });
    expect(o.allCorrect).toBe(count('all'));
    expect(o.severalCorrect).toBe(count('p1+p3'));
    expect(o.noneCorrect).toBe(count('none'));
    expect(o.allCorrect + o.noneCorrect + o.severalCorrect + o.onlyCorrect.p1! + o.onlyCorrect.p2! + o.onlyCorrect.p3!).toBe(o.questions);
  });

  it('bounds any router: the share some pipeline got right, against the best single one', () => {
    expect(o.accuracy.mean).toBeCloseTo((100 - count('none')) / 100, 12);
    // p1: all + p1+p3 = 75; p2: all + p2 = 75; p3: all + p3 + p1+p3 = 85.
    expect(o.bestSingle).toMatchObject({ pipeline: 'p3' });
    expect(o.bestSingle.accuracy).toBeCloseTo(0.85, 12);
    expect(o.bestSingle.gain).toBeCloseTo(0.9 - 0.85, 12);
    expect(o.accuracy.lo).toBeLessThanOrEqual(0.9);
    expect(o.accuracy.hi).toBeGreaterThanOrEqual(0.9);
  });

  it('counts a failed call as wrong', () => {
    // p3 fails on every question only it got right: those become none-correct.
    const failing: AnswerFn = (q, i) => (kindOf(i) === 'p3' && q.category !== 'unanswerable' ? { correct: true, error: true } : pipeline('p3')(q, i));
    const r = makeRun({ questions: [...answerable, ...unanswerable], pipelines: { p1: pipeline('p1'), p2: pipeline('p2'), p3: failing } });
    const f = computeRunStatistics(r).oracle!;
    expect(f.onlyCorrect.p3).toBe(0);
    expect(f.noneCorrect).toBe(count('none') + count('p3'));
  });
});

describe('category winners', () => {
  const qs = makeQuestions(40); // 16 static, 10 updated, 8 new, 6 unanswerable
  const statics = qs.filter((q) => q.category === 'static');
  const a = simulated(0.5, 11);
  // b: a's answers, except it gets the first static question a missed right.
  const firstMiss = statics.find((q) => !a(q, qs.indexOf(q)).correct)!;
  const b = withChanges(a, (q) => (q.id === firstMiss.id ? { correct: true } : undefined));
  // c: right on every static question, wrong on all others, and always abstains on unanswerable ones.
  const c: AnswerFn = (q) => ({ correct: q.category === 'static' || q.category === 'unanswerable' });

  it('reports a tie (winner null) when the margin CI includes 0, with allAgree the share of equal outcomes', () => {
    const stats = computeRunStatistics(makeRun({ questions: qs, pipelines: { a, b } }), { seed: 5 });
    const w = stats.categoryWinners.find((x) => x.category === 'static')!;
    expect(w.leader).toBe('b');
    expect(w.runnerUp).toBe('a');
    const aRight = statics.filter((q) => a(q, qs.indexOf(q)).correct).length;
    expect(w.leaderValue).toBeCloseTo((aRight + 1) / 16, 12);
    expect(w.runnerUpValue).toBeCloseTo(aRight / 16, 12);
    expect(w.margin!.diff).toBeCloseTo(1 / 16, 12);
    expect(w.margin!.lo).toBeLessThanOrEqual(0);
    expect(w.tie).toBe(true);
    expect(w.winner).toBeNull();
    expect(w.allAgree).toBeCloseTo(15 / 16, 12);
    // Identical on the other categories: a tie with full agreement; the stable order keeps a first.
    const u = stats.categoryWinners.find((x) => x.category === 'updated')!;
    expect(u).toMatchObject({ leader: 'a', runnerUp: 'b', tie: true, winner: null, allAgree: 1 });
  });

  it('names a clear winner, leaves unanswerable out, and needs no tie-break for a single pipeline', () => {
    const stats = computeRunStatistics(makeRun({ questions: qs, pipelines: { a, c } }), { seed: 5 });
    expect(stats.categoryWinners.map((w) => w.category)).toEqual(['static', 'updated', 'new']);
    const s = stats.categoryWinners.find((x) => x.category === 'static')!;
    expect(s).toMatchObject({ winner: 'c', leader: 'c', tie: false, leaderValue: 1, runnerUp: 'a' });
    expect(s.margin!.lo).toBeGreaterThan(0);
    const aRight = statics.filter((q) => a(q, qs.indexOf(q)).correct).length;
    // Outcomes agree exactly where a is right too.
    expect(s.allAgree).toBeCloseTo(aRight / 16, 12);

    const single = computeRunStatistics(makeRun({ questions: qs, pipelines: { c } }), { seed: 5 });
    expect(single.categoryWinners.find((x) => x.category === 'static')).toMatchObject({ winner: 'c', tie: false, runnerUp: null, margin: null, allAgree: 1 });
    expect(single.categoryWinners.some((w) => w.category === 'unanswerable')).toBe(false);
  });
});
