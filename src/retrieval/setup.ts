import { join, resolve } from 'node:path';
import type { EmbeddingModelV4 } from '@ai-sdk/provider';
import type { Config } from '../config/schema.js';
import type { Dataset } from '../dataset/schema.js';
import { isLocal } from '../models/registry.js';
import { sha256 } from '../util/hash.js';
import { openOrBuildBm25Index } from './bm25-index.js';
import { type Chunk, chunkDocuments, chunkEmbeddingText, type ChunkingOptions } from './chunk.js';
import { createApiEmbedder } from './embedding/api-embedder.js';
import { createCachedEmbedder } from './embedding/cache.js';
import { ensureLocalEmbeddingModel } from './embedding/local-model.js';
import { createTransformersEmbedder } from './embedding/transformers.js';
import type { Embedder } from './embedding/types.js';
import { openOrBuildIndex } from './hnsw-index.js';
import { RETRIEVAL_MODES, type RetrievalSource } from './modes.js';
import { bm25Ranker, denseRanker, fusedRanker, type Ranker } from './rankers.js';
import { createRetriever } from './retriever.js';

/** The part of the config the embedder reads. */
export type EmbedderConfig = Pick<Config, 'embedding' | 'cacheDir'> & { generation: Pick<Config['generation'], 'maxRetries'> };
/** The part of the config the retriever reads. */
export type RetrieverConfig = EmbedderConfig & Pick<Config, 'retrieval'>;
/** The part of a dataset that is indexed. */
export type Corpus = Pick<Dataset, 'documents'> & { manifest: Pick<Dataset['manifest'], 'name'> };

/** Where retrieval reports what it did (structurally: run/progress's Progress fits). */
export interface RetrievalLog {
  log: (msg: string) => void;
}
/** A counted task: structurally the task of run/progress. */
export interface RetrievalTask {
  tick(note?: string): void;
  done(): void;
}
export interface RetrievalProgress extends RetrievalLog {
  start(label: string, total: number): RetrievalTask;
}

/**
 * Resolves an API embedding model `<provider>:<model>` (e.g. through the model registry, which
 * fits structurally). Only asked for refs that `isApiModel` accepts.
 */
export interface EmbeddingModels {
  embeddingModel(ref: string): EmbeddingModelV4;
}

export interface EmbedderSetup {
  /** `id` is `<model>@<hash12>` for transformers.js models: the weights, not only the name. */
  embedder: Embedder;
  /** The configured model (no hash): names the index folder, so a change of weights is reported as one. */
  modelName: string;
  /** Full sha256 identity of the loaded model files (see model-identity.ts); null for API models. */
  modelHash: string | null;
  /** Tokens billed by an embedding API so far; null for local models. */
  apiTokens: (() => number) | null;
}

/** `<provider>:<model>` other than `local:…` names an embedding API, not a transformers.js model. */
export const isApiModel = (model: string) => /^[A-Za-z0-9_-]+:/.test(model) && !isLocal(model);

/**
 * The embedding model the config names, behind an on-disk cache: `local:ppmi-svd` (trained on
 * this corpus first, then loaded by transformers.js), any transformers.js id, or an API model
 * `<provider>:<model>` through the AI SDK (resolved by `models`).
 */
export async function createEmbedder(config: EmbedderConfig, corpus: Pick<Corpus, 'documents'>, io: RetrievalLog, models: EmbeddingModels): Promise<EmbedderSetup> {
  const e = config.embedding;
  let inner: Embedder;
  let apiTokens: (() => number) | null = null;
  let modelName = e.model;
  let modelHash: string | null = null;
  // Hash stamps of model files, so unchanged weights are not re-hashed on every run.
  const stampDir = resolve(config.cacheDir, 'file-stamps');
  if (isApiModel(e.model)) {
    const api = await createApiEmbedder({ model: models.embeddingModel(e.model), id: e.model, batchSize: e.batchSize, maxRetries: config.generation.maxRetries });
    inner = api;
    apiTokens = () => api.usage().tokens;
  } else {
    const localModelPath = resolve(e.localModelPath ?? join(config.cacheDir, 'models'));
    let modelId = e.model;
    if (e.model === 'local:ppmi-svd') {
      const texts = corpus.documents.map((d) => `${d.title}\n${d.text}`);
      const built = await ensureLocalEmbeddingModel({ texts, dim: e.dim, localModelPath, stampDir });
      if (built.built) io.log(`${built.reason ? 'rebuilt' : 'built'} local embedding model ${built.modelId} (${e.dim} dims) in ${built.dir}${built.reason ? ` (${built.reason})` : ''}`);
      modelId = built.modelId;
    }
    const transformers = await createTransformersEmbedder({
      modelId,
      localModelPath,
      allowRemoteModels: e.allowRemoteModels,
      quantized: e.quantized,
      batchSize: e.batchSize,
      cacheDir: resolve(config.cacheDir, 'transformers-cache'),
      stampDir,
    });
    inner = transformers;
    modelName = transformers.modelId;
    modelHash = transformers.modelHash;
  }
  // inner.id carries the weights' hash (and `quantized` is part of it), so other weights get another file.
  const cacheFile = resolve(config.cacheDir, 'embeddings', `${sha256(`${inner.id}|${e.quantized}`).slice(0, 16)}.bin`);
  return { embedder: createCachedEmbedder(inner, cacheFile, { log: io.log }), modelName, modelHash, apiTokens };
}

/** What a retrieval source needs to build its ranker. */
interface SourceContext {
  config: RetrieverConfig;
  corpus: Corpus;
  chunks: Chunk[];
  chunking: ChunkingOptions;
  progress: RetrievalProgress;
  models: EmbeddingModels;
}

interface BuiltSource {
  ranker: Ranker;
  /** The dense source's embedder, for the run's record of it. */
  embedding?: Omit<EmbedderSetup, 'embedder'> & { id: string };
}

/** How each kind of ranked list (modes.ts) is built. */
const SOURCES: Record<RetrievalSource, (ctx: SourceContext) => Promise<BuiltSource>> = {
  dense: buildDenseSource,
  bm25: buildBm25Source,
};

/** Embedder and persistent HNSW index over the chunked corpus. */
async function buildDenseSource({ config, corpus, chunks, chunking, progress, models }: SourceContext): Promise<BuiltSource> {
  const setup = await createEmbedder(config, corpus, progress, models);
  const r = config.retrieval;
  // Keyed by the model's name, not its hash: new weights find the old manifest and are reported
  // as "embedding model changed (…@old -> …@new)" before the index is rebuilt in place.
  const dir = resolve(config.cacheDir, 'index', `${corpus.manifest.name}-${sha256(setup.modelName).slice(0, 8)}`);
  const corpusHash = sha256(chunks.map(chunkEmbeddingText).join('\u0000') + JSON.stringify(corpus.documents.map((d) => [d.id, d.validFrom, d.validTo ?? null])));
  let task: RetrievalTask | null = null;
  let ticked = 0;
  const { index, reused, reason } = await openOrBuildIndex({
    dir,
    embedder: setup.embedder,
    chunks,
    corpusHash,
    chunking,
    space: r.space,
    M: r.M,
    efConstruction: r.efConstruction,
    onProgress: (done, total) => {
      task ??= progress.start('embedding chunks', total);
      for (; ticked < done; ticked++) task.tick();
    },
  });
  (task as RetrievalTask | null)?.done();
  progress.log(reused ? `reusing HNSW index (${index.size} chunks) in ${dir}` : `built HNSW index of ${index.size} chunks (${reason ?? 'new'})`);
  const { embedder, ...rest } = setup;
  return { ranker: denseRanker(index, embedder, r.efSearch), embedding: { ...rest, id: embedder.id } };
}

/** Persistent BM25 index over the same chunks: no embedding model involved. */
async function buildBm25Source({ config, corpus, chunks, progress }: SourceContext): Promise<BuiltSource> {
  const dir = resolve(config.cacheDir, 'bm25', corpus.manifest.name);
  const { index, reused, reason } = await openOrBuildBm25Index(dir, chunks);
  progress.log(reused ? `reusing BM25 index (${index.size} chunks) in ${dir}` : `built BM25 index of ${index.size} chunks (${reason ?? 'new'})`);
  return { ranker: bm25Ranker(index, config.retrieval.bm25) };
}

/**
 * The retriever of `retrieval.mode`: each source the mode lists (modes.ts) is built, and several
 * are fused. Sources the mode does not list are not built (bm25 builds no embedding model).
 */
export async function buildRetriever(config: RetrieverConfig, corpus: Corpus, progress: RetrievalProgress, models: EmbeddingModels) {
  const r = config.retrieval;
  const chunking = { chunkSize: r.chunkSize, chunkOverlap: r.chunkOverlap };
  const ctx: SourceContext = { config, corpus, chunks: chunkDocuments(corpus.documents, chunking), chunking, progress, models };
  const sources = RETRIEVAL_MODES[r.mode].sources;
  const built = new Map<RetrievalSource, BuiltSource>();
  for (const source of sources) built.set(source, await SOURCES[source](ctx));
  const ranker =
    sources.length === 1
      ? built.get(sources[0]!)!.ranker
      : fusedRanker(sources.map((s) => ({ ranker: built.get(s)!.ranker, weight: r.fusion.weights[s] })), r.fusion);
  const embedding = built.get('dense')?.embedding;
  return {
    retriever: createRetriever({ ranker, k: r.k, temporalFilter: r.temporalFilter }),
    /** `<model>@<hash12>` for transformers.js models (the weights used), the API model ref otherwise; null when no embedding is used. */
    embeddingModel: embedding?.id ?? null,
    embeddingModelHash: embedding?.modelHash ?? null,
    apiTokens: embedding?.apiTokens ?? null,
  };
}
