/**
 * Pins every summary figure to a value computed by hand from six records, so a change to any
 * metric's definition (denominators, exclusions, amortization, MRR vs recall) fails here.
 */
import { describe, expect, it } from 'vitest';
import type { ResultRecord } from '../results/schema.js';
import { SummarySchema } from '../results/schema.js';
import { round } from './registry.js';
import { summarize } from './summarize.js';

function rec(over: Partial<ResultRecord> & Pick<ResultRecord, 'questionId' | 'category'>): ResultRecord {
  return {
    pipeline: 'p',
    answer: 'x',
    abstained: false,
    correct: false,
    scores: { strict: { exactMatch: 0, f1: 0 }, lenient: { correct: false, matchesStale: false } },
    hallucinated: false,
    freshness: null,
    finishReason: 'stop',
    responseModelId: null,
    latencyMs: { total: 100, embed: null, search: null, generate: 80, firstToken: null },
    tokens: { input: 10, output: 1 },
    costUsd: 0.001,
    cpuMs: null,
    cached: false,
    embedCached: null,
    retrievedDocIds: null,
    asOf: null,
    retrieval: null,
    answerInContext: null,
    leaked: null,
    citations: null,
    citation: null,
    error: null,
    ...over,
  };
}

const lat = (total: number) => ({ total, embed: null, search: null, generate: total, firstToken: null });

const records: ResultRecord[] = [
  // static, right (EM and F1 1), retrieval hit at rank 2, the gold document's chunk holds the answer
  rec({ questionId: 'q1', category: 'static', correct: true, scores: { strict: { exactMatch: 1, f1: 1 }, lenient: { correct: true, matchesStale: false } }, latencyMs: lat(100), tokens: { input: 100, output: 10 }, cpuMs: 5, retrieval: { recall: 1, reciprocalRank: 0.5, chunkRecall: true }, answerInContext: true }),
  // static, wrong with partial F1; cached, so out of the latency percentiles; the answer is only in another document's chunk
  rec({ questionId: 'q2', category: 'static', hallucinated: true, scores: { strict: { exactMatch: 0, f1: 0.5 }, lenient: { correct: false, matchesStale: false } }, latencyMs: lat(300), tokens: { input: 200, output: 20 }, costUsd: 0.002, cpuMs: 7, cached: true, retrieval: { recall: 0.5, reciprocalRank: 1 / 3, chunkRecall: false }, answerInContext: true }),
  // updated, stale, truncated
  rec({ questionId: 'q3', category: 'updated', hallucinated: true, freshness: 'stale', scores: { strict: { exactMatch: 0, f1: 0 }, lenient: { correct: false, matchesStale: true } }, latencyMs: lat(200), tokens: { input: 50, output: 5 }, finishReason: 'length' }),
  // new, abstained
  rec({ questionId: 'q4', category: 'new', abstained: true, freshness: 'missing', latencyMs: lat(400), tokens: { input: 60, output: 6 } }),
  // unanswerable, abstained: correct
  rec({ questionId: 'q5', category: 'unanswerable', abstained: true, correct: true, latencyMs: lat(50), tokens: { input: 10, output: 1 } }),
  // updated, failed call: wrong, out of freshness rates and latency, no usage, cost 0
  rec({ questionId: 'q6', category: 'updated', answer: null, freshness: 'error', finishReason: null, latencyMs: lat(1000), tokens: null, costUsd: 0, error: { kind: 'timeout', message: 't' } }),
];

describe('summarize: every figure, computed by hand', () => {
  const s = summarize(records, { k: 5, cost: { fineTuningUsd: 3, fineTuningSeconds: 12.5, queryVolume: 1000 } });

  it('is schema-valid', () => {
    expect(SummarySchema.parse(s)).toEqual(s);
  });

  it('counts', () => {
    expect(s).toMatchObject({ questions: 6, errors: 1, errorsByKind: { timeout: 1 }, abstentions: 2, truncated: 1, cached: 1, cachedEmbeddings: 0, retrievalK: 5 });
  });

  it('accuracy figures are over answerable questions (q1–q4, q6), failed calls wrong', () => {
    expect(s.metrics.accuracy).toEqual({ value: 0.2, n: 5, sum: 1 });
    expect(s.metrics.strictF1).toEqual({ value: 0.3, n: 5, sum: 1.5 });
    expect(s.metrics.strictEM).toEqual({ value: 0.2, n: 5, sum: 1 });
  });

  it('unanswerable questions apart: abstention and hallucination', () => {
    expect(s.metrics.abstentionAccuracy).toEqual({ value: 1, n: 1, sum: 1 });
    expect(s.metrics.hallucinationRate).toEqual({ value: 0, n: 1, sum: 0 });
    // Wrong non-abstaining answers among the 5 answered without error: q2, q3.
    expect(s.metrics.wrongAnswerRate).toEqual({ value: 0.4, n: 5, sum: 2 });
  });

  it('freshness: stale over updated questions without error; missing over updated + new', () => {
    expect(s.metrics.staleRate).toEqual({ value: 1, n: 1, sum: 1 });
    expect(s.metrics.missingRate).toEqual({ value: 0.5, n: 2, sum: 1 });
    expect(s.metrics.freshWrongRate).toEqual({ value: 0, n: 2, sum: 0 });
    expect(s.metrics.errorRate).toEqual({ value: 0.166667, n: 6, sum: 1 });
  });

  it('retrieval: recall and MRR are different means', () => {
    expect(s.metrics.recall).toEqual({ value: 0.75, n: 2, sum: 1.5 });
    expect(s.metrics.mrr).toEqual({ value: 0.416667, n: 2, sum: 0.833333 });
  });

  it('retrieval: chunk recall needs the alias in a gold document, answer in context anywhere retrieved', () => {
    expect(s.metrics.chunkRecall).toEqual({ value: 0.5, n: 2, sum: 1 });
    expect(s.metrics.answerInContext).toEqual({ value: 1, n: 2, sum: 2 });
  });

  it('latency over measured calls only (q1, q3, q4, q5: not cached, no error)', () => {
    expect(s.latencyMs).toEqual({ p50: 100, p95: 400, p99: 400, mean: 187.5, count: 4 });
    expect(s.stageLatencyMs.generate).toEqual({ p50: 100, p95: 400, p99: 400, mean: 187.5, count: 4 });
    expect(s.stageLatencyMs.embed).toBeNull();
  });

  it('tokens and cost: per question over all six, fine-tuning amortized over the query volume', () => {
    expect(s.tokens).toEqual({ input: 420, output: 42, unknownUsage: 0 });
    // 0.006 / 6 questions = 0.001 per question; + 3 USD / 1000 queries = 0.004; x 1000.
    expect(s.costUsd).toEqual({ inferenceUsd: 0.006, fineTuningUsd: 3, perThousandQuestionsUsd: 4, queryVolume: 1000, localCpuSeconds: { inference: 0.012, fineTuning: 12.5 } });
  });

  it('per category', () => {
    expect(s.byCategory.updated).toEqual({
      questions: 2,
      errors: 1,
      metrics: expect.objectContaining({ accuracy: { value: 0, n: 2, sum: 0 }, staleRate: { value: 1, n: 1, sum: 1 }, errorRate: { value: 0.5, n: 2, sum: 1 } }),
    });
    expect(s.byCategory.unanswerable!.metrics.accuracy).toBeUndefined();
    expect(Object.keys(s.byCategory)).toEqual(['static', 'updated', 'new', 'unanswerable']);
  });
});

describe('summarize: query embeddings served from the embedding cache', () => {
  it('are counted, and left out of the embed-stage percentiles (a lookup is no model latency)', () => {
    const withEmbed = (id: string, embed: number, embedCached: boolean) =>
      rec({ questionId: id, category: 'static', embedCached, latencyMs: { total: 100, embed, search: 1, generate: 90, firstToken: null } });
    const s = summarize([withEmbed('a', 40, false), withEmbed('b', 0.4, true), withEmbed('c', 0.5, true), withEmbed('d', 60, false)], { k: 5, cost: { fineTuningUsd: 0, fineTuningSeconds: 0, queryVolume: 1 } });
    expect(s.cachedEmbeddings).toBe(2);
    expect(s.stageLatencyMs.embed).toEqual({ p50: 40, p95: 60, p99: 60, mean: 50, count: 2 });
    // The other stages and the total still count every measured call.
    expect(s.stageLatencyMs.search!.count).toBe(4);
    expect(s.latencyMs.count).toBe(4);
  });

  it('results written before the field parse with no cached embeddings', () => {
    const { cachedEmbeddings: _c, ...old } = summarize(records, { k: 5, cost: { fineTuningUsd: 0, fineTuningSeconds: 0, queryVolume: 1 } });
    expect(SummarySchema.parse(old).cachedEmbeddings).toBe(0);
  });
});

describe('summarize: a failed call is wrong whatever its stored scores', () => {
  it('counts an errored record as wrong and as no abstention, even if a file says otherwise', () => {
    const odd = rec({ questionId: 'e', category: 'static', correct: true, abstained: true, scores: { strict: { exactMatch: 1, f1: 1 }, lenient: { correct: true, matchesStale: false } }, error: { kind: 'server', message: 'x' } });
    const un = rec({ questionId: 'u', category: 'unanswerable', correct: true, abstained: true, error: { kind: 'server', message: 'x' } });
    const s = summarize([odd, un], { k: null, cost: { fineTuningUsd: 0, fineTuningSeconds: 0, queryVolume: 1 } });
    expect(s.metrics.accuracy).toEqual({ value: 0, n: 1, sum: 0 });
    expect(s.metrics.strictF1).toEqual({ value: 0, n: 1, sum: 0 });
    expect(s.metrics.strictEM).toEqual({ value: 0, n: 1, sum: 0 });
    expect(s.metrics.lenientAccuracy).toEqual({ value: 0, n: 1, sum: 0 });
    expect(s.metrics.abstentionAccuracy).toEqual({ value: 0, n: 1, sum: 0 });
    expect(s.abstentions).toBe(0);
  });
});

describe('summarize: unknown is unknown, never 0', () => {
  it('one unknown call cost makes inference and per-1k cost null', () => {
    const s = summarize([...records, rec({ questionId: 'q7', category: 'static', costUsd: null })], { k: null, cost: { fineTuningUsd: 0, fineTuningSeconds: 0, queryVolume: 1000 } });
    expect(s.costUsd.inferenceUsd).toBeNull();
    expect(s.costUsd.perThousandQuestionsUsd).toBeNull();
  });

  it('an unknown fine-tuning price makes per-1k cost null but keeps inference', () => {
    const s = summarize(records, { k: null, cost: { fineTuningUsd: null, fineTuningSeconds: 0, queryVolume: 1000 } });
    expect(s.costUsd).toMatchObject({ inferenceUsd: 0.006, fineTuningUsd: null, perThousandQuestionsUsd: null });
  });

  it('answers without usage are counted, and CPU time is null without local models', () => {
    const s = summarize([rec({ questionId: 'a', category: 'static', tokens: null, costUsd: null })], { k: null, cost: { fineTuningUsd: 0, fineTuningSeconds: 0, queryVolume: 1 } });
    expect(s.tokens).toEqual({ input: 0, output: 0, unknownUsage: 1 });
    expect(s.costUsd.localCpuSeconds.inference).toBeNull();
    expect(s.metrics.recall).toBeUndefined();
  });
});

describe('citation metrics, computed by hand', () => {
  const cite = (cited: number, correct: number, fabricated: number, recall: number | null) => ({ cited, correct, fabricated, notInCorpus: 0, precision: cited === 0 ? null : correct / cited, recall });
  const cited = [
    // cites its gold document and one shown non-gold one
    rec({ questionId: 'c1', category: 'static', citation: cite(2, 1, 0, 1) }),
    // cites nothing
    rec({ questionId: 'c2', category: 'static', citation: cite(0, 0, 0, 0) }),
    // cites an id it was not shown
    rec({ questionId: 'c3', category: 'updated', citation: cite(1, 0, 1, 0) }),
    // abstained: out of the answer-based figures, in the fabricated rate
    rec({ questionId: 'c4', category: 'new', abstained: true, citation: cite(1, 0, 1, 0) }),
    // unanswerable, answered with a citation: no recall, not in precision
    rec({ questionId: 'c5', category: 'unanswerable', citation: cite(1, 0, 0, null) }),
    // no citations asked
    rec({ questionId: 'c6', category: 'static' }),
  ];
  const m = summarize(cited, { k: null, cost: { fineTuningUsd: 0, fineTuningSeconds: 0, queryVolume: 1000 } }).metrics;

  it('rate, precision, recall and fabricated share each over their own answers', () => {
    expect(m.citationRate).toEqual({ value: 0.75, n: 4, sum: 3 });
    expect(m.citationPrecision).toEqual({ value: 0.25, n: 2, sum: 0.5 });
    expect(m.citationRecall).toEqual({ value: round(1 / 3), n: 3, sum: 1 });
    expect(m.fabricatedCitationRate).toEqual({ value: 0.5, n: 4, sum: 2 });
  });
});
