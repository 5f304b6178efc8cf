/**
 * Section 6 of `npm run perf`: local embeddings in a run.
 *  a. rag vs hybrid query-embedding p50 on the default config's fixture, cold (fresh cache) and
 *     warm, embedding workers and inline: over every record (what stageLatencyMs.embed reported
 *     before cache hits were marked) and over the computed embeddings only (what it reports now).
 *  b. Event-loop lag while the fixture's chunks are embedded (index build, and one big batch),
 *     embedding workers vs inline (RAGVFT_LOCAL_WORKERS=0): the longest stall of a 1 ms timer,
 *     also as a share of the embedding's duration.
 * Figures only, never asserted.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config/load.js';
import { loadDataset } from '../dataset/load.js';
import { percentiles } from '../metrics/percentiles.js';
import { summarize } from '../metrics/summarize.js';
import { closeLocalWorkers, createLocalProvider, defaultPoolSize } from '../models/local/index.js';
import { createModelRegistry } from '../models/registry.js';
import { runPipelines } from '../pipelines/run.js';
import { terminalTable } from '../report/terminal-table.js';
import { chunkDocuments, chunkEmbeddingText } from '../retrieval/chunk.js';
import { createEmbeddingBackend } from '../retrieval/embedding/backend.js';
import { ensureLocalEmbeddingModel } from '../retrieval/embedding/local-model.js';
import { createTransformersEmbedder } from '../retrieval/embedding/transformers.js';
import { buildRetriever } from '../retrieval/setup.js';
import { createProgress } from '../run/progress.js';
import { createAbstentionDetector } from '../scoring/abstention.js';
import { measureStall } from '../util/event-loop.js';

const quiet = createProgress(process.stderr, true);
const ms = (x: number | null | undefined) => (x === null || x === undefined ? '–' : x.toFixed(3));

/** rag then hybrid over the fixture, cold then warm, with the shared pools sized by RAGVFT_LOCAL_WORKERS=`workers`. */
async function runsWith(workers: string, table: ReturnType<typeof terminalTable>) {
  const { config, datasetPath } = await loadConfig();
  const dataset = await loadDataset(datasetPath);
  const cfg = { ...config, cacheDir: mkdtempSync(join(tmpdir(), 'ragvft-perf-embed-runs-')) };
  const saved = process.env.RAGVFT_LOCAL_WORKERS;
  process.env.RAGVFT_LOCAL_WORKERS = workers;
  await closeLocalWorkers(); // the shared pools start again with this size
  try {
    const reader = createLocalProvider().languageModel('reader');
    const registry = createModelRegistry({ providers: {}, localFinetunes: {}, refs: [] });
    for (const label of ['cold', 'warm']) {
      const { retriever } = await buildRetriever(cfg, dataset, quiet, registry);
      const retrieve = retriever.retrieve;
      const records = await runPipelines({
        pipelines: ['rag', 'hybrid'].map((name) => ({ name, modelRef: 'local:reader', model: reader, retrieve, price: null })),
        questions: dataset.questions,
        config: cfg,
        scoring: { primary: 'lenient', isAbstention: createAbstentionDetector() },
      });
      for (const name of ['rag', 'hybrid']) {
        const rs = records.filter((r) => r.pipeline === name);
        const s = summarize(rs, { k: cfg.retrieval.k, cost: { fineTuningUsd: 0, fineTuningSeconds: 0, queryVolume: 1 } });
        const all = percentiles(rs.map((r) => r.latencyMs.embed).filter((x): x is number => x !== null));
        table.push([workers === '0' ? 'inline' : `${workers} worker`, label, name, rs.length - s.cachedEmbeddings, s.cachedEmbeddings, ms(all?.p50), ms(s.stageLatencyMs.embed?.p50)]);
      }
    }
    return { questions: dataset.questions.length, concurrency: cfg.concurrency, model: cfg.embedding.model };
  } finally {
    if (saved === undefined) delete process.env.RAGVFT_LOCAL_WORKERS;
    else process.env.RAGVFT_LOCAL_WORKERS = saved;
    await closeLocalWorkers();
    rmSync(cfg.cacheDir, { recursive: true, force: true });
  }
}

export async function embeddingFigures(): Promise<void> {
  const runs = terminalTable(['embedding', 'run', 'pipeline', 'computed', 'from cache', 'embed p50 ms: all records', 'computed only']);
  await runsWith(String(defaultPoolSize() || 1), runs);
  const about = await runsWith('0', runs);
  console.log(`\n6a. Query embeddings in a run: ${about.questions} questions, rag then hybrid (same questions), concurrency ${about.concurrency}, ${about.model}`);
  console.log(runs.toString());
  console.log('    "all records" times cache lookups as if they were the model; "computed only" is summary.stageLatencyMs.embed.');
  console.log('    In workers, a query waits for the embedding thread (queued behind other questions, thread hand-offs).');

  const { config, datasetPath } = await loadConfig();
  const dataset = await loadDataset(datasetPath);
  const cacheDir = mkdtempSync(join(tmpdir(), 'ragvft-perf-embed-'));
  const cfg = { ...config, cacheDir };
  try {
    const texts = chunkDocuments(dataset.documents, cfg.retrieval).map(chunkEmbeddingText);
    const localModelPath = join(cacheDir, 'models');
    const { modelId } = await ensureLocalEmbeddingModel({ texts: dataset.documents.map((d) => `${d.title}\n${d.text}`), dim: cfg.embedding.dim, localModelPath });
    const lag = terminalTable(['embedding', 'where', 'ms', 'max event-loop lag ms', 'lag / duration']);
    for (const [what, batchSize] of [[`index build, batches of ${cfg.embedding.batchSize}`, cfg.embedding.batchSize], ['one batch', texts.length]] as const) {
      for (const size of [defaultPoolSize() || 1, 0]) {
        const backend = createEmbeddingBackend(size);
        try {
          const embedder = await createTransformersEmbedder({ modelId, localModelPath, allowRemoteModels: false, quantized: false, batchSize, backend });
          await embedder.embed(texts.slice(0, 50)); // warm-up: model loaded in the worker, JIT
          const { elapsedMs, longestStallMs } = await measureStall(() => embedder.embed(texts));
          const where = size === 0 ? 'inline' : `${size} worker${size > 1 ? 's' : ''}`;
          lag.push([`${texts.length} chunks, ${what}`, where, elapsedMs.toFixed(0), longestStallMs.toFixed(1), (longestStallMs / elapsedMs).toFixed(2)]);
        } finally {
          await backend.close();
        }
      }
    }
    console.log('\n6b. Event-loop lag while embedding (the longest gap between ticks of a 1 ms timer): embedding workers vs inline');
    console.log(lag.toString());
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
}
