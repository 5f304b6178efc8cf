import { z } from 'zod';
import { CategorySchema } from '../dataset/schema.js';

/**
 * Schema of `RunResult.statistics`: confidence intervals and paired tests computed from the
 * per-question records of one run (see computeRunStatistics).
 */

/** A mean (rate or score in [0, 1]) with its percentile-bootstrap confidence interval. */
export const MeanCISchema = z.strictObject({ mean: z.number(), lo: z.number(), hi: z.number() });
export type MeanCIJson = z.infer<typeof MeanCISchema>;

/** mean(b) - mean(a) over the same questions with its paired-bootstrap interval. */
export const DiffCISchema = z.strictObject({ diff: z.number(), lo: z.number(), hi: z.number() });

export const MethodSchema = z.strictObject({
  /** Percentile bootstrap over questions; paired (same resampled questions) for differences. */
  interval: z.literal('percentile-bootstrap'),
  resamples: z.number().int().positive(),
  seed: z.number().int(),
  /** Confidence level of every interval, e.g. 0.95. */
  level: z.number().gt(0).lt(1),
  /** Exact-match correctness test between pipelines. */
  test: z.literal('mcnemar-exact'),
  /** Significance threshold for p-values; equals 1 - level. */
  alpha: z.number().gt(0).lt(1),
});

/** Freshness intervals are over eligible (updated + new) questions; null when there are none. */
const FreshnessCIs = {
  eligible: z.number().int().nonnegative(),
  staleRate: MeanCISchema.nullable(),
  missingRate: MeanCISchema.nullable(),
};

export const CategoryStatisticsSchema = z.strictObject({
  questions: z.number().int().nonnegative(),
  exactMatch: MeanCISchema,
  f1: MeanCISchema,
  ...FreshnessCIs,
});

export const PipelineStatisticsSchema = z.strictObject({
  name: z.string(),
  questions: z.number().int().nonnegative(),
  exactMatch: MeanCISchema.nullable(),
  f1: MeanCISchema.nullable(),
  /** Over questions with an answer (all but `unanswerable`); null when there are none. */
  answerable: z.strictObject({ questions: z.number().int().nonnegative(), exactMatch: MeanCISchema.nullable(), f1: MeanCISchema.nullable() }),
  /** Over unanswerable questions: share that abstained; null when there are none. */
  abstentionAccuracy: MeanCISchema.nullable(),
  ...FreshnessCIs,
  byCategory: z.partialRecord(CategorySchema, CategoryStatisticsSchema),
});
export type PipelineStatistics = z.infer<typeof PipelineStatisticsSchema>;

export const PairwiseComparisonSchema = z.strictObject({
  a: z.string(),
  b: z.string(),
  /** Questions answered by both pipelines (the pairs). */
  questions: z.number().int().nonnegative(),
  /** F1 of b minus F1 of a, with paired-bootstrap interval. */
  f1: z.strictObject({ a: z.number(), b: z.number(), ...DiffCISchema.shape, significant: z.boolean() }),
  exactMatch: z.strictObject({ a: z.number(), b: z.number(), diff: z.number() }),
  /** McNemar on exact-match correctness (errors count as wrong). */
  mcnemar: z.strictObject({
    /** a right, b wrong (McNemar's b). */
    aOnlyCorrect: z.number().int().nonnegative(),
    /** a wrong, b right (McNemar's c). */
    bOnlyCorrect: z.number().int().nonnegative(),
    pValue: z.number().min(0).max(1),
    significant: z.boolean(),
  }),
});
export type PairwiseComparison = z.infer<typeof PairwiseComparisonSchema>;

export const CategoryWinnerSchema = z.strictObject({
  category: CategorySchema,
  /** Pipeline with the highest mean F1, or null on a tie (see `tie`). */
  winner: z.string().nullable(),
  /** True when the paired CI of leader minus runner-up includes 0: no pipeline is clearly best. */
  tie: z.boolean(),
  leader: z.string(),
  leaderF1: z.number(),
  runnerUp: z.string().nullable(),
  runnerUpF1: z.number().nullable(),
  /** Leader F1 minus runner-up F1 on their common questions of this category. */
  margin: DiffCISchema.nullable(),
});
export type CategoryWinner = z.infer<typeof CategoryWinnerSchema>;

export const OracleSchema = z.strictObject({
  /** Questions answered by every pipeline (the oracle needs all of them). */
  questions: z.number().int().nonnegative(),
  /** Mean over questions of the best F1 / exact match of any pipeline: an upper bound for routing. */
  f1: MeanCISchema,
  exactMatch: MeanCISchema,
  /** Questions routed to each pipeline: the best F1, ties going to the pipeline listed first. */
  chosen: z.record(z.string(), z.number().int().nonnegative()),
  /** How many of those were ties (several pipelines shared the best F1, including all scoring 0). */
  tied: z.number().int().nonnegative(),
  /** Best single pipeline by mean F1 on the same questions, and the oracle's gain over it. */
  bestSingle: z.strictObject({ pipeline: z.string(), f1: z.number(), gain: z.number() }),
});

export const RunStatisticsSchema = z.strictObject({
  method: MethodSchema,
  pipelines: z.array(PipelineStatisticsSchema),
  /** Every unordered pair of pipelines, in pipeline order. */
  comparisons: z.array(PairwiseComparisonSchema),
  categoryWinners: z.array(CategoryWinnerSchema),
  /** Null with fewer than two pipelines or no question answered by all. */
  oracle: OracleSchema.nullable(),
});
export type RunStatistics = z.infer<typeof RunStatisticsSchema>;
