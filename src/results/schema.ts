import { z } from 'zod';
import { CategorySchema } from '../dataset/schema.js';
import { RunStatisticsSchema } from '../stats/schema.js';

/**
 * Version of the result JSON. Bump the major number on an incompatible change; `compare` and
 * `gate` refuse results whose major version differs from theirs.
 */
export const RESULT_SCHEMA_VERSION = '1.0';

const Rate = z.number().min(0).max(1);
const Ms = z.number().nonnegative();

export const PercentilesSchema = z.strictObject({ p50: Ms, p95: Ms, p99: Ms, mean: Ms, count: z.number().int().nonnegative() });
export type Percentiles = z.infer<typeof PercentilesSchema>;

export const TokensSchema = z.strictObject({ input: z.number().int().nonnegative(), output: z.number().int().nonnegative() });
export type Tokens = z.infer<typeof TokensSchema>;

export const ErrorKindSchema = z.enum(['rate-limit', 'timeout', 'server', 'bad-response', 'aborted', 'other']);
export type ErrorKind = z.infer<typeof ErrorKindSchema>;

export const FreshnessSchema = z.enum(['current', 'stale', 'missing']);
export type Freshness = z.infer<typeof FreshnessSchema>;

export const RecordSchema = z.strictObject({
  questionId: z.string(),
  category: CategorySchema,
  pipeline: z.string(),
  answer: z.string().nullable(),
  abstained: z.boolean(),
  exactMatch: z.number().min(0).max(1),
  f1: Rate,
  /** updated/new questions only: current, stale (said what was true before the update), missing. */
  freshness: FreshnessSchema.nullable(),
  latencyMs: z.strictObject({
    total: Ms,
    embed: Ms.nullable(),
    search: Ms.nullable(),
    generate: Ms.nullable(),
    /** Time to first streamed token, when the call streamed. */
    firstToken: Ms.nullable(),
  }),
  tokens: TokensSchema,
  /** USD for this call; null when the model's price is unknown. */
  costUsd: z.number().nonnegative().nullable(),
  /** Served from the response cache: its latency is not a measurement of the model. */
  cached: z.boolean(),
  retrievedDocIds: z.array(z.string()).nullable(),
  /** Rank-based retrieval scores of the gold `sourceDocIds`; null without retrieval or gold docs. */
  retrieval: z.strictObject({ recall: Rate, reciprocalRank: Rate }).nullable(),
  error: z.strictObject({ kind: ErrorKindSchema, message: z.string() }).nullable(),
});
export type ResultRecord = z.infer<typeof RecordSchema>;

export const AccuracySchema = z.strictObject({
  questions: z.number().int().nonnegative(),
  exactMatch: Rate,
  f1: Rate,
  /** Abstentions ("I don't know") among the answers. */
  abstentions: z.number().int().nonnegative(),
  errors: z.number().int().nonnegative(),
});

export const FreshnessSummarySchema = z.strictObject({
  /** updated + new questions. */
  eligible: z.number().int().nonnegative(),
  stale: z.number().int().nonnegative(),
  missing: z.number().int().nonnegative(),
  staleRate: Rate.nullable(),
  missingRate: Rate.nullable(),
});

export const CostSchema = z.strictObject({
  /** Sum over this run's calls; null if any model in the pipeline has no known price. */
  inferenceUsd: z.number().nonnegative().nullable(),
  /** One-off fine-tuning cost (training tokens x epochs x price); 0 without fine-tuning. */
  fineTuningUsd: z.number().nonnegative().nullable(),
  /** Inference per 1,000 questions plus fine-tuning amortized over `queryVolume` queries. */
  perThousandQuestionsUsd: z.number().nonnegative().nullable(),
  queryVolume: z.number().int().positive(),
  /** Local CPU seconds, which have no price: generation of this run and (once) local training. */
  localComputeSeconds: z.strictObject({ inference: z.number().nonnegative(), fineTuning: z.number().nonnegative() }),
});

export const SummarySchema = z.strictObject({
  ...AccuracySchema.shape,
  /** Over questions with an answer (everything but `unanswerable`). */
  answerable: z.strictObject({ questions: z.number().int().nonnegative(), exactMatch: Rate, f1: Rate }),
  /** Over unanswerable questions: share that abstained. */
  abstentionAccuracy: Rate.nullable(),
  latencyMs: PercentilesSchema,
  stageLatencyMs: z.strictObject({ embed: PercentilesSchema.nullable(), search: PercentilesSchema.nullable(), generate: PercentilesSchema.nullable(), firstToken: PercentilesSchema.nullable() }),
  /** Failed questions by error kind (rate-limit, timeout, server, bad-response, …). */
  errorsByKind: z.partialRecord(ErrorKindSchema, z.number().int().positive()),
  /** Records served from the response cache (excluded from latency percentiles). */
  cached: z.number().int().nonnegative(),
  tokens: TokensSchema,
  costUsd: CostSchema,
  freshness: FreshnessSummarySchema,
  retrieval: z.strictObject({ k: z.number().int().positive(), recallAtK: Rate, mrr: Rate, questions: z.number().int().nonnegative() }).nullable(),
  byCategory: z.partialRecord(CategorySchema, z.strictObject({ ...AccuracySchema.shape, freshness: FreshnessSummarySchema.nullable() })),
});
export type Summary = z.infer<typeof SummarySchema>;

export const PipelineResultSchema = z.strictObject({
  name: z.string(),
  model: z.string(),
  retrieval: z.boolean(),
  summary: SummarySchema,
});
export type PipelineResult = z.infer<typeof PipelineResultSchema>;

export const RunInfoSchema = z.strictObject({
  id: z.string(),
  startedAt: z.string(),
  finishedAt: z.string(),
  harnessVersion: z.string(),
  gitCommit: z.string().nullable(),
  configHash: z.string(),
  datasetHash: z.string(),
  dataset: z.strictObject({ name: z.string(), trainingCutoff: z.string(), questions: z.number().int(), documents: z.number().int() }),
  /** Pipeline name -> `<provider>:<model>`. */
  models: z.record(z.string(), z.string()),
  embeddingModel: z.string(),
  /** API embeddings only (index build + queries of this run); null for local embedding models. */
  embeddingCost: z.strictObject({ tokens: z.number().int().nonnegative(), usd: z.number().nonnegative().nullable() }).nullable(),
  /** The run was interrupted and finished by `--resume`. */
  resumed: z.boolean(),
  node: z.string(),
  platform: z.string(),
  cpu: z.strictObject({ model: z.string(), cores: z.number().int() }),
  /** The resolved config (no secrets: keys live in the environment only). */
  config: z.record(z.string(), z.unknown()),
  warnings: z.array(z.string()),
});
export type RunInfo = z.infer<typeof RunInfoSchema>;

export const ResultSchema = z.strictObject({
  $schema: z.string().optional(),
  schemaVersion: z.string().regex(/^\d+\.\d+$/),
  run: RunInfoSchema,
  pipelines: z.array(PipelineResultSchema),
  records: z.array(RecordSchema),
  /** Bootstrap confidence intervals, paired pipeline comparisons, category winners, oracle router. */
  statistics: RunStatisticsSchema,
});
export type RunResult = z.infer<typeof ResultSchema>;
