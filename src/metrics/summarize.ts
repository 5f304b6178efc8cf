import { CATEGORIES, type Category } from '../dataset/schema.js';
import type { ResultRecord, Summary } from '../results/schema.js';
import { percentiles } from './percentiles.js';

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
const round = (x: number, digits = 6) => Math.round(x * 10 ** digits) / 10 ** digits;

function accuracy(records: ResultRecord[]) {
  return {
    questions: records.length,
    exactMatch: round(mean(records.map((r) => r.exactMatch))),
    f1: round(mean(records.map((r) => r.f1))),
    abstentions: records.filter((r) => r.abstained && !r.error).length,
    errors: records.filter((r) => r.error).length,
  };
}

function freshness(records: ResultRecord[]) {
  const eligible = records.filter((r) => r.category === 'updated' || r.category === 'new');
  const stale = eligible.filter((r) => r.freshness === 'stale').length;
  const missing = eligible.filter((r) => r.freshness === 'missing').length;
  const n = eligible.length;
  return { eligible: n, stale, missing, staleRate: n ? round(stale / n) : null, missingRate: n ? round(missing / n) : null };
}

export interface CostInputs {
  /** Sum of per-call costs; null when the model's price is unknown. */
  fineTuningUsd: number | null;
  fineTuningSeconds: number;
  queryVolume: number;
  /** Whether generation ran on this machine (its seconds are compute, not API latency). */
  localModel: boolean;
}

function cost(records: ResultRecord[], c: CostInputs): Summary['costUsd'] {
  const answered = records.filter((r) => !r.error);
  const unknown = answered.some((r) => r.costUsd === null);
  const inferenceUsd = unknown ? null : round(answered.reduce((a, r) => a + (r.costUsd ?? 0), 0), 9);
  const perQuery = inferenceUsd === null || answered.length === 0 ? null : inferenceUsd / answered.length;
  const perThousand = perQuery === null || c.fineTuningUsd === null ? null : round(1000 * (perQuery + c.fineTuningUsd / c.queryVolume), 9);
  const generateSeconds = c.localModel ? records.reduce((a, r) => a + (r.cached ? 0 : (r.latencyMs.generate ?? 0)), 0) / 1000 : 0;
  return {
    inferenceUsd,
    fineTuningUsd: c.fineTuningUsd === null ? null : round(c.fineTuningUsd, 9),
    perThousandQuestionsUsd: perThousand,
    queryVolume: c.queryVolume,
    localComputeSeconds: { inference: round(generateSeconds, 3), fineTuning: round(c.fineTuningSeconds, 3) },
  };
}

/** Latency percentiles over measured calls only: cached answers did not wait for a model. */
function latency(records: ResultRecord[]) {
  const measured = records.filter((r) => !r.cached && !r.error);
  const pick = (f: (r: ResultRecord) => number | null) => percentiles(measured.map(f).filter((x): x is number => x !== null));
  return {
    latencyMs: pick((r) => r.latencyMs.total) ?? { p50: 0, p95: 0, p99: 0, mean: 0, count: 0 },
    stageLatencyMs: {
      embed: pick((r) => r.latencyMs.embed),
      search: pick((r) => r.latencyMs.search),
      generate: pick((r) => r.latencyMs.generate),
      firstToken: pick((r) => r.latencyMs.firstToken),
    },
  };
}

function retrieval(records: ResultRecord[], k: number | null): Summary['retrieval'] {
  if (k === null) return null;
  const scored = records.map((r) => r.retrieval).filter((x) => x !== null);
  return { k, recallAtK: round(mean(scored.map((s) => s.recall))), mrr: round(mean(scored.map((s) => s.reciprocalRank))), questions: scored.length };
}

function errorsByKind(records: ResultRecord[]): Summary['errorsByKind'] {
  const out: Summary['errorsByKind'] = {};
  for (const r of records) if (r.error) out[r.error.kind] = (out[r.error.kind] ?? 0) + 1;
  return out;
}

/** Summary of one pipeline's records. `k` is the retrieval depth, or null without retrieval. */
export function summarize(records: ResultRecord[], opts: { k: number | null; cost: CostInputs }): Summary {
  const answerable = records.filter((r) => r.category !== 'unanswerable');
  const unanswerable = records.filter((r) => r.category === 'unanswerable');
  const byCategory: Summary['byCategory'] = {};
  for (const cat of CATEGORIES) {
    const rs = records.filter((r) => r.category === (cat as Category));
    if (rs.length) byCategory[cat] = { ...accuracy(rs), freshness: cat === 'updated' || cat === 'new' ? freshness(rs) : null };
  }
  return {
    ...accuracy(records),
    answerable: { questions: answerable.length, exactMatch: round(mean(answerable.map((r) => r.exactMatch))), f1: round(mean(answerable.map((r) => r.f1))) },
    abstentionAccuracy: unanswerable.length ? round(mean(unanswerable.map((r) => (r.abstained && !r.error ? 1 : 0)))) : null,
    ...latency(records),
    errorsByKind: errorsByKind(records),
    cached: records.filter((r) => r.cached).length,
    tokens: { input: records.reduce((a, r) => a + r.tokens.input, 0), output: records.reduce((a, r) => a + r.tokens.output, 0) },
    costUsd: cost(records, opts.cost),
    freshness: freshness(records),
    retrieval: retrieval(records, opts.k),
    byCategory,
  };
}
