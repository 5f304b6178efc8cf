import { join, resolve } from 'node:path';
import type { EmbeddingModelV3 } from '@ai-sdk/provider';
import type { Config } from '../config/schema.js';
import type { Dataset } from '../dataset/schema.js';
import { isLocal } from '../models/registry.js';
import { sha256 } from '../util/hash.js';
import { chunkDocuments, chunkEmbeddingText } from './chunk.js';
import { createApiEmbedder } from './embedding/api-embedder.js';
import { createCachedEmbedder } from './embedding/cache.js';
import { ensureLocalEmbeddingModel } from './embedding/local-model.js';
import { createTransformersEmbedder } from './embedding/transformers.js';
import type { Embedder } from './embedding/types.js';
import { openOrBuildIndex } from './hnsw-index.js';
import { createRetriever, type Retriever } from './retriever.js';
import { corpusAsOf } from './snapshot.js';

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
  embeddingModel(ref: string): EmbeddingModelV3;
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

/**
 * Embedder, persistent HNSW index over the chunked corpus and the retriever on top. The index
 * holds the corpus as of `retrieval.indexAsOf` when set, and each `retrieval.indexSnapshots` date
 * gets a retriever of its own. The embedding model is the same for all (a local one is trained on
 * the whole corpus), so a snapshot differs from the fresh index only by what it holds.
 */
export async function buildRetriever(config: RetrieverConfig, corpus: Corpus, progress: RetrievalProgress, models: EmbeddingModels) {
  const { embedder, modelName, modelHash, apiTokens } = await createEmbedder(config, corpus, progress, models);
  const open = (asOf: string | null) => openRetriever(config, corpus, embedder, modelName, progress, asOf);
  const retriever = await open(config.retrieval.indexAsOf ?? null);
  const snapshots = new Map<string, Retriever>();
  for (const date of config.retrieval.indexSnapshots) snapshots.set(date, await open(date));
  /** embeddingModel: `<model>@<hash12>` for transformers.js models (the weights used), the API model ref otherwise. */
  return { retriever, snapshots, embeddingModel: embedder.id, embeddingModelHash: modelHash, apiTokens };
}

async function openRetriever(config: RetrieverConfig, corpus: Corpus, embedder: Embedder, modelName: string, progress: RetrievalProgress, asOf: string | null): Promise<Retriever> {
  const r = config.retrieval;
  const chunking = { chunkSize: r.chunkSize, chunkOverlap: r.chunkOverlap };
  const documents = asOf === null ? corpus.documents : corpusAsOf(corpus.documents, asOf);
  const chunks = chunkDocuments(documents, chunking);
  // Keyed by the model's name, not its hash: new weights find the old manifest and are reported
  // as "embedding model changed (…@old -> …@new)" before the index is rebuilt in place. A snapshot
  // has a folder of its own, so the fresh index and the snapshots do not evict each other.
  const dir = resolve(config.cacheDir, 'index', `${corpus.manifest.name}-${sha256(modelName).slice(0, 8)}${asOf === null ? '' : `@${asOf}`}`);
  const corpusHash = sha256(chunks.map(chunkEmbeddingText).join('\u0000') + JSON.stringify(documents.map((d) => [d.id, d.validFrom, d.validTo ?? null])));
  let task: RetrievalTask | null = null;
  let ticked = 0;
  const { index, reused, reason } = await openOrBuildIndex({
    dir,
    embedder,
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
  const what = asOf === null ? '' : ` as of ${asOf}`;
  progress.log(reused ? `reusing HNSW index${what} (${index.size} chunks) in ${dir}` : `built HNSW index${what} of ${index.size} chunks (${reason ?? 'new'})`);
  return createRetriever({ index, embedder, k: r.k, efSearch: r.efSearch, temporalFilter: r.temporalFilter });
}
