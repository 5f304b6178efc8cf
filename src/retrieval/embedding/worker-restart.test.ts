/**
 * The native onnxruntime addon registers only on its first load in a process: once every worker
 * that loaded it has exited, a new worker could not load it again ("Module did not self-register").
 * A file of its own, so that no inline embedding in this process has loaded it on the main thread.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { EmbeddingWorkerPool } from './backend.js';
import { ensureLocalEmbeddingModel } from './local-model.js';
import { TEST_CORPUS } from './test-corpus.js';
import { createTransformersEmbedder } from './transformers.js';

const root = mkdtempSync(join(tmpdir(), 'ragvft-embed-restart-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

it('an embedding pool whose workers all exited starts new ones that load the model again', async () => {
  const { modelId } = await ensureLocalEmbeddingModel({ texts: [...TEST_CORPUS], dim: 16, localModelPath: root });
  const pool = new EmbeddingWorkerPool(1);
  try {
    const embedder = await createTransformersEmbedder({ modelId, localModelPath: root, allowRemoteModels: false, quantized: false, batchSize: 8, backend: pool });
    const before = await embedder.embed([TEST_CORPUS[0]!]);
    await pool.close(); // every worker gone
    expect(await embedder.embed([TEST_CORPUS[0]!])).toEqual(before);
  } finally {
    await pool.close();
  }
});
