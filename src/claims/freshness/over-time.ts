/**
 * Freshness over time: accuracy and stale rate of each pipeline, bucketed by how long after the
 * training cutoff each question is asked (its `asOf`). A fine-tune decays as the world moves on
 * from its cutoff; a RAG index that is kept current should not (and a stale snapshot should).
 */
import { aggregate, metric, type MetricValue } from '../../metrics/registry.js';
import type { MetricValueJson } from '../../results/schema.js';
import type { ResultView } from '../../results/view.js';
import { monthsBetween } from './dates.js';

/** Bucket edges in months after the cutoff; each bucket doubles, as decay slows with age. */
export const MONTH_EDGES = [0, 3, 6, 12, 24, 48, 96] as const;

export interface MonthBucket {
  label: string;
  /** Months after the cutoff, lo inclusive, hi exclusive (null: open-ended). */
  lo: number | null;
  hi: number | null;
}

/** The bucket of a question asked `months` after the cutoff (negative: before it). */
export function monthBucket(months: number): MonthBucket {
  if (months < 0) return { label: 'before', lo: null, hi: 0 };
  for (let i = MONTH_EDGES.length - 1; i >= 0; i--) {
    const lo = MONTH_EDGES[i]!;
    if (months >= lo) {
      const hi = MONTH_EDGES[i + 1] ?? null;
      return { label: hi === null ? `${lo}+` : `${lo}-${hi}`, lo, hi };
    }
  }
  throw new Error('unreachable: months >= 0 falls in a bucket');
}

export interface OverTimeCell {
  /** Answerable questions answered correctly (failed calls count as wrong). */
  accuracy: MetricValueJson | null;
  /** Updated questions answered without error with the pre-update answer. */
  stale: MetricValueJson | null;
}

export interface FreshnessOverTime {
  trainingCutoff: string;
  /** Buckets with at least one dated question, oldest first, with their question counts. */
  buckets: (MonthBucket & { questions: number })[];
  pipelines: { name: string; indexAsOf: string | null; cells: OverTimeCell[] }[];
  /** Questions without an `asOf` (left out). */
  undated: number;
}

const value = (m: MetricValue): MetricValueJson | null => (m.n === 0 ? null : m);

/** Null when the run has no training cutoff or no record carries an `asOf` (results written before it was recorded). */
export function freshnessOverTime(result: Pick<ResultView, 'run' | 'pipelines' | 'records'>): FreshnessOverTime | null {
  const cutoff = result.run.dataset.trainingCutoff;
  if (cutoff === null || !result.records.some((r) => r.asOf !== null)) return null;
  const bucketOf = new Map<string, MonthBucket>();
  for (const r of result.records) if (r.asOf !== null) bucketOf.set(r.questionId, monthBucket(monthsBetween(cutoff, r.asOf)));
  const labels = [...new Map([...bucketOf.values()].map((b) => [b.label, b])).values()].sort((x, y) => (x.lo ?? -Infinity) - (y.lo ?? -Infinity));
  const questions = (label: string) => [...bucketOf.values()].filter((b) => b.label === label).length;
  return {
    trainingCutoff: cutoff,
    buckets: labels.map((b) => ({ ...b, questions: questions(b.label) })),
    pipelines: result.pipelines.map((p) => {
      const mine = result.records.filter((r) => r.pipeline === p.name);
      return {
        name: p.name,
        indexAsOf: p.indexAsOf,
        cells: labels.map((b) => {
          const inBucket = mine.filter((r) => bucketOf.get(r.questionId)?.label === b.label);
          return { accuracy: value(aggregate(metric('accuracy'), inBucket)), stale: value(aggregate(metric('staleRate'), inBucket)) };
        }),
      };
    }),
    undated: new Set(result.records.filter((r) => r.asOf === null).map((r) => r.questionId)).size,
  };
}
