import { CATEGORIES } from '../dataset/schema.js';
import type { Summary } from '../results/schema.js';
import type { LeanRecord } from '../results/view.js';
import { percentiles } from './percentiles.js';
import { aggregateAll, round } from './registry.js';

export interface CostInputs {
  /** One-off fine-tuning cost; null when the model's training price is unknown. */
  fineTuningUsd: number | null;
  fineTuningSeconds: number;
  queryVolume: number;
}

/**
 * Inference cost over every record, answered or failed: a failed call may still have been billed,
 * so one unknown cost (unknown price or usage) makes the total unknown rather than an undercount.
 * Per-question cost divides by all questions asked; fine-tuning is amortized over `queryVolume`.
 */
function cost(records: readonly LeanRecord[], c: CostInputs): Summary['costUsd'] {
  const unknown = records.some((r) => r.costUsd === null);
  const inferenceUsd = unknown ? null : round(records.reduce((a, r) => a + r.costUsd!, 0), 9);
  const perQuery = inferenceUsd === null || records.length === 0 ? null : inferenceUsd / records.length;
  const perThousand = perQuery === null || c.fineTuningUsd === null ? null : round(1000 * (perQuery + c.fineTuningUsd / c.queryVolume), 9);
  const cpu = records.filter((r) => r.cpuMs !== null);
  return {
    inferenceUsd,
    fineTuningUsd: c.fineTuningUsd === null ? null : round(c.fineTuningUsd, 9),
    perThousandQuestionsUsd: perThousand,
    queryVolume: c.queryVolume,
    localCpuSeconds: { inference: cpu.length ? round(cpu.reduce((a, r) => a + r.cpuMs!, 0) / 1000, 3) : null, fineTuning: round(c.fineTuningSeconds, 3) },
  };
}

/**
 * Latency percentiles over measured calls only: cached answers did not wait for a model, failed
 * ones did not finish; the embed stage also leaves out query embeddings served from the cache.
 */
function latency(records: readonly LeanRecord[]) {
  const measured = records.filter((r) => !r.cached && !r.error);
  const pick = (f: (r: LeanRecord) => number | null, rs = measured) => percentiles(rs.map(f).filter((x): x is number => x !== null));
  return {
    latencyMs: pick((r) => r.latencyMs.total) ?? { p50: 0, p95: 0, p99: 0, mean: 0, count: 0 },
    stageLatencyMs: {
      embed: pick((r) => r.latencyMs.embed, measured.filter((r) => r.embedCached !== true)),
      search: pick((r) => r.latencyMs.search),
      generate: pick((r) => r.latencyMs.generate),
      firstToken: pick((r) => r.latencyMs.firstToken),
    },
  };
}

function tokens(records: readonly LeanRecord[]): Summary['tokens'] {
  const out = { input: 0, output: 0, unknownUsage: 0 };
  for (const r of records) {
    if (r.tokens) {
      out.input += r.tokens.input;
      out.output += r.tokens.output;
    } else if (!r.error) out.unknownUsage++;
  }
  return out;
}

function errorsByKind(records: readonly LeanRecord[]): Summary['errorsByKind'] {
  const out: Summary['errorsByKind'] = {};
  for (const r of records) if (r.error) out[r.error.kind] = (out[r.error.kind] ?? 0) + 1;
  return out;
}

/** Summary of one pipeline's records. `k` is the retrieval depth, or null without retrieval. */
export function summarize(records: readonly LeanRecord[], opts: { k: number | null; cost: CostInputs }): Summary {
  const byCategory: Summary['byCategory'] = {};
  for (const cat of CATEGORIES) {
    const rs = records.filter((r) => r.category === cat);
    if (rs.length) byCategory[cat] = { questions: rs.length, errors: rs.filter((r) => r.error).length, metrics: aggregateAll(rs) };
  }
  return {
    questions: records.length,
    errors: records.filter((r) => r.error).length,
    errorsByKind: errorsByKind(records),
    abstentions: records.filter((r) => r.abstained && !r.error).length,
    truncated: records.filter((r) => r.finishReason === 'length').length,
    metrics: aggregateAll(records),
    ...latency(records),
    cached: records.filter((r) => r.cached).length,
    cachedEmbeddings: records.filter((r) => r.embedCached === true).length,
    tokens: tokens(records),
    costUsd: cost(records, opts.cost),
    retrievalK: opts.k,
    byCategory,
  };
}
