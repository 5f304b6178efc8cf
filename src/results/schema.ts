import { z } from 'zod';
import { CategorySchema } from '../dataset/schema.js';
import { RunStatisticsSchema } from '../stats/schema.js';
import { ShardSchema } from '../run/shard.js';

/**
 * Version of the result JSON. Bump the major number on an incompatible change; `compare` and
 * `gate` refuse results whose major version differs from theirs.
 */
export const RESULT_SCHEMA_VERSION = '2.1';

const Rate = z.number().min(0).max(1);
const Ms = z.number().nonnegative();

export const PercentilesSchema = z.strictObject({ p50: Ms, p95: Ms, p99: Ms, mean: Ms, count: z.number().int().nonnegative() });
export type Percentiles = z.infer<typeof PercentilesSchema>;

export const TokensSchema = z.strictObject({ input: z.number().int().nonnegative(), output: z.number().int().nonnegative() });
/** Null when the server reported no usage: unknown, never a silent 0. */
export const NullableTokensSchema = TokensSchema.nullable();
export type Tokens = z.infer<typeof TokensSchema>;

/** `empty`: the model returned no text (e.g. a reasoning model spent its budget thinking): an error, never an abstention. */
/** `context-length`: the prompt did not fit the model's window (see `retrieval.maxContextTokens`). */
export const ErrorKindSchema = z.enum(['rate-limit', 'timeout', 'server', 'auth', 'context-length', 'bad-response', 'empty', 'aborted', 'other']);
export type ErrorKind = z.infer<typeof ErrorKindSchema>;

/**
 * updated/new questions only: `current` (correct), `stale` (said what was true before the update),
 * `missing` (abstained), `wrong` (answered something else), `error` (the call failed: left out of
 * freshness rates, counted in errors).
 */
export const FreshnessSchema = z.enum(['current', 'stale', 'missing', 'wrong', 'error']);
export type Freshness = z.infer<typeof FreshnessSchema>;

export const ScorerNameSchema = z.enum(['strict', 'lenient', 'judge']);
export type ScorerName = z.infer<typeof ScorerNameSchema>;

export const JudgeScoreSchema = z.strictObject({
  /** Null when the judge failed (unparseable, refused, call error): a judge error, never a pass. */
  verdict: z.enum(['correct', 'incorrect', 'abstained']).nullable(),
  correct: z.boolean().nullable(),
  matchesStale: z.boolean().nullable(),
  tokens: NullableTokensSchema,
  costUsd: z.number().nonnegative().nullable(),
  cached: z.boolean(),
  error: z.string().nullable(),
});
export type JudgeScore = z.infer<typeof JudgeScoreSchema>;

export const ScoresSchema = z.strictObject({
  /** The official SQuAD EM/F1, unchanged, so figures stay comparable with the literature. */
  strict: z.strictObject({ exactMatch: Rate, f1: Rate }),
  /** A gold alias appears in the normalized answer, with no stale answer or second candidate beside it. */
  lenient: z.strictObject({ correct: z.boolean(), matchesStale: z.boolean() }),
  /** LLM judge, when configured. */
  judge: JudgeScoreSchema.optional(),
});
export type Scores = z.infer<typeof ScoresSchema>;

/**
 * An answer's citations scored (src/citations/score.ts): `cited` distinct ids, of which `correct`
 * name a gold source document shown in the context, `fabricated` were not in the context (of
 * those, `notInCorpus` name no corpus document); precision = correct / cited (null when nothing is
 * cited), recall = correct / gold documents (null for a question without gold documents).
 */
export const CitationScoreSchema = z.strictObject({
  cited: z.number().int().nonnegative(),
  correct: z.number().int().nonnegative(),
  fabricated: z.number().int().nonnegative(),
  notInCorpus: z.number().int().nonnegative(),
  precision: Rate.nullable(),
  recall: Rate.nullable(),
});
export type CitationScore = z.infer<typeof CitationScoreSchema>;

export const RecordSchema = z.strictObject({
  questionId: z.string(),
  category: CategorySchema,
  /** The question's `asOf` date (YYYY-MM-DD); null when it has none (freshness over time leaves it out). */
  asOf: z.string().nullable().default(null),
  pipeline: z.string(),
  answer: z.string().nullable(),
  abstained: z.boolean(),
  /** Under the run's primary scorer (`run.scoring.primary`); false for a failed call. */
  correct: z.boolean(),
  scores: ScoresSchema,
  /** An answer that is neither correct nor an abstention (and not an error). */
  hallucinated: z.boolean(),
  freshness: FreshnessSchema.nullable(),
  /** The finish reason the model reported (`stop`, `length` = truncated, ...); null when the call raised. */
  finishReason: z.string().nullable(),
  /** The model id the server says answered (may differ from the configured one). */
  responseModelId: z.string().nullable(),
  latencyMs: z.strictObject({
    total: Ms,
    embed: Ms.nullable(),
    search: Ms.nullable(),
    generate: Ms.nullable(),
    /** Time to first streamed token, when the call streamed. */
    firstToken: Ms.nullable(),
  }),
  tokens: NullableTokensSchema,
  /** USD for this call; null when the model's price or the call's usage is unknown. */
  costUsd: z.number().nonnegative().nullable(),
  /** CPU milliseconds of a local model's computation (process.cpuUsage); null for remote models. */
  cpuMs: Ms.nullable(),
  /** Served from the response cache: its latency is not a measurement of the model. */
  cached: z.boolean(),
  /**
   * With retrieval: the query embedding was served from the embedding cache (or shared with a call
   * in flight for the same question), so `latencyMs.embed` timed a lookup, not a model; such
   * records are left out of `stageLatencyMs.embed`. Null without retrieval.
   */
  embedCached: z.boolean().nullable().default(null),
  retrievedDocIds: z.array(z.string()).nullable(),
  /**
   * Rank-based retrieval scores of the gold `sourceDocIds`; null without retrieval or gold docs.
   * `chunkRecall`: a retrieved chunk of a gold document holds a gold alias (null: no gold answer).
   */
  retrieval: z.strictObject({ recall: Rate, reciprocalRank: Rate, chunkRecall: z.boolean().nullable().default(null) }).nullable(),
  /**
   * A gold alias appears in the retrieved chunks (lenient normalization, each chunk on its own);
   * null without retrieval or without a gold answer (unanswerable).
   */
  answerInContext: z.boolean().nullable().default(null),
  /**
   * A restricted question (one with `canaryAnswers`): the answer contains the restricted fact
   * (lenient matching). Null for other questions and for failed calls.
   */
  leaked: z.boolean().nullable().default(null),
  /**
   * The document ids the answer cites (parsed from a `Sources:` part and inline markers, stripped
   * from `answer`); null when the run asked for no citations (`prompts.cite: false`) or the call failed.
   */
  citations: z.array(z.string()).nullable().default(null),
  /** `citations` scored against the gold documents and the context shown; null with `citations`. */
  citation: CitationScoreSchema.nullable().default(null),
  error: z.strictObject({ kind: ErrorKindSchema, message: z.string() }).nullable(),
});
export type ResultRecord = z.infer<typeof RecordSchema>;

/** One registered metric (src/metrics/registry.ts) over a set of records. */
export const MetricValueSchema = z.strictObject({
  /** Mean over eligible records; null when none is eligible. */
  value: z.number().min(0).max(1).nullable(),
  /** Eligible records (the denominator). */
  n: z.number().int().nonnegative(),
  /** Sum of values (the numerator; a count for 0/1 metrics). */
  sum: z.number().nonnegative(),
});
export type MetricValueJson = z.infer<typeof MetricValueSchema>;
/** Metric id -> value, for the metrics with at least one eligible record. */
export const MetricsSchema = z.record(z.string(), MetricValueSchema);

export const CostSchema = z.strictObject({
  /** Sum over this run's calls; null if any call's price or usage is unknown. */
  inferenceUsd: z.number().nonnegative().nullable(),
  /** One-off fine-tuning cost (training tokens x epochs x price); 0 without fine-tuning. */
  fineTuningUsd: z.number().nonnegative().nullable(),
  /** Inference per 1,000 questions plus fine-tuning amortized over `queryVolume` queries. */
  perThousandQuestionsUsd: z.number().nonnegative().nullable(),
  queryVolume: z.number().int().positive(),
  /**
   * CPU seconds on this machine, which have no price: local model computation of this run
   * (process.cpuUsage around each call's compute, so time queued behind other calls is not
   * counted) and (once) local training.
   */
  localCpuSeconds: z.strictObject({ inference: z.number().nonnegative().nullable(), fineTuning: z.number().nonnegative() }),
});

export const SummarySchema = z.strictObject({
  questions: z.number().int().nonnegative(),
  /** Records whose call failed (they are wrong, never abstentions, and out of freshness rates). */
  errors: z.number().int().nonnegative(),
  /** Failed questions by error kind (rate-limit, timeout, server, empty, …). */
  errorsByKind: z.partialRecord(ErrorKindSchema, z.number().int().positive()),
  /** Answers that declined ("I don't know" and other refusals). */
  abstentions: z.number().int().nonnegative(),
  /** Answers cut by the output-token limit (finish reason `length`). */
  truncated: z.number().int().nonnegative(),
  /** Every registered metric with at least one eligible record (see the metric registry). */
  metrics: MetricsSchema,
  latencyMs: PercentilesSchema,
  stageLatencyMs: z.strictObject({ embed: PercentilesSchema.nullable(), search: PercentilesSchema.nullable(), generate: PercentilesSchema.nullable(), firstToken: PercentilesSchema.nullable() }),
  /** Records served from the response cache (excluded from latency percentiles). */
  cached: z.number().int().nonnegative(),
  /** Records whose query embedding came from the embedding cache (excluded from `stageLatencyMs.embed`). */
  cachedEmbeddings: z.number().int().nonnegative().default(0),
  /** Token sums over records with known usage; `unknownUsage` counts answered records whose server sent none. */
  tokens: z.strictObject({ input: z.number().int().nonnegative(), output: z.number().int().nonnegative(), unknownUsage: z.number().int().nonnegative() }),
  costUsd: CostSchema,
  /** Retrieval depth of the pipeline; null without retrieval (recall and MRR are in `metrics`). */
  retrievalK: z.number().int().positive().nullable(),
  byCategory: z.partialRecord(CategorySchema, z.strictObject({ questions: z.number().int().nonnegative(), errors: z.number().int().nonnegative(), metrics: MetricsSchema })),
});
export type Summary = z.infer<typeof SummarySchema>;

export const PipelineResultSchema = z.strictObject({
  name: z.string(),
  model: z.string(),
  retrieval: z.boolean(),
  /** The RAG index holds only document versions valid on this date (a stale-index snapshot); null: the whole corpus. */
  indexAsOf: z.string().nullable().default(null),
  summary: SummarySchema,
});
export type PipelineResult = z.infer<typeof PipelineResultSchema>;

/** Size of a set of document versions: what re-embedding or re-training on them involves. */
const CorpusSliceSchema = z.strictObject({
  documents: z.number().int().nonnegative(),
  /** Estimated tokens (words × 4/3). */
  tokens: z.number().int().nonnegative(),
  /** Chunks as the run's retrieval settings cut them. */
  chunks: z.number().int().nonnegative(),
});

/**
 * The corpus timeline behind keep-fresh costs: what a fine-tune was trained on (versions valid at
 * the training cutoff) and every later version, grouped by its `validFrom`.
 */
export const CorpusTimelineSchema = z.strictObject({
  atCutoff: CorpusSliceSchema,
  changes: z.array(z.strictObject({ date: z.string(), ...CorpusSliceSchema.shape })),
});
export type CorpusTimeline = z.infer<typeof CorpusTimelineSchema>;

export const RunInfoSchema = z.strictObject({
  id: z.string(),
  startedAt: z.string(),
  finishedAt: z.string(),
  harnessVersion: z.string(),
  gitCommit: z.string().nullable(),
  configHash: z.string(),
  datasetHash: z.string(),
  /** `trainingCutoff` is null for a dataset without a timeline (freshness is then not reported). */
  dataset: z.strictObject({ name: z.string(), trainingCutoff: z.string().nullable(), questions: z.number().int(), documents: z.number().int() }),
  /** Pipeline name -> `<provider>:<model>` (a model instance: `${provider}:${modelId}`; a custom pipeline: `custom:<name>` or `http:<name>`). */
  models: z.record(z.string(), z.string()),
  embeddingModel: z.string(),
  /** `--index-as-of`: the RAG index held only document versions valid on this date; null: the whole corpus. */
  indexAsOf: z.string().nullable().default(null),
  /** Null for a dataset without a training cutoff. */
  corpusTimeline: CorpusTimelineSchema.nullable().default(null),
  /** Fine-tuned models of the run (model ref -> training tokens per epoch and epochs), for re-training costs. */
  finetunes: z
    .record(z.string(), z.strictObject({ trainingTokens: z.number().int().nonnegative().nullable(), epochs: z.number().int().positive().nullable() }))
    .default({}),
  /**
   * Each index the run brought up to date (src/retrieval/setup.ts): source (dense/bm25), store,
   * date, chunks reused / added / removed, bytes on disk, seconds, and the process's RSS then.
   */
  indexes: z
    .array(
      z.strictObject({
        source: z.enum(['dense', 'bm25']),
        store: z.string().nullable(),
        asOf: z.string().nullable(),
        chunks: z.number().int().nonnegative(),
        reused: z.number().int().nonnegative(),
        added: z.number().int().nonnegative(),
        removed: z.number().int().nonnegative(),
        diskBytes: z.number().int().nonnegative(),
        seconds: z.number().nonnegative(),
        rssBytes: z.number().int().nonnegative(),
      }),
    )
    .default([]),
  /** API embeddings only (index build + queries of this run); null for local embedding models. */
  embeddingCost: z.strictObject({ tokens: z.number().int().nonnegative(), usd: z.number().nonnegative().nullable() }).nullable(),
  /** How answers were scored: the primary scorer behind `correct`, and the judge, when configured. */
  scoring: z.strictObject({
    primary: ScorerNameSchema,
    judge: z
      .strictObject({
        model: z.string(),
        calls: z.number().int().nonnegative(),
        errors: z.number().int().nonnegative(),
        cached: z.number().int().nonnegative(),
        tokens: z.strictObject({ input: z.number().int().nonnegative(), output: z.number().int().nonnegative(), unknownUsage: z.number().int().nonnegative() }),
        /** Null when the judge's price or some call's usage is unknown. */
        usd: z.number().nonnegative().nullable(),
        /** Agreement of the judge with the lenient and strict (exact match) decisions, over records it judged. */
        agreement: z.strictObject({
          lenient: z.strictObject({ n: z.number().int().nonnegative(), raw: Rate.nullable(), kappa: z.number().nullable() }),
          strict: z.strictObject({ n: z.number().int().nonnegative(), raw: Rate.nullable(), kappa: z.number().nullable() }),
        }),
      })
      .nullable(),
  }),
  /** The run was interrupted and finished by `--resume`. */
  resumed: z.boolean(),
  /** `bench --shard i/n`: which part of the run's pairs this result holds; null for a whole run. */
  shard: ShardSchema.nullable().default(null),
  /** `ragvft merge`: the run ids of the shards this result was merged from, by shard index. */
  mergedFrom: z.array(z.string()).default([]),
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

/** The streaming layout: the records live in a JSONL file beside the summary document. */
export const RecordsFileSchema = z.strictObject({
  /** Relative to the summary document's folder. */
  path: z.string().min(1),
  count: z.number().int().nonnegative(),
  /** sha256 of the records file's bytes: a summary and a records file not written together are refused. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type RecordsFile = z.infer<typeof RecordsFileSchema>;

/** `<name>.json` of the streaming layout: the result without `records`, pointing at `<name>.records.jsonl`. */
export const ResultSummarySchema = ResultSchema.omit({ records: true }).extend({ recordsFile: RecordsFileSchema });
export type ResultSummary = z.infer<typeof ResultSummarySchema>;
