/**
 * Local embeddings compute in worker threads (backend.ts): the caller's event loop keeps running
 * while a large batch is embedded, and the vectors are the very ones computed inline
 * (RAGVFT_LOCAL_WORKERS=0).
 *
 * One pool serves the whole file and closes once, at the end, as in a bench: a pool whose
 * workers all exited and that starts new ones re-loads onnxruntime 1.14, which crashes the
 * process about one time in three (see worker-restart.test.ts, skipped for that reason).
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measureStall } from '../../util/event-loop.js';
import { createEmbeddingBackend, EmbeddingWorkerPool } from './backend.js';
import { ensureLocalEmbeddingModel } from './local-model.js';
import { TEST_CORPUS } from './test-corpus.js';
import { createTransformersEmbedder, type TransformersEmbedderOptions } from './transformers.js';

let root: string;
let modelId: string;
let pool: EmbeddingWorkerPool;
/** Many distinct texts, embedded as one batch: long enough to stall an event loop it runs on. */
const big = Array.from({ length: 1500 }, (_, i) => `${TEST_CORPUS[i % TEST_CORPUS.length]} (copy ${i}) ${TEST_CORPUS[(i * 7) % TEST_CORPUS.length]}`);

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'ragvft-embed-workers-'));
  modelId = (await ensureLocalEmbeddingModel({ texts: [...TEST_CORPUS], dim: 32, localModelPath: root, seed: 1 })).modelId;
  pool = new EmbeddingWorkerPool(2);
});
afterAll(async () => {
  await pool.close();
  rmSync(root, { recursive: true, force: true });
});

const open = (backend: TransformersEmbedderOptions['backend'], batchSize = big.length) =>
  createTransformersEmbedder({ modelId, localModelPath: root, allowRemoteModels: false, quantized: false, batchSize, backend });

/** The longest event-loop stall while `big` is embedded, as a share of the embedding's duration. */
async function longestStall(embed: (texts: string[]) => Promise<unknown>): Promise<number> {
  const { elapsedMs, longestStallMs } = await measureStall(() => embed(big));
  return longestStallMs / elapsedMs;
}

describe('local embeddings in worker threads', () => {
  it('the event loop keeps running while a large batch is embedded (inline it stalls)', async () => {
    const inline = createEmbeddingBackend(0);
    try {
      const [inWorker, onThread] = await Promise.all([open(pool), open(inline)]);
      const workerStall = await longestStall(inWorker.embed);
      const inlineStall = await longestStall(onThread.embed);
      // Inline, the batch holds the thread for most of its duration; in a worker, no gap comes near.
      expect(inlineStall).toBeGreaterThan(0.5);
      expect(workerStall).toBeLessThan(0.25);
    } finally {
      await inline.close();
    }
  });

  it('gives the vectors computed inline, split into batches across workers or not', async () => {
    const texts = big.slice(0, 300);
    const inline = await (await open(createEmbeddingBackend(0), 300)).embed(texts);
    const split = await open(pool, 16);
    expect(await split.embed(texts)).toEqual(inline);
    expect(pool.stats()).toMatchObject({ workers: 2, running: 0, queued: 0 });
    expect(split.id).toBe((await open(createEmbeddingBackend(0))).id);
  });

  it('a model that fails to load fails the embedder, with the same message as inline', async () => {
    // A model folder without its tokenizer.
    cpSync(join(root, modelId), join(root, 'acme', 'broken'), { recursive: true });
    rmSync(join(root, 'acme', 'broken', 'tokenizer.json'));
    const broken = { modelId: 'acme/broken', localModelPath: root, allowRemoteModels: false, quantized: false, batchSize: 8 };
    const inWorker = createTransformersEmbedder({ ...broken, backend: pool }).catch((e: Error) => e.message);
    const inline = createTransformersEmbedder({ ...broken, backend: createEmbeddingBackend(0) }).catch((e: Error) => e.message);
    const [a, b] = await Promise.all([inWorker, inline]);
    expect(a).toMatch(/^Cannot load embedding model "acme\/broken"/);
    expect(a).toBe(b);
  });
});
