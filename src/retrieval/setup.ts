import { join, resolve } from 'node:path';
import type { Config } from '../config/schema.js';
import type { Dataset } from '../dataset/schema.js';
import type { Progress } from '../run/progress.js';
import { sha256 } from '../util/hash.js';
import { chunkDocuments, chunkEmbeddingText } from './chunk.js';
import type { ModelRegistry } from '../models/registry.js';
import { createApiEmbedder } from './embedding/api-embedder.js';
import { createCachedEmbedder } from './embedding/cache.js';
import { ensureLocalEmbeddingModel } from './embedding/local-model.js';
import { createTransformersEmbedder } from './embedding/transformers.js';
import type { Embedder } from './embedding/types.js';
import { openOrBuildIndex } from './hnsw-index.js';
import { createRetriever } from './retriever.js';

export interface EmbedderSetup {
  embedder: Embedder;
  /** Tokens billed by an embedding API so far; null for local models. */
  apiTokens: (() => number) | null;
}

/** `<provider>:<model>` other than `local:…` names an embedding API, not a transformers.js model. */
export const isApiModel = (model: string) => /^[A-Za-z0-9_-]+:/.test(model) && !model.startsWith('local:');

/**
 * The embedding model the config names, behind an on-disk cache: `local:ppmi-svd` (trained on
 * this corpus first, then loaded by transformers.js), any transformers.js id, or an API model
 * `<provider>:<model>` through the AI SDK.
 */
export async function createEmbedder(config: Config, dataset: Dataset, progress: Progress, registry: ModelRegistry): Promise<EmbedderSetup> {
  const e = config.embedding;
  let inner: Embedder;
  let apiTokens: (() => number) | null = null;
  if (isApiModel(e.model)) {
    const api = await createApiEmbedder({ model: registry.embeddingModel(e.model), id: e.model, batchSize: e.batchSize, maxRetries: config.generation.maxRetries });
    inner = api;
    apiTokens = () => api.usage().tokens;
  } else {
    const localModelPath = resolve(e.localModelPath ?? join(config.cacheDir, 'models'));
    let modelId = e.model;
    if (e.model === 'local:ppmi-svd') {
      const texts = dataset.documents.map((d) => `${d.title}\n${d.text}`);
      const built = await ensureLocalEmbeddingModel({ texts, dim: e.dim, localModelPath });
      if (built.built) progress.log(`built local embedding model ${built.modelId} (${e.dim} dims) in ${built.dir}`);
      modelId = built.modelId;
    }
    inner = await createTransformersEmbedder({
      modelId,
      localModelPath,
      allowRemoteModels: e.allowRemoteModels,
      quantized: e.quantized,
      batchSize: e.batchSize,
      cacheDir: resolve(config.cacheDir, 'transformers-cache'),
    });
  }
  const cacheFile = resolve(config.cacheDir, 'embeddings', `${sha256(`${inner.id}|${e.quantized}`).slice(0, 16)}.bin`);
  return { embedder: createCachedEmbedder(inner, cacheFile), apiTokens };
}

/** Embedder, persistent HNSW index over the chunked corpus, and the retriever on top. */
export async function buildRetriever(config: Config, dataset: Dataset, progress: Progress, registry: ModelRegistry) {
  const { embedder, apiTokens } = await createEmbedder(config, dataset, progress, registry);
  const r = config.retrieval;
  const chunking = { chunkSize: r.chunkSize, chunkOverlap: r.chunkOverlap };
  const chunks = chunkDocuments(dataset.documents, chunking);
  const dir = resolve(config.cacheDir, 'index', `${dataset.manifest.name}-${sha256(embedder.id).slice(0, 8)}`);
  const corpusHash = sha256(chunks.map(chunkEmbeddingText).join('\u0000') + JSON.stringify(dataset.documents.map((d) => [d.id, d.validFrom, d.validTo ?? null])));
  let task: ReturnType<Progress['start']> | null = null;
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
  (task as ReturnType<Progress['start']> | null)?.done();
  progress.log(reused ? `reusing HNSW index (${index.size} chunks) in ${dir}` : `built HNSW index of ${index.size} chunks (${reason ?? 'new'})`);
  const retriever = createRetriever({ index, embedder, k: r.k, efSearch: r.efSearch, temporalFilter: r.temporalFilter });
  return { retriever, embeddingModel: embedder.id, apiTokens };
}
