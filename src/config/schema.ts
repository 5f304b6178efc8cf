import { z } from 'zod';
import { IsoDate } from '../dataset/schema.js';
import { GateConfigSchema } from '../gate/config.js';
import { chosen, LanguageModelInstance, modelEntry } from './model-entry.js';
import type { CustomRun } from '../pipelines/custom.js';
import { RETRIEVAL_MODE_IDS } from '../retrieval/modes.js';
import { VECTOR_STORE_IDS } from '../retrieval/store/registry.js';
import { JudgeConfigSchema } from '../scoring/judge/schema.js';
import { parseJsonPath } from '../util/jsonpath.js';

export const CONFIG_SCHEMA_VERSION = 1;

/** The offline embedding model, used when `embedding.model` is not set. */
export const DEFAULT_EMBEDDING_MODEL = 'local:ppmi-svd';

function isRegExp(source: string): boolean {
  try {
    new RegExp(source, 'i');
    return true;
  } catch {
    return false;
  }
}

/** `<provider>:<model>`; the model part may itself contain colons (OpenAI `ft:` ids do). */
export const ModelRef = z.string().regex(/^[A-Za-z0-9_-]+:.+$/, 'must look like <provider>:<model>');

/** A `models` entry: a reference string, or (TS/JS configs) a model instance, known by `${provider}:${modelId}`. */
export const ModelEntry = modelEntry(ModelRef);

export const PriceSchema = z.strictObject({
  /** USD per 1M input tokens. */
  input: z.number().nonnegative(),
  /** USD per 1M output tokens. */
  output: z.number().nonnegative(),
  /** USD per 1M training tokens (fine-tuning), where the model can be fine-tuned. */
  training: z.number().nonnegative().optional(),
});
export type Price = z.infer<typeof PriceSchema>;

export const ProviderSchema = z.strictObject({
  type: z.enum(['openai', 'openai-compatible']),
  baseURL: z.string().url().optional(),
  /** Name of the environment variable holding the API key. Keys never go in config. */
  apiKeyEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/).optional(),
  headers: z.record(z.string(), z.string()).optional(),
});
export type ProviderConfig = z.infer<typeof ProviderSchema>;

const PipelineName = z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'lowercase letters, digits, - and _');

/** A built-in pipeline: a model, with or without the retrieved chunks in its prompt. */
export const BuiltinPipelineSchema = z.strictObject({
  name: PipelineName,
  /** A model reference, a key of `models`, or (TS/JS configs) a model instance. */
  model: z.union([z.string().min(1), LanguageModelInstance]),
  /** Put the top-k retrieved chunks into the prompt. */
  retrieval: z.boolean(),
});

/** How a custom pipeline's answers are costed: a price, or a model whose price applies (the one behind the service). */
const CustomCost = {
  price: PriceSchema.optional(),
  model: ModelRef.optional(),
};

/**
 * Your own pipeline as a function (TS/JS configs): `run({ question, asOf, id, signal })` returns
 * `{ answer, retrievedDocIds?, usage?, stages? }`. A function's code cannot be hashed, so its
 * answers are response-cached only when `version` is set (change it when the code changes).
 */
export const RunPipelineSchema = z.strictObject({
  name: PipelineName,
  run: z.custom<CustomRun>((v) => typeof v === 'function', { error: 'must be a function ({ question, asOf, id, signal }) => ({ answer, ... })' }),
  version: z.string().min(1).optional(),
  ...CustomCost,
});

const JsonPath = z.string().superRefine((path, ctx) => {
  try {
    parseJsonPath(path);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: `is not a JSONPath this supports (${(e as Error).message})` });
  }
});

/** Environment variable names (keys never go in config). */
const EnvName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/);

/**
 * A RAG service in any language: each question is POSTed as JSON to `url`, and the reply's fields
 * are picked by JSONPath (`$.answer`, `$.sources[*].id`, `$.usage.prompt_tokens`).
 */
export const HttpPipelineSchema = z.strictObject({
  name: PipelineName,
  type: z.literal('http'),
  url: z.string().url(),
  /** Header values may name environment variables, `{{env.NAME}}`; values are redacted in results. */
  headers: z.record(z.string(), z.string()).optional(),
  /** Sent as `Authorization: Bearer <key>`, as providers' apiKeyEnv. */
  apiKeyEnv: EnvName.optional(),
  /** The JSON body; strings may hold {{question}}, {{asOf}}, {{id}} (a string that is only `{{asOf}}` becomes null for an undated question). */
  body: z.json().default({ question: '{{question}}', asOf: '{{asOf}}', id: '{{id}}' }),
  map: z.strictObject({
    answer: JsonPath,
    /** A list of ids, or a wildcard path over objects (`$.sources[*].id`). */
    retrievedDocIds: JsonPath.optional(),
    usage: z.strictObject({ inputTokens: JsonPath.optional(), outputTokens: JsonPath.optional() }).optional(),
    /** Stage times in ms reported by the service, into the summary's stageLatencyMs. */
    stages: z.strictObject({ embed: JsonPath.optional(), search: JsonPath.optional(), generate: JsonPath.optional() }).optional(),
  }),
  /** Per-request limit (the question's `timeoutMs` applies as well). */
  timeoutMs: z.number().int().positive().optional(),
  /** Part of the response-cache key: change it when the service changes behind the same URL. */
  version: z.string().min(1).optional(),
  ...CustomCost,
});

/** A `pipelines` entry: built-in (`model` + `retrieval`), your own function (`run`) or an HTTP service (`type: 'http'`). */
export const PipelineSchema = chosen(
  (v) => (v !== null && typeof v === 'object' && 'type' in v ? HttpPipelineSchema : v !== null && typeof v === 'object' && 'run' in v ? RunPipelineSchema : BuiltinPipelineSchema),
  z.union([BuiltinPipelineSchema, RunPipelineSchema, HttpPipelineSchema]),
);
export type PipelineConfig = z.infer<typeof PipelineSchema>;
export type BuiltinPipelineConfig = z.infer<typeof BuiltinPipelineSchema>;
export type RunPipelineConfig = z.infer<typeof RunPipelineSchema>;
export type HttpPipelineConfig = z.infer<typeof HttpPipelineSchema>;
export type CustomPipelineConfig = RunPipelineConfig | HttpPipelineConfig;

/** Training of a local fine-tune (`local:<name>` models), or bookkeeping for a remote one. */
export const FinetuneSchema = z.strictObject({
  /** Fine-tuning variant from dataset.json (e.g. `paraphrase`) or a JSONL path. */
  data: z.string().min(1),
  epochs: z.number().int().positive().default(30),
  learningRate: z.number().positive().default(0.5),
  /** Hashed question-feature dimension: the memory's capacity. */
  features: z.number().int().positive().default(1 << 15),
  seed: z.number().int().default(1),
  /** For a remote fine-tune: the fine-tuned model this entry describes, e.g. `openai:ft:gpt-4o-mini-2024-07-18:org::abc`. */
  model: ModelRef.optional(),
  /** For a remote fine-tune: the base model whose training price applies, e.g. `openai:gpt-4o-mini-2024-07-18`. */
  trainedFrom: ModelRef.optional(),
  /** For a remote fine-tune: training tokens billed per epoch, when known (else counted from `data`). */
  trainingTokens: z.number().int().nonnegative().optional(),
  /**
   * A fine-tune ragvft runs at a provider (`ragvft finetune --provider <name>`, type `openai`):
   * the provider's name. The result (model id, billed tokens) goes to the lock file `finetuneLock`.
   */
  provider: z.string().min(1).optional(),
  /** Provider fine-tunes: epochs (OpenAI `n_epochs`); absent = the provider's `auto`. */
  nEpochs: z.number().int().positive().optional(),
  /** Provider fine-tunes: suffix of the fine-tuned model's name (OpenAI: up to 64 characters). */
  suffix: z.string().min(1).max(64).optional(),
  /** Provider fine-tunes: per-example token limit, when the built-in table's is not right. */
  maxExampleTokens: z.number().int().positive().optional(),
});
export type FinetuneConfig = z.infer<typeof FinetuneSchema>;

export const ConfigSchema = z.strictObject({
  schemaVersion: z.literal(CONFIG_SCHEMA_VERSION).default(CONFIG_SCHEMA_VERSION),
  name: z.string().default('default'),
  /** Dataset folder (with dataset.json) or the dataset.json path, relative to the config file. */
  dataset: z.string().min(1),
  /** Where result JSON goes, relative to the working directory. */
  outDir: z.string().default('results'),
  /** Models, indexes, embedding and response caches. */
  cacheDir: z.string().default('.ragvft'),
  providers: z.record(z.string(), ProviderSchema).default({}),
  /** Named models, so pipelines can say `model: "base"`: `<provider>:<model>` strings or (TS/JS configs) AI SDK model instances. */
  models: z.record(z.string(), ModelEntry).default({ base: 'local:reader', fineTuned: 'local:ft-paraphrase' }),
  /** Local fine-tunes by name: `local:<name>` uses the weights trained from this entry. */
  finetune: z.record(z.string(), FinetuneSchema).default({ 'ft-paraphrase': FinetuneSchema.parse({ data: 'paraphrase' }) }),
  /**
   * Lock file of provider fine-tunes (`ragvft finetune --provider`), relative to the working
   * directory; commit it. A pipeline model `finetune:<name>` is the model recorded there.
   */
  finetuneLock: z.string().min(1).default('bench/finetunes.lock.json'),
  embedding: z
    .strictObject({
      /**
       * `local:ppmi-svd` (trained on the corpus by this project), any transformers.js model id
       * (`Xenova/bge-small-en-v1.5`), or an API embedding model `<provider>:<model>`.
       */
      model: z.string().default(DEFAULT_EMBEDDING_MODEL),
      dim: z.number().int().positive().default(256),
      /** Folder of transformers.js models (`<org>/<name>/`); default `<cacheDir>/models`. */
      localModelPath: z.string().optional(),
      allowRemoteModels: z.boolean().default(false),
      quantized: z.boolean().default(false),
      batchSize: z.number().int().positive().default(32),
    })
    .prefault({}),
  retrieval: z
    .strictObject({
      /**
       * `dense` (embedding + HNSW), `bm25` (words, no embedding model) or `hybrid` (both lists
       * fused by weighted reciprocal rank fusion); see src/retrieval/modes.ts. `bm25` by default:
       * on real prose it retrieved better than the offline embedding model and than hybrid with it
       * (README, "Retrieval modes"). With a real embedding model, measure `hybrid`.
       */
      mode: z.enum(RETRIEVAL_MODE_IDS).default('bm25'),
      /** BM25 parameters (modes bm25 and hybrid); query-time only, so changing them rebuilds nothing. */
      bm25: z
        .strictObject({
          k1: z.number().nonnegative().default(1.2),
          b: z.number().min(0).max(1).default(0.75),
        })
        .prefault({}),
      /** Hybrid mode: fused(chunk) = Σ weight / (rrfK + rank), over the lists that hold it. */
      fusion: z
        .strictObject({
          rrfK: z.number().nonnegative().default(60),
          weights: z.strictObject({ dense: z.number().nonnegative().default(1), bm25: z.number().nonnegative().default(1) }).prefault({}),
          /** Chunks taken from each list before fusing (at least k). */
          candidates: z.number().int().positive().default(50),
        })
        .prefault({}),
      /** Chunk size and overlap in words. */
      chunkSize: z.number().int().positive().default(120),
      chunkOverlap: z.number().int().nonnegative().default(20),
      k: z.number().int().positive().default(5),
      efSearch: z.number().int().positive().default(64),
      /** Where dense vectors live (src/retrieval/store/registry.ts): `hnsw` (default) or `lancedb`. */
      store: z.enum(VECTOR_STORE_IDS).default('hnsw'),
      /** The LanceDB store's ANN index (`store: 'lancedb'`). */
      lancedb: z
        .strictObject({
          /** `hnsw-sq` (IVF partitions, an HNSW graph in each, 8-bit scalar-quantized vectors), `ivf-pq`, or `none` (exact search). */
          index: z.enum(['hnsw-sq', 'ivf-pq', 'none']).default('hnsw-sq'),
          /** Below this many chunks, search is exact and no index is built (LanceDB needs rows to train one). */
          minRows: z.number().int().positive().default(10_000),
          /** IVF partitions; LanceDB's default (about √rows) when absent. */
          partitions: z.number().int().positive().optional(),
          /** Partitions searched per query. */
          nprobes: z.number().int().positive().default(20),
          /** Re-rank refineFactor × k candidates on full vectors (IVF-PQ). */
          refineFactor: z.number().int().positive().optional(),
        })
        .prefault({}),
      /** HNSW links per node; hnswlib caps larger values silently, so they are refused. */
      M: z.number().int().min(2).max(256).default(16),
      efConstruction: z.number().int().positive().default(200),
      space: z.enum(['cosine', 'ip', 'l2']).default('cosine'),
      /** Only retrieve document versions valid on the question's asOf date. */
      temporalFilter: z.boolean().default(true),
      /**
       * Token budget of the retrieved context in a prompt (estimated: words × 4/3): chunks are
       * kept best-ranked first while they fit, so RAG prompts fit the model's window. No limit by default.
       */
      maxContextTokens: z.number().int().positive().optional(),
      /**
       * Build the index only from document versions valid on this date (`bench --index-as-of`):
       * a RAG system whose index was last refreshed then, to measure how a stale index decays.
       */
      indexAsOf: IsoDate.optional(),
      /** Also run every retrieval pipeline on an index as of each date (`<pipeline>@<date>`). */
      indexSnapshots: z.array(IsoDate).default([]),
    })
    .prefault({}),
  prompts: z
    .strictObject({
      system: z.string().default('Answer the question with a short phrase only. If you do not know the answer, reply exactly: I don\'t know'),
      /** Placeholders: {{question}}, {{asOf}}. */
      closedBook: z.string().default('Question (asked on {{asOf}}): {{question}}\nAnswer:'),
      /** Placeholders: {{context}}, {{question}}, {{asOf}}. */
      withContext: z.string().default('Context:\n{{context}}\n\nQuestion (asked on {{asOf}}): {{question}}\nAnswer:'),
      /**
       * Ask for citations: this instruction is added to the system prompt of every pipeline and
       * each context passage shows its document id (`[1] [doc-id] Title`); `false` asks for none.
       */
      cite: z.union([z.string().min(1), z.literal(false)]).default('After the answer, on a new line, list the ids of the documents you used, as: Sources: [id], [id]'),
    })
    .prefault({}),
  generation: z
    .strictObject({
      maxOutputTokens: z.number().int().positive().default(64),
      temperature: z.number().min(0).default(0),
      /** Stream responses (records time to first token). */
      stream: z.boolean().default(true),
      /** Retries after a 429/5xx/network error, with backoff honouring Retry-After (AI SDK). */
      maxRetries: z.number().int().min(0).default(2),
      /** Nucleus sampling, as real servers take it. */
      topP: z.number().gt(0).max(1).optional(),
      /** Sampling seed, for servers that honour one (vLLM, llama.cpp, OpenAI). */
      seed: z.number().int().optional(),
      /** Stop sequences: generation ends before any of them. */
      stop: z.array(z.string().min(1)).optional(),
      /**
       * Passed through to the AI SDK provider as `providerOptions`, keyed by provider name, e.g.
       * `{ openai: { reasoningEffort: 'low' } }` or an OpenAI-compatible server's extra body fields.
       */
      providerOptions: z.record(z.string(), z.record(z.string(), z.json())).optional(),
    })
    .prefault({}),
  pipelines: z
    .array(PipelineSchema)
    .min(1)
    .default([
      { name: 'closed-book', model: 'base', retrieval: false },
      { name: 'rag', model: 'base', retrieval: true },
      { name: 'fine-tuned', model: 'fineTuned', retrieval: false },
      { name: 'hybrid', model: 'fineTuned', retrieval: true },
    ]),
  concurrency: z.number().int().positive().default(4),
  /** Per-question limit, retries and backoff included; a question over it is a `timeout` error. */
  timeoutMs: z.number().int().positive().default(60_000),
  /** Ask each remote provider `GET /models` before the run: a server that is down or a rejected key fails in seconds (exit 2). */
  preflight: z.boolean().default(true),
  /** Cache remote model responses on disk (content-addressed), so reruns are free and identical. */
  responseCache: z.boolean().default(true),
  /**
   * Stop asking a provider after this many consecutive failed calls (server errors, timeouts): the
   * rest of its questions are left for `--resume` and bench exits 1. null: never stop.
   */
  circuitBreaker: z.number().int().positive().nullable().default(5),
  /** `bench` exits 1 when a pipeline's share of failed questions is above this. */
  maxErrorRate: z.number().min(0).max(1).default(0.05),
  scoring: z
    .strictObject({
      /**
       * The scorer whose decision is a record's `correct` (headline accuracy, freshness, gate):
       * `lenient` (default; fair to sentence answers), `strict` (SQuAD exact match) or `judge`
       * (needs `judge`). Strict EM/F1 is always reported beside it.
       */
      primary: z.enum(['lenient', 'strict', 'judge']).default('lenient'),
      /** Extra refusal patterns (regular expressions, case-insensitive) beside the built-in list. */
      abstentionPatterns: z.array(z.string().refine(isRegExp, 'is not a valid regular expression')).default([]),
    })
    .prefault({}),
  /** Optional LLM judge of answer correctness (structured output; costed in `run.scoring.judge`). */
  judge: JudgeConfigSchema.optional(),
  /** Thresholds of `ragvft gate`. */
  gate: GateConfigSchema.prefault({}),
  cost: z
    .strictObject({
      /** Queries over which one-off fine-tuning cost is amortized. */
      queryVolume: z.number().int().positive().default(100_000),
      /** Overrides and additions to the built-in price table, keyed by `<provider>:<model>`. */
      prices: z.record(z.string(), PriceSchema).default({}),
    })
    .prefault({}),
});
export type Config = z.infer<typeof ConfigSchema>;

/** Cross-field rules the field schemas cannot state; checked where config is loaded. */
export function configProblems(c: Config): { field: string; message: string }[] {
  const out: { field: string; message: string }[] = [];
  if (c.scoring.primary === 'judge' && !c.judge) out.push({ field: 'scoring.primary', message: '"judge" needs a `judge` section naming the judge model' });
  if (c.retrieval.chunkOverlap >= c.retrieval.chunkSize) {
    out.push({ field: 'retrieval.chunkOverlap', message: `must be smaller than chunkSize (${c.retrieval.chunkOverlap} >= ${c.retrieval.chunkSize}): chunks would never advance` });
  }
  const w = c.retrieval.fusion.weights;
  if (c.retrieval.mode === 'hybrid' && w.dense === 0 && w.bm25 === 0) {
    out.push({ field: 'retrieval.fusion.weights', message: 'hybrid mode needs a weight above 0 for at least one list' });
  }
  return out;
}
export type ConfigInput = z.input<typeof ConfigSchema>;

/** Typed helper for `*.config.ts` files, in the spirit of vitest's `defineConfig`. */
export function defineConfig(config: ConfigInput): ConfigInput {
  return config;
}
