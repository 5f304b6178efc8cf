/**
 * Section 7 of `npm run perf` (only when named: `npm run perf -- 7`): a 100k-chunk corpus.
 * Synthetic clustered vectors (dim 256, like the default embedding) stand in for embeddings, so
 * what is timed is the index, not a model. Ratios are measured in this one run:
 *  a. build: the HNSW store as the harness builds it (content keys, batched "embedding" with
 *     progress, checks, addPoint, save) vs a bare hnswlib-node addPoint loop, same vectors and
 *     parameters;
 *  b. search: the store's search vs bare searchKnn at the same ef, and recall@10 of both against
 *     exact brute force at several efSearch;
 *  c. an incremental update (200 chunks changed, 150 removed) and memory (RSS, bytes on disk);
 *  d. LanceDB (when it loads) on the same vectors: build time, recall@10, queries/s.
 * RAGVFT_PERF_CHUNKS overrides the corpus size (for a quick look). Figures only, never asserted.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { terminalTable } from '../report/terminal-table.js';
import type { Chunk } from '../retrieval/chunk.js';
import { BruteforceSearch, DEFAULT_SEED, HierarchicalNSW } from '../retrieval/store/hnsw-file.js';
import { keyChunks } from '../retrieval/store/content-key.js';
import { VECTOR_STORES } from '../retrieval/store/registry.js';
import { describeSync, syncStore, syncStoreWithProgress } from '../retrieval/store/sync.js';
import type { StoreSettings } from '../retrieval/store/types.js';
import { createProgress } from '../run/progress.js';
import { lookupEmbedder, syntheticVectors } from './synthetic.js';

const DIM = 256;
const QUERIES = 200;
/** Neighbours per query, in recall@K and in the exact truth. */
export const K = 10;
const M = 16;
/** Half the config default, to keep two 100k builds within minutes on 2 shared cores. */
const EF_CONSTRUCTION = 100;
const BATCH = 1000;
const chunking = { chunkSize: 120, chunkOverlap: 20 };

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const rss = () => mb(process.memoryUsage.rss());
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Queries/s of `f` over all queries, best of `rounds` passes (the machine is shared). */
export async function qps(queries: Float32Array[], f: (q: Float32Array) => unknown, rounds = 3): Promise<number> {
  let best = 0;
  for (let r = 0; r < rounds; r++) {
    const t = performance.now();
    for (const q of queries) await f(q);
    best = Math.max(best, queries.length / ((performance.now() - t) / 1000));
  }
  return best;
}

/** Mean recall@K of `results` (labels per query) against the exact `truth`. */
export const recallOf = (truth: Set<number>[], results: number[][]) => results.reduce((a, r, i) => a + r.filter((x) => truth[i]!.has(x)).length, 0) / (K * truth.length);
/** Chunk `d<i>`'s label: i, its vector's position. */
export const labelOf = (c: Chunk) => Number(c.docId.slice(1));

/** The exact K nearest labels of each query (hnswlib's native brute force, cosine) and its queries/s. */
export async function exactBaseline(vectors: Float32Array[], queries: Float32Array[]): Promise<{ truth: Set<number>[]; exactQps: number }> {
  const exact = new BruteforceSearch('cosine', vectors[0]!.length);
  exact.initIndex(vectors.length);
  vectors.forEach((v, i) => exact.addPoint(Array.from(v), i));
  const truth = queries.map((q) => new Set(exact.searchKnn(Array.from(q), K).neighbors));
  return { truth, exactQps: await qps(queries, (q) => exact.searchKnn(Array.from(q), K), 1) };
}

export async function scaleFigures(): Promise<void> {
  const n = Number(process.env.RAGVFT_PERF_CHUNKS ?? 100_000);
  const progress = createProgress(process.stderr);
  let t = performance.now();
  const vectors = syntheticVectors(n + QUERIES, DIM, 24, 11, 200);
  const queries = vectors.splice(n);
  const chunks: Chunk[] = vectors.map((_, i) => ({ id: `d${i}#0`, docId: `d${i}`, title: '', text: `v${i}`, validFrom: '2020-01-01', index: 0 }));
  console.log(`\n7. ${n.toLocaleString('en-US')} chunks × ${DIM}-d (200 clusters near a 24-d subspace), ${QUERIES} queries, k=${K}; vectors made in ${seconds(performance.now() - t)}`);

  const { truth, exactQps } = await exactBaseline(vectors, queries);

  // a. Bare addPoint loop.
  const rssBefore = process.memoryUsage.rss();
  t = performance.now();
  const bare = new HierarchicalNSW('cosine', DIM);
  bare.initIndex(n, M, EF_CONSTRUCTION, DEFAULT_SEED);
  vectors.forEach((v, i) => bare.addPoint(Array.from(v), i));
  const bareMs = performance.now() - t;

  // a. The harness: the HNSW store, built as a bench builds it.
  const dir = mkdtempSync(join(tmpdir(), 'ragvft-perf-scale-'));
  const settings: StoreSettings = { M, efConstruction: EF_CONSTRUCTION, efSearch: 64, lancedb: { index: 'hnsw-sq', minRows: 10_000, nprobes: 20 } };
  const embedder = lookupEmbedder(vectors);
  const identity = { embeddingModel: embedder.id, dim: DIM, space: 'cosine' as const };
  t = performance.now();
  const { store } = await VECTOR_STORES.hnsw.open({ dir: join(dir, 'hnsw'), identity, settings });
  const keyed = keyChunks(chunks, embedder.id, chunking);
  const built = await syncStoreWithProgress(store, keyed, embedder, BATCH, progress, 'HNSW store build');
  const storeMs = performance.now() - t;
  const hnswBytes = await store.diskBytes();

  const build = terminalTable(['build', 'time', 'inserts/s', 'vs bare']);
  build.push(['bare hnswlib addPoint loop', seconds(bareMs), (n / (bareMs / 1000)).toFixed(0), '1.00×']);
  build.push(['HNSW store (keys, checks, save)', seconds(storeMs), (n / (storeMs / 1000)).toFixed(0), `${(bareMs / storeMs).toFixed(2)}×`]);
  console.log(`a. Build, M=${M}, efConstruction=${EF_CONSTRUCTION} (${describeSync(built)}); target >= 0.9× bare:`);
  console.log(build.toString());

  // b. Search and recall: the store (async, as the retriever calls it) vs bare searchKnn at the same ef.
  const search = terminalTable(['search', `recall@${K}`, 'queries/s', 'time vs bare']);
  search.push(['exact (native brute force)', '1.000', exactQps.toFixed(0), '']);
  for (const ef of [64, 128, 256]) {
    settings.efSearch = ef;
    bare.setEf(ef);
    const bareRecall = recallOf(truth, queries.map((q) => bare.searchKnn(Array.from(q), K).neighbors));
    const storeRecall = recallOf(truth, await Promise.all(queries.map(async (q) => (await store.search(q, K)).map((h) => labelOf(h.chunk)))));
    // Interleaved passes, best of each: the machine is shared, so load shifts between passes.
    let bareQps = 0;
    let storeQps = 0;
    for (let round = 0; round < 5; round++) {
      bareQps = Math.max(bareQps, await qps(queries, (q) => bare.searchKnn(Array.from(q), K), 1));
      storeQps = Math.max(storeQps, await qps(queries, (q) => store.search(q, K), 1));
    }
    search.push([`bare searchKnn ef=${ef}`, bareRecall.toFixed(3), bareQps.toFixed(0), '1.00×']);
    search.push([`HNSW store ef=${ef}`, storeRecall.toFixed(3), storeQps.toFixed(0), `${(bareQps / storeQps).toFixed(2)}×`]);
  }
  console.log('b. Search (target: store time <= 1.1× bare; recall@10 >= 0.95):');
  console.log(search.toString());

  // c. Incremental update: 200 chunks changed, 150 removed.
  const changed = keyChunks(chunks.slice(0, n - 150).map((c, i) => (i < 200 ? { ...c, title: 'edited' } : c)), embedder.id, chunking);
  t = performance.now();
  const update = await syncStore(store, changed, embedder, { batchSize: BATCH });
  console.log(`c. Incremental update, 200 chunks edited and 150 gone (an edit also removes the old entry):`);
  console.log(`   index: ${describeSync(update)} in ${seconds(performance.now() - t)}`);
  console.log(`   memory: HNSW store ${mb(hnswBytes)} on disk; RSS ${rss()}, ${mb(process.memoryUsage.rss() - rssBefore)} more than before the builds`);
  console.log('   (the bare index, the store and the exact twin all in memory)');
  await store.close();

  await lancedbFigures(dir, keyed, embedder, queries, truth, settings);
  rmSync(dir, { recursive: true, force: true });
}

/** d. LanceDB on the same vectors, with its index type and parameters stated. */
async function lancedbFigures(dir: string, keyed: ReturnType<typeof keyChunks>, embedder: ReturnType<typeof lookupEmbedder>, queries: Float32Array[], truth: Set<number>[], base: StoreSettings) {
  const why = await VECTOR_STORES.lancedb.unavailable();
  if (why !== null) return console.log(`d. LanceDB: skipped, ${why}`);
  const table = terminalTable(['LanceDB', 'build', `recall@${K}`, 'queries/s', 'on disk']);
  for (const index of ['hnsw-sq', 'ivf-pq'] as const) {
    const settings: StoreSettings = { ...base, lancedb: { index, minRows: 10_000, nprobes: 20, refineFactor: index === 'ivf-pq' ? 10 : undefined } };
    const t = performance.now();
    const { store } = await VECTOR_STORES.lancedb.open({ dir: join(dir, `lancedb-${index}`), identity: { embeddingModel: embedder.id, dim: embedder.dim, space: 'cosine' }, settings });
    await syncStore(store, keyed, embedder, { batchSize: 10_000 });
    const buildMs = performance.now() - t;
    const bytes = await store.diskBytes();
    for (const nprobes of [10, 20, 50]) {
      settings.lancedb.nprobes = nprobes;
      const results: number[][] = [];
      for (const q of queries) results.push((await store.search(q, K)).map((h) => labelOf(h.chunk)));
      const rate = await qps(queries, (q) => store.search(q, K), 1);
      const params = `${index}${index === 'ivf-pq' ? ', refine 10' : ''}, nprobes ${nprobes}`;
      table.push([params, nprobes === 10 ? seconds(buildMs) : '', recallOf(truth, results).toFixed(3), rate.toFixed(0), nprobes === 10 ? mb(bytes) : '']);
    }
    await store.close();
  }
  console.log(`d. LanceDB, cosine, partitions LanceDB's default (about √rows); build = add + index:`);
  console.log(table.toString());
}
