/**
 * The native onnxruntime addon registers only on its first load in a process: once every worker
 * that loaded it has exited, a new worker could not load it again ("Module did not self-register").
 * Run in a process of its own: no inline embedding there has loaded the addon on the main thread,
 * and onnxruntime 1.14's teardown after worker restarts can crash a process at exit (a known
 * onnxruntime-node issue with worker threads), which must not take the test runner's worker down.
 * The child prints the two embeddings; the test compares them.
 *
 * Skipped: about one run in three, the child segfaults while the new worker loads the addon again
 * (measured here, Node 20, onnxruntime-node 1.14). A run never restarts its embedding workers (they
 * are not terminated on abort, and the pool closes once, at the end), so the bench is not exposed;
 * a long-lived process that closes and reuses the pool is. Unskip to reproduce.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';

const here = (file: string) => new URL(file, import.meta.url).href;
const dir = mkdtempSync(join(tmpdir(), 'ragvft-embed-restart-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const script = `
import { EmbeddingWorkerPool } from '${here('./backend.ts')}';
import { ensureLocalEmbeddingModel } from '${here('./local-model.ts')}';
import { TEST_CORPUS } from '${here('./test-corpus.ts')}';
import { createTransformersEmbedder } from '${here('./transformers.ts')}';
const root = ${JSON.stringify(join(dir, 'models'))};
const { modelId } = await ensureLocalEmbeddingModel({ texts: [...TEST_CORPUS], dim: 16, localModelPath: root });
const pool = new EmbeddingWorkerPool(1);
const embedder = await createTransformersEmbedder({ modelId, localModelPath: root, allowRemoteModels: false, quantized: false, batchSize: 8, backend: pool });
const before = await embedder.embed([TEST_CORPUS[0]]);
await pool.close(); // every worker gone
const after = await embedder.embed([TEST_CORPUS[0]]);
await pool.close();
process.stdout.write(JSON.stringify({ before: Array.from(before[0]), after: Array.from(after[0]) }) + '\\n');
`;

it.skip('an embedding pool whose workers all exited starts new ones that load the model again', () => {
  const file = join(dir, 'restart.mts');
  writeFileSync(file, script);
  const r = spawnSync(process.execPath, ['--import', 'tsx', file], { encoding: 'utf8', timeout: 100_000 });
  const line = r.stdout.split('\n').find((l) => l.startsWith('{'));
  expect(line, `child printed no embeddings (status ${r.status}, signal ${r.signal}):\n${r.stderr}`).toBeDefined();
  const { before, after } = JSON.parse(line!) as { before: number[]; after: number[] };
  expect(before).toHaveLength(16);
  expect(after).toEqual(before);
});
