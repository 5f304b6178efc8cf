import { chunkEmbeddingText } from '../chunk.js';
import type { Embedder } from '../embedding/types.js';
import type { RetrievalProgress, RetrievalTask } from '../setup.js';
import { assertFiniteVector } from '../embedding/validate.js';
import type { KeyedChunk, VectorStore } from './types.js';

export interface SyncCounts {
  /** Chunks kept as stored. */
  reused: number;
  /** Chunks embedded and added (their vectors may still come from the embedding cache). */
  embedded: number;
  /** Stored chunks no longer in the corpus, removed. */
  removed: number;
}

export interface SyncOptions {
  /** Texts per embedder.embed call (and per store.add). */
  batchSize: number;
  onProgress?: (done: number, total: number) => void;
}

/**
 * Brings the store to exactly `wanted`: removes the keys it no longer lists, embeds and adds only
 * the new ones (batch by batch, each vector checked before it reaches the store), keeps the rest,
 * and saves when anything changed.
 */
export async function syncStore(store: VectorStore, wanted: readonly KeyedChunk[], embedder: Embedder, opts: SyncOptions): Promise<SyncCounts> {
  const { batchSize } = opts;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batchSize must be a positive integer (got ${batchSize})`);
  const stored = store.keys();
  const wantedKeys = new Set(wanted.map((w) => w.key));
  if (wantedKeys.size !== wanted.length) throw new Error('syncStore: two chunks share a content key');
  const vanished = [...stored].filter((k) => !wantedKeys.has(k));
  const fresh = wanted.filter((w) => !stored.has(w.key));
  if (vanished.length > 0) await store.remove(vanished);
  for (let from = 0; from < fresh.length; from += batchSize) {
    const batch = fresh.slice(from, from + batchSize);
    const vectors = await embedder.embed(batch.map((b) => chunkEmbeddingText(b.chunk)));
    if (!Array.isArray(vectors) || vectors.length !== batch.length) {
      throw new Error(`embedder ${embedder.id} returned ${Array.isArray(vectors) ? vectors.length : 'no'} vectors for ${batch.length} texts`);
    }
    batch.forEach((b, i) => assertFiniteVector(vectors[i], embedder.dim, `embedding of chunk ${b.chunk.id} (${embedder.id})`));
    await store.add(batch, vectors);
    opts.onProgress?.(Math.min(from + batchSize, fresh.length), fresh.length);
  }
  if (vanished.length > 0 || fresh.length > 0) await store.save();
  return { reused: wanted.length - fresh.length, embedded: fresh.length, removed: vanished.length };
}

/** "99,800 reused, 200 embedded, 150 removed". */
export const describeSync = (c: SyncCounts) => [`${count(c.reused)} reused`, `${count(c.embedded)} embedded`, `${count(c.removed)} removed`].join(', ');
const count = (n: number) => n.toLocaleString('en-US');

/** syncStore with the embedding shown as a progress task (count, rate, ETA), started only if anything is embedded. */
export async function syncStoreWithProgress(store: VectorStore, wanted: readonly KeyedChunk[], embedder: Embedder, batchSize: number, progress: Pick<RetrievalProgress, 'start'>, label: string): Promise<SyncCounts> {
  let task: RetrievalTask | undefined;
  let ticked = 0;
  const counts = await syncStore(store, wanted, embedder, {
    batchSize,
    onProgress: (done, total) => {
      task ??= progress.start(label, total);
      for (; ticked < done; ticked++) task.tick();
    },
  });
  task?.done();
  return counts;
}
