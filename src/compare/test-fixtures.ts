/**
 * Builds small, valid RunResult objects for tests. Every run is validated against the real
 * ResultSchema, so tests cannot drift from the format the bench writes.
 */
import type { Category } from '../dataset/schema.js';
import { summarize } from '../metrics/summarize.js';
import { type Freshness, RESULT_SCHEMA_VERSION, type ResultRecord, ResultSchema, type RunResult } from '../results/schema.js';
import { computeRunStatistics } from '../stats/run-statistics.js';
import { deriveSeed, mulberry32 } from '../stats/rng.js';

export interface FixtureQuestion {
  id: string;
  category: Category;
  /** The day the question is asked (stored as the record's `asOf`); default none. */
  asOf?: string;
}

/** What one pipeline did on one question; everything but `correct` has a sensible default. */
export interface Outcome {
  correct: boolean;
  /** Default 1 when correct, else 0. */
  f1?: number;
  answer?: string | null;
  /** Default for updated/new questions: current when correct, else stale (updated) / missing (new); error when the call failed. */
  freshness?: Freshness | null;
  error?: boolean;
  latencyMs?: number;
  costUsd?: number | null;
  cached?: boolean;
  /** Retrieval stages; default none (no retrieval). */
  stages?: { embed: number; search: number };
  tokens?: { input: number; output: number } | null;
  cpuMs?: number | null;
  /** Share of gold documents retrieved; default: no retrieval scores. */
  recall?: number;
  answerInContext?: boolean | null;
  leaked?: boolean | null;
  citations?: string[] | null;
  citation?: ResultRecord['citation'];
}

export type AnswerFn = (q: FixtureQuestion, index: number) => Outcome;

/** Category mix of a realistic dataset: 40% static, 25% updated, 20% new, 15% unanswerable. */
export function makeQuestions(n: number, prefix = 'q'): FixtureQuestion[] {
  const pattern: Category[] = [...Array(8).fill('static'), ...Array(5).fill('updated'), ...Array(4).fill('new'), ...Array(3).fill('unanswerable')];
  return Array.from({ length: n }, (_, i) => ({ id: `${prefix}${String(i).padStart(4, '0')}`, category: pattern[i % pattern.length]! }));
}

/** A pipeline right with probability `p`, decided per question by a seeded draw (reproducible). */
export function simulated(p: number, seed: number, extra: Partial<Outcome> = {}): AnswerFn {
  return (q) => ({ correct: mulberry32(deriveSeed(seed, q.id))() < p, ...extra });
}

/** Wraps an answer function, overriding the outcome where `change` returns something. */
export function withChanges(base: AnswerFn, change: (q: FixtureQuestion, i: number, o: Outcome) => Partial<Outcome> | undefined): AnswerFn {
  return (q, i) => {
    const o = base(q, i);
    return { ...o, ...change(q, i, o) };
  };
}

/** The articles' four setups (closed-book, RAG, fine-tuned, hybrid) as a run's stored config names them, with their models. */
export const FOUR_PIPELINES = {
  config: {
    pipelines: [
      { name: 'closed-book', retrieval: false },
      { name: 'rag', retrieval: true },
      { name: 'fine-tuned', retrieval: false },
      { name: 'hybrid', retrieval: true },
    ],
    finetune: { 'ft-paraphrase': { data: 'paraphrase' } },
  },
  models: { 'closed-book': 'local:reader', rag: 'local:reader', 'fine-tuned': 'local:ft-paraphrase', hybrid: 'local:ft-paraphrase' } as Record<string, string>,
};

export interface MakeRunOptions {
  id?: string;
  datasetHash?: string;
  schemaVersion?: string;
  questions: FixtureQuestion[];
  pipelines: Record<string, AnswerFn>;
  models?: Record<string, string>;
  /** Stored as `run.config` (claims read pipeline roles from it). */
  config?: Record<string, unknown>;
  /** One-off fine-tuning USD per pipeline (default 0) and local training seconds (default 0). */
  fineTuning?: Record<string, { usd: number | null; seconds?: number }>;
  /** Default '2024-01-01'; null: a dataset without a timeline. */
  trainingCutoff?: string | null;
  /** Pipeline name -> the date its index is a snapshot of. */
  indexAsOf?: Record<string, string>;
  /** Overrides of `run` fields (corpusTimeline, finetunes, indexAsOf, embeddingModel, ...). */
  run?: Partial<RunResult['run']>;
}

export function makeRun(opts: MakeRunOptions): RunResult {
  const names = Object.keys(opts.pipelines);
  const records = names.flatMap((name) => opts.questions.map((q, i) => makeRecord(name, q, opts.pipelines[name]!(q, i))));
  const model = (name: string) => opts.models?.[name] ?? 'local:reader';
  const configured = (opts.config?.pipelines ?? []) as { name: string; retrieval: boolean }[];
  const retrievalOf = (name: string) => configured.find((p) => p.name === name)?.retrieval ?? name !== 'closed-book';
  // The real summary and statistics code, so tests see exactly what the bench writes.
  const pipelines = names.map((name) => ({
    name,
    model: model(name),
    retrieval: retrievalOf(name),
    indexAsOf: opts.indexAsOf?.[name] ?? null,
    summary: summarize(records.filter((r) => r.pipeline === name), {
      k: null,
      cost: { fineTuningUsd: opts.fineTuning?.[name] ? opts.fineTuning[name].usd : 0, fineTuningSeconds: opts.fineTuning?.[name]?.seconds ?? 0, queryVolume: 100_000 },
    }),
  }));
  const run: RunResult = {
    schemaVersion: opts.schemaVersion ?? RESULT_SCHEMA_VERSION,
    run: {
      id: opts.id ?? 'run-1',
      startedAt: '2025-01-01T00:00:00.000Z',
      finishedAt: '2025-01-01T00:01:00.000Z',
      harnessVersion: '0.1.0',
      gitCommit: null,
      configHash: 'cfg',
      datasetHash: opts.datasetHash ?? 'dataset-hash-1',
      dataset: { name: 'fixture', trainingCutoff: opts.trainingCutoff === undefined ? '2024-01-01' : opts.trainingCutoff, questions: opts.questions.length, documents: 10 },
      models: Object.fromEntries(names.map((n) => [n, model(n)])),
      embeddingModel: 'local:ppmi-svd',
      indexAsOf: null,
      corpusTimeline: null,
      finetunes: {},
      indexes: [],
      embeddingCost: null,
      scoring: { primary: 'lenient', judge: null },
      resumed: false,
      shard: null,
      mergedFrom: [],
      node: 'v20',
      platform: 'linux',
      cpu: { model: 'test', cores: 1 },
      config: opts.config ?? {},
      warnings: [],
      ...opts.run,
    },
    pipelines,
    records,
    statistics: computeRunStatistics({ pipelines, records }),
  };
  return ResultSchema.parse(run);
}

function makeRecord(pipeline: string, q: FixtureQuestion, o: Outcome): ResultRecord {
  const unanswerable = q.category === 'unanswerable';
  const eligible = q.category === 'updated' || q.category === 'new';
  const failed = o.error ?? false;
  const correct = o.correct && !failed;
  const defaultFreshness: Freshness | null = !eligible ? null : failed ? 'error' : correct ? 'current' : q.category === 'updated' ? 'stale' : 'missing';
  const defaultAnswer = failed ? null : unanswerable && correct ? "I don't know" : correct ? `right answer ${q.id}` : `wrong answer ${q.id}`;
  const freshness = o.freshness !== undefined ? o.freshness : defaultFreshness;
  const abstained = !failed && ((unanswerable && correct) || freshness === 'missing');
  const f1 = failed ? 0 : (o.f1 ?? (correct ? 1 : 0));
  return {
    questionId: q.id,
    category: q.category,
    asOf: q.asOf ?? null,
    pipeline,
    answer: o.answer !== undefined ? o.answer : defaultAnswer,
    abstained,
    correct,
    scores: { strict: { exactMatch: correct ? 1 : 0, f1 }, lenient: { correct, matchesStale: freshness === 'stale' } },
    hallucinated: !failed && !abstained && !correct,
    freshness,
    finishReason: failed ? null : 'stop',
    responseModelId: null,
    latencyMs: {
      total: (o.latencyMs ?? 100) + (o.stages ? o.stages.embed + o.stages.search : 0),
      embed: o.stages?.embed ?? null,
      search: o.stages?.search ?? null,
      generate: o.latencyMs ?? 100,
      firstToken: null,
    },
    tokens: o.tokens === undefined ? { input: 50, output: 5 } : o.tokens,
    costUsd: o.costUsd === undefined ? 0.0001 : o.costUsd,
    cpuMs: o.cpuMs ?? null,
    cached: o.cached ?? false,
    embedCached: null,
    retrievedDocIds: o.recall === undefined ? null : [o.recall > 0 ? 'gold-doc' : 'other-doc'],
    retrieval: o.recall === undefined ? null : { recall: o.recall, reciprocalRank: o.recall, chunkRecall: null },
    answerInContext: o.answerInContext ?? null,
    leaked: o.leaked ?? null,
    citations: o.citations ?? null,
    citation: o.citation ?? null,
    error: failed ? { kind: 'timeout', message: 'timed out after 60000 ms' } : null,
  };
}
