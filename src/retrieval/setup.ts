import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { EmbeddingModelV4 } from '@ai-sdk/provider';
import type { Config } from '../config/schema.js';
import type { Dataset } from '../dataset/schema.js';
import { isLocal } from '../models/registry.js';
import { sha256 } from '../util/hash.js';
import { openOrBuildBm25Index } from './bm25-index.js';
import { type Chunk, chunkDocuments, type ChunkingOptions } from './chunk.js';
import { createApiEmbedder } from './embedding/api-embedder.js';
import { createCachedEmbedder } from './embedding/cache.js';
import { ensureLocalEmbeddingModel } from './embedding/local-model.js';
import { createTransformersEmbedder } from './embedding/transformers.js';
import type { Embedder } from './embedding/types.js';
import { RETRIEVAL_MODES, type RetrievalSource } from './modes.js';
import { bm25Ranker, denseRanker, fusedRanker, type Ranker } from './rankers.js';
import { createRetriever, type Retriever } from './retriever.js';
import { corpusAsOf } from './snapshot.js';
import { keyChunks } from './store/content-key.js';
import { availableStore } from './store/registry.js';
import { describeSync, syncStoreWithProgress } from './store/sync.js';

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

/**
 * One index a run brought up to date (stored in `run.indexes`): how many chunks were reused,
 * added (embedded, or indexed by a rebuilt BM25 index) and removed, its bytes on disk, the
 * seconds that took, and the process's RSS once it was ready.
 */
export interface IndexReport {
  source: RetrievalSource;
  /** The vector store (`retrieval.store`) of a dense index; null for BM25. */
  store: string | null;
  asOf: string | null;
  chunks: number;
  reused: number;
  added: number;
  removed: number;
  diskBytes: number;
  seconds: number;
  rssBytes: number;
}

/** What a retrieval source needs to build its ranker. */
interface SourceContext {
  config: RetrieverConfig;
  corpus: Corpus;
  /** The index's date (`retrieval.indexAsOf` or a snapshot), null for the current corpus. */
  asOf: string | null;
  /** The document versions indexed: the corpus as of `asOf`. */
  documents: Corpus['documents'];
  chunks: Chunk[];
  chunking: ChunkingOptions;
  progress: RetrievalProgress;
  /** The run's embedder, created on first use and shared by the index and every snapshot. */
  embedder(): Promise<EmbedderSetup>;
  /** Collects what each index took (run.indexes). */
  report(r: IndexReport): void;
}

/** How each kind of ranked list (modes.ts) is built. */
const SOURCES: Record<RetrievalSource, (ctx: SourceContext) => Promise<Ranker>> = {
  dense: buildDenseSource,
  bm25: buildBm25Source,
};

const asOfNote = (asOf: string | null) => (asOf === null ? '' : ` as of ${asOf}`);
/** A snapshot has a cache folder of its own, so the current index and the snapshots do not evict each other. */
const asOfSuffix = (asOf: string | null) => (asOf === null ? '' : `@${asOf}`);

/** Embedder and persistent vector store (`retrieval.store`) over the chunked corpus, updated chunk by chunk. */
async function buildDenseSource({ config, corpus, asOf, chunks, chunking, progress, embedder, report }: SourceContext): Promise<Ranker> {
  const setup = await embedder();
  const t0 = performance.now();
  const r = config.retrieval;
  const def = await availableStore(r.store);
  // Keyed by the model's name, not its hash: new weights find the old manifest and are reported
  // as "embedding model changed (…@old -> …@new)" before the store is rebuilt in place.
  const folder = r.store === 'hnsw' ? 'index' : `index-${r.store}`;
  const dir = resolve(config.cacheDir, folder, `${corpus.manifest.name}-${sha256(setup.modelName).slice(0, 8)}${asOfSuffix(asOf)}`);
  const identity = { embeddingModel: setup.embedder.id, dim: setup.embedder.dim, space: r.space };
  const { store, reason } = await def.open({ dir, identity, settings: r });
  const counts = await syncStoreWithProgress(store, keyChunks(chunks, setup.embedder.id, chunking), setup.embedder, config.embedding.batchSize, progress, 'embedding chunks');
  const what = asOfNote(asOf);
  const diskBytes = await store.diskBytes();
  const rssBytes = process.memoryUsage.rss();
  report({ source: 'dense', store: r.store, asOf, chunks: store.size, reused: counts.reused, added: counts.embedded, removed: counts.removed, diskBytes, seconds: (performance.now() - t0) / 1000, rssBytes });
  const memory = `${megabytes(diskBytes)} on disk, RSS ${megabytes(rssBytes)}`;
  if (counts.embedded === 0 && counts.removed === 0) progress.log(`reusing ${def.label} index${what} (${store.size} chunks, ${memory}) in ${dir}`);
  else if (counts.reused === 0 && counts.removed === 0) progress.log(`built ${def.label} index${what} of ${store.size} chunks (${reason ?? 'new'}; ${memory})`);
  else progress.log(`updated ${def.label} index${what}: ${describeSync(counts)} (${memory})`);
  return denseRanker(store, setup.embedder, identity);
}

const megabytes = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;

/** Bytes of the files directly in `dir` (an index folder has no subfolders). */
async function folderBytes(dir: string): Promise<number> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const sizes = await Promise.all(names.map((n) => stat(join(dir, n)).then((st) => (st.isFile() ? st.size : 0), () => 0)));
  return sizes.reduce((a, b) => a + b, 0);
}

/** Persistent BM25 index over the same chunks: no embedding model involved. */
async function buildBm25Source({ config, corpus, asOf, chunks, progress, report }: SourceContext): Promise<Ranker> {
  const dir = resolve(config.cacheDir, 'bm25', `${corpus.manifest.name}${asOfSuffix(asOf)}`);
  const t0 = performance.now();
  const { index, reused, reason } = await openOrBuildBm25Index(dir, chunks);
  // Rebuilt whole when anything changed: every chunk is then added, none reused.
  report({ source: 'bm25', store: null, asOf, chunks: index.size, reused: reused ? index.size : 0, added: reused ? 0 : index.size, removed: 0, diskBytes: await folderBytes(dir), seconds: (performance.now() - t0) / 1000, rssBytes: process.memoryUsage.rss() });
  const what = asOfNote(asOf);
  progress.log(reused ? `reusing BM25 index${what} (${index.size} chunks) in ${dir}` : `built BM25 index${what} of ${index.size} chunks (${reason ?? 'new'})`);
  return bm25Ranker(index, config.retrieval.bm25);
}

/** The retriever of `retrieval.mode` over the corpus as of `asOf`: each source the mode lists (modes.ts), fused when several. */
async function openRetriever(base: Omit<SourceContext, 'asOf' | 'documents' | 'chunks'>, asOf: string | null): Promise<Retriever> {
  const r = base.config.retrieval;
  const documents = asOf === null ? base.corpus.documents : corpusAsOf(base.corpus.documents, asOf);
  const ctx: SourceContext = { ...base, asOf, documents, chunks: chunkDocuments(documents, base.chunking) };
  const sources = RETRIEVAL_MODES[r.mode].sources;
  const rankers: Ranker[] = [];
  for (const source of sources) rankers.push(await SOURCES[source](ctx));
  const ranker = rankers.length === 1 ? rankers[0]! : fusedRanker(sources.map((s, i) => ({ ranker: rankers[i]!, weight: r.fusion.weights[s] })), r.fusion);
  return createRetriever({ ranker, k: r.k, temporalFilter: r.temporalFilter });
}

/**
 * The retriever of the run, over the corpus as of `retrieval.indexAsOf` when set, and one per
 * `retrieval.indexSnapshots` date. Sources the mode does not list are not built (bm25 builds no
 * embedding model). The embedding model is the same for all (a local one is trained on the whole
 * corpus), so a snapshot differs from the current index only by what it holds.
 */
export async function buildRetriever(config: RetrieverConfig, corpus: Corpus, progress: RetrievalProgress, models: EmbeddingModels) {
  const r = config.retrieval;
  let setup = null as Promise<EmbedderSetup> | null; // set by the first source that embeds
  const indexes: IndexReport[] = [];
  const base = {
    config,
    corpus,
    chunking: { chunkSize: r.chunkSize, chunkOverlap: r.chunkOverlap },
    progress,
    embedder: () => (setup ??= createEmbedder(config, corpus, progress, models)),
    report: (x: IndexReport) => void indexes.push(x),
  };
  const retriever = await openRetriever(base, r.indexAsOf ?? null);
  const snapshots = new Map<string, Retriever>();
  for (const date of r.indexSnapshots) snapshots.set(date, await openRetriever(base, date));
  const embedding = setup ? await setup : null;
  return {
    retriever,
    snapshots,
    /** `<model>@<hash12>` for transformers.js models (the weights used), the API model ref otherwise; null when no embedding is used. */
    embeddingModel: embedding?.embedder.id ?? null,
    embeddingModelHash: embedding?.modelHash ?? null,
    apiTokens: embedding?.apiTokens ?? null,
    indexes,
  };
}
