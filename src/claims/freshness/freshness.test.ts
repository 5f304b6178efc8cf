import { describe, expect, it } from 'vitest';
import { type AnswerFn, makeQuestions, makeRun, simulated } from '../../compare/test-fixtures.js';
import { pipelineRoles } from '../roles.js';
import { DAYS_PER_MONTH, daysBetween, monthsBetween } from './dates.js';
import { keepFreshCosts } from './keep-fresh.js';
import { freshnessOverTime, monthBucket } from './over-time.js';

describe('months since the cutoff', () => {
  it('counts calendar days in mean Gregorian months, across leap years and time zones', () => {
    expect(daysBetween('2024-02-28', '2024-03-01')).toBe(2); // 2024 is a leap year
    expect(daysBetween('2023-02-28', '2023-03-01')).toBe(1);
    expect(monthsBetween('2000-01-01', '2400-01-01')).toBeCloseTo(4800, 9); // 400 Gregorian years
    expect(monthsBetween('2030-06-30', '2030-06-01')).toBeLessThan(0);
  });

  it('buckets by doubling widths, lower edge inclusive, with open ends on both sides', () => {
    const label = (m: number) => monthBucket(m).label;
    expect([label(0), label(2.99), label(3), label(11.99), label(12), label(95.9), label(96), label(400)]).toEqual(['0-3', '0-3', '3-6', '6-12', '12-24', '48-96', '96+', '96+']);
    expect(monthBucket(-0.1)).toEqual({ label: 'before', lo: null, hi: 0 });
    expect(monthBucket(30)).toEqual({ label: '24-48', lo: 24, hi: 48 });
  });
});

describe('freshnessOverTime', () => {
  // Cutoff 2024-01-01: questions asked 1 month after it, then 30 months after it.
  const questions = makeQuestions(120).map((q, i) => ({ ...q, asOf: i < 60 ? '2024-02-01' : '2026-07-01' }));
  // A fine-tune that is right at first and stale later; RAG right throughout.
  const decaying: AnswerFn = (q, i) => (i < 60 ? { correct: q.category !== 'unanswerable' } : { correct: false });
  const run = (extra: Partial<Parameters<typeof makeRun>[0]> = {}) => makeRun({ questions, pipelines: { rag: simulated(1, 1), 'fine-tuned': decaying }, ...extra });

  it('gives accuracy and stale rate per pipeline and bucket, with their denominators', () => {
    const t = freshnessOverTime(run())!;
    expect(t.buckets.map((b) => [b.label, b.questions])).toEqual([
      ['0-3', 60],
      ['24-48', 60],
    ]);
    const ft = t.pipelines.find((p) => p.name === 'fine-tuned')!;
    const answerable = questions.slice(0, 60).filter((q) => q.category !== 'unanswerable').length;
    const updatedLate = questions.slice(60).filter((q) => q.category === 'updated').length;
    expect(ft.cells[0]!.accuracy).toEqual({ value: 1, n: answerable, sum: answerable });
    expect(ft.cells[0]!.stale).toMatchObject({ value: 0 });
    expect(ft.cells[1]!.stale).toEqual({ value: 1, n: updatedLate, sum: updatedLate });
    expect(t.pipelines.find((p) => p.name === 'rag')!.cells.map((c) => c.stale!.value)).toEqual([0, 0]);
    expect(t.undated).toBe(0);
  });

  it('leaves undated questions out and counts them; null without a cutoff or without any asOf', () => {
    const some = makeRun({ questions: questions.map((q, i) => (i % 10 === 0 ? { id: q.id, category: q.category } : q)), pipelines: { rag: simulated(1, 1) } });
    const t = freshnessOverTime(some)!;
    expect(t.undated).toBe(12);
    expect(t.buckets.reduce((a, b) => a + b.questions, 0)).toBe(108);
    expect(freshnessOverTime(run({ trainingCutoff: null }))).toBeNull();
    expect(freshnessOverTime(makeRun({ questions: makeQuestions(20), pipelines: { rag: simulated(1, 1) } }))).toBeNull();
  });
});

describe('keepFreshCosts', () => {
  const config = { pipelines: [{ name: 'rag', retrieval: true }, { name: 'fine-tuned', retrieval: false }], finetune: { 'ft-paraphrase': { data: 'paraphrase' } } };
  const models = { rag: 'local:reader', 'fine-tuned': 'local:ft-paraphrase' };
  const questions = makeQuestions(40).map((q) => ({ ...q, asOf: '2024-12-31' }));
  // Cutoff 2024-01-01; 10 documents at the cutoff; two changes.
  const timeline = {
    atCutoff: { documents: 10, tokens: 5000, chunks: 20 },
    changes: [
      { date: '2024-01-20', documents: 2, tokens: 600, chunks: 4 },
      { date: '2024-04-10', documents: 1, tokens: 300, chunks: 2 },
    ],
  };
  const run = (over: Partial<Parameters<typeof makeRun>[0]> = {}) =>
    makeRun({
      questions,
      pipelines: { rag: simulated(0.9, 1, { stages: { embed: 2, search: 1 } }), 'fine-tuned': simulated(0.5, 2) },
      models,
      config,
      fineTuning: { 'fine-tuned': { usd: 0, seconds: 40 } },
      run: { corpusTimeline: timeline, finetunes: { 'local:ft-paraphrase': { trainingTokens: 4000, epochs: 2 } } },
      ...over,
    });

  it('re-embeds the changed chunks on change (local: at the measured query-embedding time)', () => {
    const k = keepFreshCosts(run(), pipelineRoles(run()))!;
    expect(k).toMatchObject({ from: '2024-01-01', to: '2024-12-31', changes: { dates: 2, documents: 3, tokens: 900, chunks: 6 } });
    expect(k.months).toBeCloseTo(365 / DAYS_PER_MONTH, 9);
    expect(k.changes.meanIntervalDays).toBeCloseTo(365 / 2, 9);
    const rag = k.rows.find((r) => r.action === 're-embed')!;
    expect(rag).toMatchObject({ subject: 'rag', updates: 2, tokens: 900, usd: null, staleDays: 0 });
    expect(rag.localSeconds).toBeCloseTo((6 * 2) / 1000, 9);
  });

  it('re-trains on the changed documents at each cadence: same tokens, fewer updates, longer staleness', () => {
    const k = keepFreshCosts(run(), pipelineRoles(run()), [1, 3, 12])!;
    const rows = k.rows.filter((r) => r.action === 're-train');
    // 3 changed documents × (4000 tokens / 10 documents) × 2 epochs; CPU at 40 s / (4000 × 2) tokens.
    for (const r of rows) {
      expect(r.tokens).toBe(2400);
      expect(r.localSeconds).toBeCloseTo((2400 * 40) / 8000, 9);
    }
    expect(rows.map((r) => [r.cadenceMonths, r.updates])).toEqual([
      [1, 2],
      [3, 2],
      [12, 1],
    ]);
    // Monthly: the 2 documents of 2024-01-20 wait until month 1, the one of 2024-04-10 until month 4.
    const m1 = monthsBetween('2024-01-01', '2024-01-20');
    const m2 = monthsBetween('2024-01-01', '2024-04-10');
    expect(rows[0]!.staleDays).toBeCloseTo(((2 * (1 - m1) + (4 - m2)) / 3) * DAYS_PER_MONTH, 9);
    expect(rows[2]!.staleDays).toBeCloseTo(((2 * (12 - m1) + (12 - m2)) / 3) * DAYS_PER_MONTH, 9);
    expect(k.assumptions.join('\n')).toMatch(/4000 tokens for 10 documents valid at the cutoff\) × 2 epochs/);
  });

  it('prices API embeddings and remote fine-tunes from what the run paid', () => {
    const remote = { rag: 'openai:gpt-4o-mini', 'fine-tuned': 'openai:ft:gpt-4o-mini-2024-07-18:org::abc' };
    const r = run({
      models: remote,
      config: { ...config, finetune: { tuned: { data: 'plain', model: remote['fine-tuned'] } } },
      fineTuning: { 'fine-tuned': { usd: 8 } },
      run: { corpusTimeline: timeline, finetunes: { [remote['fine-tuned']]: { trainingTokens: 4000, epochs: 2 } }, embeddingCost: { tokens: 10_000, usd: 0.0002 } },
    });
    const k = keepFreshCosts(r, pipelineRoles(r), [1])!;
    expect(k.rows[0]!.usd).toBeCloseTo(900 * (0.0002 / 10_000), 12);
    expect(k.rows[0]!.localSeconds).toBeNull();
    expect(k.rows[1]!.usd).toBeCloseTo(2400 * (8 / 8000), 9);
  });

  it('is null without a corpus timeline (results written before it was recorded)', () => {
    expect(keepFreshCosts(run({ run: {} }), pipelineRoles(run()))).toBeNull();
  });
});
