import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Config, type CustomPipelineConfig, DEFAULT_EMBEDDING_MODEL } from '../config/schema.js';
import { loadConfig } from '../config/load.js';
import { loadDataset } from '../dataset/load.js';
import { type Dataset, IsoDate } from '../dataset/schema.js';
import { resolveLockedRef } from '../finetune/lock.js';
import { summarizeRun } from '../metrics/summarize-run.js';
import { ensureLocalFinetune, finetuneCost, type LocalFinetuneManifest } from '../models/finetune.js';
import { lookupPrice } from '../models/prices.js';
import { closeLocalWorkers, READER_MODEL_ID } from '../models/local/index.js';
import { type ModelListing, preflight, type PreflightTarget } from '../models/preflight.js';
import { modelRefOf, registerEnvSecrets, separateModelInstances } from '../models/instances.js';
import { BUILTIN_PROVIDERS, createModelRegistry, isLocal, splitModelRef } from '../models/registry.js';
import { runAsk } from '../pipelines/custom.js';
import { httpAsk } from '../pipelines/http.js';
import { runPipelines } from '../pipelines/run.js';
import { RESULT_SCHEMA_VERSION, type ResultRecord, type RunResult } from '../results/schema.js';
import { type ResultLayout, writeResult } from '../results/write.js';
import { modeUsesEmbeddings } from '../retrieval/modes.js';
import { buildRetriever, isApiModel } from '../retrieval/setup.js';
import { checkEmbeddingModel } from '../retrieval/embedding/model-folder.js';
import { corpusAsOf } from '../retrieval/snapshot.js';
import { corpusTimeline } from './timeline.js';
import { runtimeWarning } from '../util/runtime.js';
import { InputError } from '../util/errors.js';
import { availableStore } from '../retrieval/store/registry.js';
import { assertWritableDir } from '../util/fs.js';
import { hashObject } from '../util/hash.js';
import { HARNESS_VERSION } from '../version.js';
import { createAbstentionDetector } from '../scoring/abstention.js';
import { createGrader, summarizeJudge } from './judge.js';
import { createJournal, type Journal, openJournal, unknownRunError } from './journal.js';
import type { Progress } from './progress.js';
import { newRunId } from './run-id.js';
import { pipelineSpecs } from './specs.js';
import { pairSetHash, runPairs, type Shard, shardSlice, type ShardSpec } from './shard.js';

export interface BenchOptions {
  configPath?: string;
  /** Overrides config.outDir. */
  outDir?: string;
  /** Finish an interrupted run (same config) instead of starting a new one: its missing and failed pairs. */
  resume?: string;
  /** With `resume`: run only the missing pairs, keep the failed records as they are. */
  keepErrors?: boolean;
  /** Bypass the response cache (neither read nor written). */
  noCache?: boolean;
  /** false: skip the providers' preflight check (config `preflight` says the same). */
  preflight?: boolean;
  progress: Progress;
  /** Stops scheduling questions (the calls in flight finish); the run then throws RunInterrupted. */
  signal?: AbortSignal;
  /** Called once the run id is known (so Ctrl-C can say how to resume). */
  onRunId?: (runId: string) => void;
  /** Overrides config `retrieval.indexAsOf` (`--index-as-of`): RAG retrieves from the corpus as of this date. */
  indexAsOf?: string;
  /** `--shard i/n`: run only that part of the pairs (a resume takes the journal's). */
  shard?: ShardSpec;
  /** How the result is written (`--layout`); default auto. */
  layout?: ResultLayout;
}

export interface ResolvedPipeline {
  name: string;
  modelRef: string;
  retrieval: boolean;
  /** The date the pipeline's index is a snapshot of; null: the whole corpus (or no retrieval). */
  indexAsOf: string | null;
  /** A custom pipeline (`run` function or `http` service); `modelRef` is then `custom:<name>` or `http:<name>`. */
  custom?: CustomPipelineConfig;
}

/**
 * Resolves `model` of each pipeline through the `models` table (and `finetune:<name>` through the
 * fine-tune lock file); each `retrieval.indexSnapshots` date adds `<pipeline>@<date>` for every
 * retrieval pipeline, on an index as of that date.
 */
export function resolvePipelines(config: Config): ResolvedPipeline[] {
  const seen = new Set<string>();
  const resolved = config.pipelines.map((p) => {
    if (seen.has(p.name)) throw new InputError(`pipeline name "${p.name}" is used twice`, { field: 'pipelines' });
    seen.add(p.name);
    if (!('model' in p && 'retrieval' in p)) return { name: p.name, modelRef: `${'run' in p ? 'custom' : 'http'}:${p.name}`, retrieval: false, indexAsOf: null, custom: p };
    const modelRef = resolveLockedRef(modelRefOf(typeof p.model === 'string' ? (config.models[p.model] ?? p.model) : p.model), config);
    splitModelRef(modelRef);
    return { name: p.name, modelRef, retrieval: p.retrieval, indexAsOf: p.retrieval ? (config.retrieval.indexAsOf ?? null) : null };
  });
  const snapshots = config.retrieval.indexSnapshots.flatMap((date) => resolved.filter((p) => p.retrieval).map((p) => ({ ...p, name: `${p.name}@${date}`, indexAsOf: date })));
  return [...resolved, ...snapshots];
}

/** `--index-as-of` into the config (so the run's config hash and a resume see it); every index date must hold documents. */
function applyIndexDates(config: Config, dataset: Dataset, indexAsOf: string | undefined): void {
  if (indexAsOf !== undefined) {
    if (!IsoDate.safeParse(indexAsOf).success) throw new InputError(`--index-as-of must be a date YYYY-MM-DD (got "${indexAsOf}")`);
    config.retrieval.indexAsOf = indexAsOf;
  }
  const dates = [...(config.retrieval.indexAsOf ? [{ date: config.retrieval.indexAsOf, field: 'retrieval.indexAsOf' }] : []), ...config.retrieval.indexSnapshots.map((date) => ({ date, field: 'retrieval.indexSnapshots' }))];
  for (const { date, field } of dates) {
    if (corpusAsOf(dataset.documents, date).length === 0) throw new InputError(`no document version of the corpus is valid on ${date}: an index as of that date would be empty`, { field });
  }
}

function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim() || null;
  } catch {
    return null;
  }
}

export { newRunId };

async function trainLocalModels(config: Config, dataset: Dataset, refs: string[], progress: Progress, signal?: AbortSignal) {
  const dirs: Record<string, string> = {};
  const manifests = new Map<string, LocalFinetuneManifest>();
  for (const ref of new Set(refs)) {
    if (!isLocal(ref)) continue;
    const { modelId } = splitModelRef(ref);
    if (modelId === READER_MODEL_ID) continue;
    // Ctrl-C stops training at once (it runs off the event loop): nothing asked yet, nothing to resume.
    const ft = await ensureLocalFinetune(modelId, config, dataset, { log: progress.log, signal });
    dirs[modelId] = ft.dir;
    manifests.set(modelId, ft.manifest);
  }
  return { dirs, manifests };
}

/** The journal of a new run, or of the run being resumed (checked against config and dataset). */
function openRunJournal(opts: BenchOptions, configPath: string, config: Config, dataset: Dataset, pipelines: string[]): Journal {
  const root = resolve(config.cacheDir, 'runs');
  const configHash = hashObject(config);
  if (!opts.resume) {
    const runId = newRunId();
    const shard = opts.shard ? { index: opts.shard.index, count: opts.shard.count } : null;
    return createJournal(join(root, runId), { runId, startedAt: new Date().toISOString(), configPath, configHash, datasetHash: dataset.hash, pipelines, shard });
  }
  if (!/^[\w.-]+$/.test(opts.resume) || !existsSync(join(root, opts.resume, 'meta.json'))) throw unknownRunError(opts.resume, root);
  const journal = openJournal(join(root, opts.resume), { retry: opts.keepErrors ? undefined : isRetryable });
  const was = journal.meta;
  const fail = (what: string) => {
    journal.close();
    return new InputError(`cannot resume run ${was.runId}: ${what} changed since it started (config was ${was.configPath}); resume with the same config and dataset`);
  };
  if (was.configHash !== configHash) throw fail('the config');
  if (was.datasetHash !== dataset.hash) throw fail('the dataset');
  const shard = was.shard ?? null;
  if (opts.shard && (shard?.index !== opts.shard.index || shard.count !== opts.shard.count)) {
    journal.close();
    throw new InputError(`cannot resume run ${was.runId} as shard ${opts.shard.index}/${opts.shard.count}: it ${shard ? `is shard ${shard.index}/${shard.count}` : 'is not sharded'}; drop --shard (a resume keeps the run's)`);
  }
  return journal;
}

/** The remote providers a run uses, with what it takes to reach them (keys were checked by the registry). */
function preflightTargets(refs: string[], configured: Config['providers']): PreflightTarget[] {
  const providers = { ...BUILTIN_PROVIDERS, ...configured };
  const names = [...new Set(refs.map((r) => splitModelRef(r).provider))];
  return names.flatMap((name) => {
    const p = providers[name];
    if (!p) return [];
    return [{ name, baseURL: p.baseURL ?? 'https://api.openai.com/v1', apiKey: p.apiKeyEnv ? process.env[p.apiKeyEnv] : undefined, headers: p.headers }];
  });
}

/** Every `local:<name>` must be the base reader or a local fine-tune of the config: checked before any work. */
function checkLocalRefs(refs: string[], config: Config): void {
  for (const ref of refs) {
    if (!isLocal(ref)) continue;
    const { modelId } = splitModelRef(ref);
    if (modelId !== READER_MODEL_ID && !config.finetune[modelId]) {
      const known = [READER_MODEL_ID, ...Object.keys(config.finetune).filter((n) => !config.finetune[n]!.model)].map((n) => `local:${n}`).join(', ');
      throw new InputError(`unknown local model "${ref}" (known: ${known}); add a "${modelId}" entry under finetune to train it`, { field: 'pipelines' });
    }
  }
}

/** load → index → run → score → write. Returns the result and the path written. */
export async function runBench(opts: BenchOptions): Promise<{ result: RunResult; path: string; datasetPath: string }> {
  const loaded = await loadConfig(opts.configPath);
  const { datasetPath, path: configPath } = loaded;
  // From here on the config names instances by their ids: that is what is hashed and stored.
  const { config, instances } = separateModelInstances(loaded.config);
  if (instances.size > 0) registerEnvSecrets(process.env);
  const dataset = await loadDataset(datasetPath);
  applyIndexDates(config, dataset, opts.indexAsOf);
  const pipelines = resolvePipelines(config);
  const refs = pipelines.filter((p) => !p.custom).map((p) => p.modelRef);
  const warnings: string[] = [];
  const warn = (msg: string) => {
    if (warnings.includes(msg)) return;
    warnings.push(msg);
    opts.progress.log(`warning: ${msg}`);
  };
  const oldNode = runtimeWarning();
  if (oldNode) warn(oldNode);
  // Remote models and keys are checked before any training, indexing or question: a missing
  // key fails fast. Local fine-tunes join the registry once trained.
  const localDirs: Record<string, string> = {};
  const judgeRef = config.judge ? modelRefOf(config.judge.model) : null;
  const remoteRefs = [...refs, ...(judgeRef ? [judgeRef] : [])].filter((r) => !isLocal(r));
  const registry = createModelRegistry({ providers: config.providers, localFinetunes: localDirs, refs: remoteRefs, instances });
  // Custom pipelines' env vars (header keys) are checked with the providers' keys.
  const customAsks = new Map(
    config.pipelines.flatMap((c, i) => ('run' in c ? [[c.name, runAsk(c.name, c.run)] as const] : 'type' in c ? [[c.name, httpAsk(c, `pipelines.${i}`, process.env, { maxRetries: config.generation.maxRetries })] as const] : [])),
  );
  const isAbstention = createAbstentionDetector(config.scoring.abstentionPatterns);
  const usesRetrieval = pipelines.some((p) => p.retrieval);
  const embeddingRef = usesRetrieval && modeUsesEmbeddings(config.retrieval.mode) ? config.embedding.model : null;
  if (usesRetrieval && !embeddingRef && config.embedding.model !== DEFAULT_EMBEDDING_MODEL) {
    warn(`embedding.model ${config.embedding.model} is not used: retrieval.mode is ${config.retrieval.mode} (set it to hybrid or dense to use the embedding model)`);
  }
  if (embeddingRef && isApiModel(embeddingRef)) registry.embeddingModel(embeddingRef);

  checkLocalRefs(refs, config);
  if (embeddingRef) checkEmbeddingModel(config);
  if (embeddingRef) await availableStore(config.retrieval.store); // before any training
  const listings =
    config.preflight && opts.preflight !== false
      ? await preflight(preflightTargets([...remoteRefs.filter((r) => !instances.has(r)), ...(embeddingRef && isApiModel(embeddingRef) ? [embeddingRef] : [])], config.providers))
      : new Map<string, ModelListing | null>();
  // Everything that can be checked is checked before any work and before the journal exists, so
  // bad input leaves nothing behind: output folders, and a resume's config and dataset.
  assertWritableDir(opts.outDir ?? config.outDir, 'the results folder');
  assertWritableDir(config.cacheDir, 'the cache folder (cacheDir)');
  if (opts.resume) openRunJournal(opts, configPath, config, dataset, pipelines.map((p) => p.name)).close();

  opts.progress.log(`dataset ${dataset.manifest.name}: ${dataset.documents.length} documents, ${dataset.questions.length} questions`);
  const local = await trainLocalModels(config, dataset, refs, opts.progress, opts.signal);
  Object.assign(localDirs, local.dirs);
  const retriever = usesRetrieval ? await buildRetriever(config, dataset, opts.progress, { embeddingModel: (ref) => registry.embeddingModel(ref) }) : null;

  const journal = openRunJournal(opts, configPath, config, dataset, pipelines.map((p) => p.name));
  try {
    opts.onRunId?.(journal.meta.runId);
    const shard = journal.meta.shard ?? null;
    const questions = shard ? shardSlice(dataset.questions, shard) : dataset.questions;
    if (shard) opts.progress.log(`shard ${shard.index}/${shard.count}: ${questions.length} of ${dataset.questions.length} questions, every pipeline`);
    const pairs = pipelines.length * questions.length;
    opts.progress.log(`run ${journal.meta.runId}${opts.resume ? ` (resuming: ${resumeNote(journal, pairs)})` : ''}`);
    const { specs, modelFor, priceOf } = pipelineSpecs(pipelines, { config, noCache: opts.noCache ?? false, registry, listings, customAsks, retriever, warn });

    const total = pairs - journal.done.size;
    const tripped: string[] = [];
    const task = opts.progress.start('answering', total);
    await runPipelines({
      pipelines: specs,
      questions,
      config,
      scoring: { primary: config.scoring.primary, isAbstention, docIds: new Set(dataset.documents.map((d) => d.id)) },
      judge: config.judge && judgeRef ? createGrader(config.judge, modelFor(judgeRef), priceOf(judgeRef), { timeoutMs: config.timeoutMs, maxRetries: config.generation.maxRetries }) : undefined,
      breaker: config.circuitBreaker === null ? undefined : { consecutiveFailures: config.circuitBreaker, onTrip: (provider, n) => {
        tripped.push(provider);
        opts.progress.log(`provider "${provider}" failed ${n} calls in a row: no more questions are sent to it in this run`);
      } },
      // The CLI's signal stops scheduling only: calls in flight finish and are recorded.
      stop: opts.signal,
      done: journal.done,
      onRecord: (r) => {
        journal.append(r);
        task.tick(r.error ? `${r.pipeline} ${r.questionId}: ${r.error.kind}: ${r.error.message.slice(0, 120)}` : undefined);
      },
    });
    task.done();
    if (opts.signal?.aborted) throw new RunInterrupted(journal.meta.runId);
    // The breaker may trip on the very last call: only questions left unasked make the run incomplete.
    const left = pairs - journal.done.size;
    if (tripped.length > 0 && left > 0) {
      throw new RunIncomplete(journal.meta.runId, tripped, left, failedDone(journal));
    }

    // A custom pipeline without a price has been warned about already: its usage is beside the point.
    warnAboutAnswers(journal.records, pipelines.filter((p) => !p.custom || p.custom.price || p.custom.model), registry.providerType, warn);
    const embeddingCost = retriever?.apiTokens ? embeddingCostOf(config, retriever.apiTokens(), warn) : null;
    const result = await assembleResult({
      config, dataset, pipelines, records: journal.records, runId: journal.meta.runId, startedAt: new Date(journal.meta.startedAt), resumed: Boolean(opts.resume),
      warnings, manifests: local.manifests, embeddingModel: retriever?.embeddingModel ?? null, embeddingCost, indexes: retriever?.indexes ?? [], warn,
      shard: shard && shardInfo(shard, pipelines, dataset),
    });
    const path = await writeResult(result, resolve(opts.outDir ?? config.outDir), { layout: opts.layout }).catch((err: unknown) => {
      throw new ResultNotWritten(journal.meta.runId, (err as Error).message);
    });
    return { result, path, datasetPath };
  } finally {
    journal.close();
    // The local models' worker threads (idle ones never keep the process alive, but end them).
    await closeLocalWorkers();
  }
}

/** The shard a result holds, with the fingerprint of the whole run's pairs that merge checks. */
function shardInfo(s: ShardSpec, pipelines: ResolvedPipeline[], dataset: Dataset): Shard {
  const ids = dataset.questions.map((q) => q.id);
  const names = pipelines.map((p) => p.name);
  return { index: s.index, count: s.count, pairs: names.length * ids.length, pairsHash: pairSetHash(runPairs(names, ids)) };
}

/** Share of truncated answers above which a run warns: answers cut by the token limit score as wrong. */
const TRUNCATION_WARN = 0.05;

/** Calls that completed (answered, or answered with no text): what usage and finish reasons are about. */
const completed = (r: ResultRecord) => r.error === null || r.error.kind === 'empty';

/**
 * Records a resume runs again: calls that failed (server, timeout, rate limit, key, bad response).
 * Failed calls are never stored in the response cache, so the retry asks the server again (and
 * the judge grades its answer). An empty answer is what the model said: the cache would replay it.
 */
export const isRetryable = (r: ResultRecord): boolean => !completed(r);

/** Failed records this run does not retry (kept by --keep-errors, or failed again): a plain resume retries them. */
const failedDone = (journal: Journal) => journal.records.filter(isRetryable).length - journal.retrying.size;

/** "340 answers recorded, 20 errored to retry, 0 missing" (or the errors kept, with --keep-errors). */
function resumeNote(journal: Journal, pairs: number): string {
  const kept = failedDone(journal);
  const retry = journal.retrying.size;
  const missing = pairs - journal.done.size - retry;
  const errored = kept > 0 ? `${kept} errored kept (--keep-errors)` : `${retry} errored to retry`;
  return `${journal.done.size - kept} answers recorded, ${errored}, ${missing} missing`;
}

/** One warning per provider whose server sent no usage, and one per pipeline with many truncated answers. */
function warnAboutAnswers(records: readonly ResultRecord[], pipelines: { name: string; modelRef: string }[], providerType: (ref: string) => string, warn: (m: string) => void): void {
  const byName = new Map(pipelines.map((p) => [p.name, p.modelRef]));
  const noUsage = new Map<string, { count: number; refs: Set<string> }>();
  for (const r of records) {
    const ref = byName.get(r.pipeline);
    if (!ref || r.tokens !== null || !completed(r)) continue;
    const provider = splitModelRef(ref).provider;
    const entry = noUsage.get(provider) ?? { count: 0, refs: new Set<string>() };
    entry.count++;
    entry.refs.add(ref);
    noUsage.set(provider, entry);
  }
  for (const [provider, { count, refs }] of noUsage) {
    const hint = [...refs].some((ref) => providerType(ref) === 'openai-compatible') ? ' (the server must stream usage: stream_options.include_usage, which includeUsage asks for)' : '';
    warn(`${provider}: ${count} answer(s) of ${[...refs].join(', ')} came without token usage, so their tokens and cost are null${hint}`);
  }
  for (const p of pipelines) {
    const mine = records.filter((r) => r.pipeline === p.name && completed(r));
    const cut = mine.filter((r) => r.finishReason === 'length').length;
    if (mine.length > 0 && cut / mine.length > TRUNCATION_WARN) {
      warn(`${p.name}: ${cut} of ${mine.length} answers hit the output-token limit (finish reason "length"); raise generation.maxOutputTokens`);
    }
  }
}

/** Thrown when the circuit breaker stopped asking a provider: the pairs left are for a resume. */
export class RunIncomplete extends Error {
  constructor(
    readonly runId: string,
    readonly providers: string[],
    /** Pairs not asked in this run. */
    readonly left: number,
    /** Failed records besides those: a resume retries them as well. */
    readonly failed: number,
  ) {
    super(`run ${runId} stopped asking ${providers.map((p) => `"${p}"`).join(', ')} after consecutive failures; ${left} question(s) not asked`);
    this.name = 'RunIncomplete';
  }
}

/** Thrown when the finished run's result file could not be written: the answers are in the journal. */
export class ResultNotWritten extends Error {
  constructor(
    readonly runId: string,
    message: string,
  ) {
    super(message);
    this.name = 'ResultNotWritten';
  }
}

/** Thrown when Ctrl-C stopped a run: what was answered is in the journal. */
export class RunInterrupted extends Error {
  constructor(readonly runId: string) {
    super(`run ${runId} interrupted`);
    this.name = 'RunInterrupted';
  }
}

function embeddingCostOf(config: Config, tokens: number, warn: (m: string) => void) {
  const { price } = lookupPrice(config.embedding.model, { overrides: config.cost.prices });
  if (!price) warn(`${config.embedding.model}: no known embedding price, its cost reported as null`);
  return { tokens, usd: price ? (tokens * price.input) / 1e6 : null };
}

/** The config as stored in results: provider and http pipeline header values may hold credentials. */
function redactConfig(config: Config): Record<string, unknown> {
  const redactHeaders = <T extends { headers?: Record<string, string> }>(p: T): T => (p.headers ? { ...p, headers: Object.fromEntries(Object.keys(p.headers).map((h) => [h, '[REDACTED]'])) } : p);
  const providers = Object.fromEntries(Object.entries(config.providers).map(([n, p]) => [n, redactHeaders(p)]));
  return { ...config, providers, pipelines: config.pipelines.map((p) => ('type' in p ? redactHeaders(p) : p)) };
}

async function assembleResult(a: {
  config: Config;
  dataset: Dataset;
  pipelines: ResolvedPipeline[];
  records: ResultRecord[];
  runId: string;
  startedAt: Date;
  resumed: boolean;
  warnings: string[];
  manifests: Map<string, LocalFinetuneManifest>;
  embeddingModel: string | null;
  embeddingCost: RunResult['run']['embeddingCost'];
  indexes: RunResult['run']['indexes'];
  warn: (msg: string) => void;
  shard: Shard | null;
}): Promise<RunResult> {
  // Records in dataset order, pipeline by pipeline, whatever order they completed in.
  const order = new Map(a.dataset.questions.map((q, i) => [q.id, i]));
  const pipelineOrder = new Map(a.pipelines.map((p, i) => [p.name, i]));
  const records = [...a.records].sort((x, y) => pipelineOrder.get(x.pipeline)! - pipelineOrder.get(y.pipeline)! || order.get(x.questionId)! - order.get(y.questionId)!);

  const inputs = [];
  const finetunes: RunResult['run']['finetunes'] = {};
  for (const p of a.pipelines) {
    const ft = await finetuneCost(p.modelRef, a.config, a.dataset, a.manifests, a.warn);
    if (ft.trainingTokens !== null) finetunes[p.modelRef] = { trainingTokens: ft.trainingTokens, epochs: ft.epochs };
    const cost = { fineTuningUsd: ft.usd, fineTuningSeconds: ft.seconds, queryVolume: a.config.cost.queryVolume };
    // A custom pipeline retrieves when it reports document ids.
    const retrieval = p.retrieval || (p.custom !== undefined && records.some((r) => r.pipeline === p.name && r.retrievedDocIds !== null));
    inputs.push({ name: p.name, model: p.modelRef, retrieval, indexAsOf: p.indexAsOf, k: p.retrieval ? a.config.retrieval.k : null, cost });
  }
  const { pipelines: results, statistics } = summarizeRun(inputs, records);
  return {
    schemaVersion: RESULT_SCHEMA_VERSION,
    run: {
      id: a.runId,
      startedAt: a.startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      harnessVersion: HARNESS_VERSION,
      gitCommit: gitCommit(),
      configHash: hashObject(a.config),
      datasetHash: a.dataset.hash,
      dataset: { name: a.dataset.manifest.name, trainingCutoff: a.dataset.manifest.trainingCutoff ?? null, questions: a.dataset.questions.length, documents: a.dataset.documents.length },
      models: Object.fromEntries(a.pipelines.map((p) => [p.name, p.modelRef])),
      embeddingModel: a.embeddingModel ?? 'none',
      indexAsOf: a.config.retrieval.indexAsOf ?? null,
      corpusTimeline: corpusTimeline(a.dataset.documents, a.dataset.manifest.trainingCutoff, a.config.retrieval),
      finetunes,
      indexes: a.indexes,
      embeddingCost: a.embeddingCost,
      scoring: { primary: a.config.scoring.primary, judge: a.config.judge ? summarizeJudge(modelRefOf(a.config.judge.model), records) : null },
      resumed: a.resumed,
      shard: a.shard,
      mergedFrom: [],
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      cpu: { model: cpus()[0]?.model ?? 'unknown', cores: cpus().length },
      config: redactConfig(a.config),
      warnings: a.warnings,
    },
    pipelines: results,
    records,
    statistics,
  };
}

