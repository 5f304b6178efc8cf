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
  /** Paired test of headline correctness between pipelines. */
  test: z.literal('mcnemar-exact'),
  /** Significance threshold for p-values; equals 1 - level. */
  alpha: z.number().gt(0).lt(1),
});

/** A registered metric's mean with its interval, over `n` eligible questions. */
export const MetricCISchema = z.strictObject({ ...MeanCISchema.shape, n: z.number().int().positive() });
/** Metric id (src/metrics/registry.ts) -> interval, for metrics with at least one eligible question. */
const MetricCIs = z.record(z.string(), MetricCISchema);

export const PipelineStatisticsSchema = z.strictObject({
  name: z.string(),
  questions: z.number().int().nonnegative(),
  metrics: MetricCIs,
  byCategory: z.partialRecord(CategorySchema, z.strictObject({ questions: z.number().int().nonnegative(), metrics: MetricCIs })),
});
export type PipelineStatistics = z.infer<typeof PipelineStatisticsSchema>;

/** b minus a on the paired questions eligible for the metric in both pipelines. */
export const PairedDiffSchema = z.strictObject({
  metric: z.string(),
  questions: z.number().int().nonnegative(),
  a: z.number().nullable(),
  b: z.number().nullable(),
  ...DiffCISchema.shape,
  significant: z.boolean(),
});

export const PairwiseComparisonSchema = z.strictObject({
  a: z.string(),
  b: z.string(),
  /** Headline accuracy (answerable questions), b − a, with paired-bootstrap interval. */
  accuracy: PairedDiffSchema,
  /** Strict SQuAD F1 (answerable questions), b − a. */
  strictF1: PairedDiffSchema,
  /** Abstention on unanswerable questions, b − a; null when there are none. */
  abstentionAccuracy: PairedDiffSchema.nullable(),
  /** McNemar on headline correctness over the answerable pairs (errors count as wrong). */
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
  /** The metric pipelines are ranked by (headline accuracy). */
  metric: z.string(),
  /** Pipeline with the highest value, or null on a tie (see `tie`). */
  winner: z.string().nullable(),
  /** True when the paired CI of leader minus runner-up includes 0: no pipeline is clearly best. */
  tie: z.boolean(),
  leader: z.string(),
  leaderValue: z.number(),
  runnerUp: z.string().nullable(),
  runnerUpValue: z.number().nullable(),
  /** Leader minus runner-up on their common questions of this category. */
  margin: DiffCISchema.nullable(),
  /** Share of the category's questions on which every pipeline got the same outcome (right or wrong). */
  allAgree: z.number().min(0).max(1),
});
export type CategoryWinner = z.infer<typeof CategoryWinnerSchema>;

export const OracleSchema = z.strictObject({
  /** Answerable questions answered by every pipeline (the oracle needs all of them). */
  questions: z.number().int().nonnegative(),
  /** Share of questions some pipeline got right: an upper bound for any router among them. */
  accuracy: MeanCISchema,
  /** Questions only this pipeline got right: what routing to it would add. */
  onlyCorrect: z.record(z.string(), z.number().int().nonnegative()),
  /** Questions several (not all) pipelines got right: any of them would do. */
  severalCorrect: z.number().int().nonnegative(),
  /** Questions every pipeline got right / none did: ties, credited to no pipeline. */
  allCorrect: z.number().int().nonnegative(),
  noneCorrect: z.number().int().nonnegative(),
  /** Best single pipeline by accuracy on the same questions, and the oracle's gain over it. */
  bestSingle: z.strictObject({ pipeline: z.string(), accuracy: z.number(), gain: z.number() }),
});

export const RunStatisticsSchema = z.strictObject({
  method: MethodSchema,
  pipelines: z.array(PipelineStatisticsSchema),
  /** Every unordered pair of pipelines, in pipeline order. */
  comparisons: z.array(PairwiseComparisonSchema),
  /** Answerable categories only: on unanswerable questions always abstaining would "win". */
  categoryWinners: z.array(CategoryWinnerSchema),
  /** Null with fewer than two pipelines or no answerable question answered by all. */
  oracle: OracleSchema.nullable(),
});
export type RunStatistics = z.infer<typeof RunStatisticsSchema>;
