/**
 * `npm run perf`: speed figures, printed, never asserted (shared machines are noisy). Each figure
 * is compared with a reference measured in the same run, as a ratio.
 *  1. The HNSW store's search vs exact brute force on a synthetic 20k-vector corpus: recall@10
 *     and queries/s at several efSearch values.
 *  2. The embedding cache: cold vs cached embedding of the fixture's chunks.
 *  3. Query embedding latency on the bundled fixture.
 *  4. Run statistics on the latest result.
 *  5. Harness overhead: ragvft's recorded latency of a remote pipeline (local pipelines and a
 *     journal in the same run) vs a bare AI SDK loop on an instant loopback server (loopback.ts).
 *  6. Local embeddings in a run: rag vs hybrid embed p50 with and without cache hits, and the
 *     event-loop lag while embedding, workers vs inline (embedding.ts).
 *  7. 100k chunks (`npm run perf -- 7` only): store build vs a bare hnswlib addPoint loop, search
 *     vs bare searchKnn, recall@10 vs exact search, an incremental update, memory, and LanceDB's
 *     build, recall@10 and queries/s on the same vectors (scale.ts).
 *  8. (`npm run perf -- 8` only) `compare` and `gate` of two 200k-record results, single JSON vs
 *     streaming layout (and streaming at 50k): peak RSS, time, what lean records keep per record
 *     (large-results.ts; needs the built CLI, `npm run build`).
 * `npm run perf -- 5` (or `-- 1 3`) runs only the sections named.
 */
import { terminalTable } from '../report/terminal-table.js';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config/load.js';
import { loadDataset } from '../dataset/load.js';
import { percentiles } from '../metrics/percentiles.js';
import { createModelRegistry } from '../models/registry.js';
import { chunkDocuments, chunkEmbeddingText, type Chunk } from '../retrieval/chunk.js';
import { createEmbedder } from '../retrieval/setup.js';
import { keyChunks } from '../retrieval/store/content-key.js';
import { VECTOR_STORES } from '../retrieval/store/registry.js';
import { syncStore } from '../retrieval/store/sync.js';
import type { StoreSettings } from '../retrieval/store/types.js';
import { ResultSchema } from '../results/schema.js';
import { createProgress } from '../run/progress.js';
import { computeRunStatistics } from '../stats/run-statistics.js';
import { embeddingFigures } from './embedding.js';
import { largeResultFigures } from './large-results.js';
import { loopbackSideBySide } from './loopback.js';
import { exactBaseline, K, labelOf, qps, recallOf, scaleFigures } from './scale.js';
import { lookupEmbedder, syntheticVectors } from './synthetic.js';

const quiet = createProgress(process.stderr, true);

/** Section 1 through the HNSW store, built as a bench builds it (content keys, sync, save). */
async function hnswVsExact() {
  const n = 20_000;
  const dim = 256;
  const vectors = syntheticVectors(n + 200, dim, 24, 7);
  const queries = vectors.splice(n);
  const chunks: Chunk[] = vectors.map((_, i) => ({ id: `d${i}#0`, docId: `d${i}`, title: '', text: `v${i}`, validFrom: '2020-01-01', index: 0 }));
  const embedder = lookupEmbedder(vectors);
  const settings: StoreSettings = { M: 16, efConstruction: 200, efSearch: 64, lancedb: { index: 'none', minRows: 10_000, nprobes: 20 } };
  const dir = mkdtempSync(join(tmpdir(), 'ragvft-perf-'));
  const t0 = performance.now();
  const { store } = await VECTOR_STORES.hnsw.open({ dir, identity: { embeddingModel: embedder.id, dim, space: 'cosine' }, settings });
  await syncStore(store, keyChunks(chunks, embedder.id, { chunkSize: 1, chunkOverlap: 0 }), embedder, { batchSize: 1000 });
  const buildS = (performance.now() - t0) / 1000;

  const k = K;
  const { truth, exactQps } = await exactBaseline(vectors, queries);
  const table = terminalTable(['search', `recall@${k}`, 'queries/s', 'speed-up vs exact']);
  table.push(['exact (brute force)', '1.000', exactQps.toFixed(0), '1.0×']);
  for (const ef of [16, 32, 64, 128, 256]) {
    settings.efSearch = ef; // the store reads it at each search
    const recall = recallOf(truth, await Promise.all(queries.map(async (q) => (await store.search(q, k)).map((h) => labelOf(h.chunk)))));
    const rate = await qps(queries, (q) => store.search(q, k), 1);
    table.push([`HNSW ef=${ef}`, recall.toFixed(3), rate.toFixed(0), `${(rate / exactQps).toFixed(1)}×`]);
  }
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  console.log(`\n1. HNSW store vs exact: ${n} × ${dim}-d vectors (intrinsic dim 24), ${queries.length} queries, k=${k}`);
  console.log(`   M=16, efConstruction=200: built in ${buildS.toFixed(1)} s (${(n / buildS).toFixed(0)} inserts/s)`);
  console.log(table.toString());
}

async function fixtureStages() {
  const { config, datasetPath } = await loadConfig();
  const cacheDir = mkdtempSync(join(tmpdir(), 'ragvft-perf-cache-'));
  const cfg = { ...config, cacheDir };
  const dataset = await loadDataset(datasetPath);
  const registry = createModelRegistry({ providers: {}, localFinetunes: {}, refs: [] });
  const { embedder } = await createEmbedder(cfg, dataset, quiet, registry);
  const texts = chunkDocuments(dataset.documents, cfg.retrieval).map(chunkEmbeddingText);
  let t = performance.now();
  await embedder.embed(texts);
  const cold = performance.now() - t;
  t = performance.now();
  await embedder.embed(texts);
  const warm = performance.now() - t;
  const table = terminalTable(['embedding', 'texts', 'ms', 'texts/s', 'ratio']);
  table.push(['cold (transformers.js)', texts.length, cold.toFixed(0), (texts.length / (cold / 1000)).toFixed(0), '1.0×']);
  table.push(['cached', texts.length, warm.toFixed(1), (texts.length / (warm / 1000)).toFixed(0), `${(cold / warm).toFixed(0)}× faster`]);
  console.log(`\n2. Embedding cache on the fixture's chunks (${embedder.id})`);
  console.log(table.toString());

  const q = dataset.questions.map((x) => x.question);
  const per: number[] = [];
  for (const text of q) {
    const s = performance.now();
    await embedder.embed([`${text} ${per.length}`]); // uncached: a new text each time
    per.push(performance.now() - s);
  }
  const p = percentiles(per)!;
  console.log(`\n3. Query embedding, one at a time, uncached: p50 ${p.p50.toFixed(2)} ms, p95 ${p.p95.toFixed(2)} ms over ${per.length} questions`);
  rmSync(cacheDir, { recursive: true, force: true });
}

/** Bootstrap statistics on the latest result (the cost every bench pays once). */
async function statistics() {
  const path = 'results/latest.json';
  if (!existsSync(path)) return console.log(`\n4. Statistics: run \`npm run bench\` first (${path} not found)`);
  const r = ResultSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
  const t0 = performance.now();
  computeRunStatistics(r);
  const ms = performance.now() - t0;
  console.log(`\n4. Statistics (bootstrap CIs, paired comparisons, McNemar, oracle) on ${path}: ${r.records.length} records, ${r.pipelines.length} pipelines, ${r.statistics.method.resamples} resamples: ${ms.toFixed(0)} ms`);
}

const only = new Set(process.argv.slice(2).filter((a) => /^\d$/.test(a)));
const want = (n: string) => only.size === 0 || only.has(n);
if (want('1')) await hnswVsExact();
if (want('2') || want('3')) await fixtureStages();
if (want('4')) await statistics();
if (want('5')) await loopbackSideBySide();
if (want('6')) await embeddingFigures();
// 100k chunks and 200k-record results take minutes: only when asked for (`npm run perf -- 7 8`).
if (only.has('7')) await scaleFigures();
if (only.has('8')) await largeResultFigures();
console.log('\nPer-stage latency of a full run (embed, search, generate, time to first token) is in every result JSON: summary.stageLatencyMs.');
