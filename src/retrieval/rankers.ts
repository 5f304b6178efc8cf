import type { Bm25Params } from './bm25.js';
import type { Bm25Index } from './bm25-index.js';
import type { Chunk } from './chunk.js';
import { embedWithSource } from './embedding/cache.js';
import type { Embedder } from './embedding/types.js';
import { reciprocalRankFusion } from './fusion.js';
import { isVisible, type StoreFilter, type StoreIdentity, type VectorStore } from './store/types.js';

/** The one interface every retrieval source offers: a ranked list of eligible chunks. */
export interface Ranker {
  /** Up to `n` chunks visible under `filter` (store/types.ts), best first. */
  rank(query: string, n: number, filter?: StoreFilter): Promise<RankedChunks>;
}

export interface RankedChunks {
  chunks: Chunk[];
  /** Time spent embedding the query; null when nothing was embedded. */
  embedMs: number | null;
  /** The query vector came from the embedding cache (no model ran); null when nothing was embedded. */
  embedCached: boolean | null;
}

/** Nearest chunks by embedding, from any vector store. The embedder must be the one the store was built with. */
export function denseRanker(store: VectorStore, embedder: Embedder, built: Pick<StoreIdentity, 'embeddingModel' | 'dim'>): Ranker {
  if (embedder.id !== built.embeddingModel || embedder.dim !== built.dim) {
    throw new Error(`retriever: embedder ${embedder.id} (dim ${embedder.dim}) does not match the index, built with ${built.embeddingModel} (dim ${built.dim})`);
  }
  return {
    async rank(query, n, filter) {
      const t0 = performance.now();
      const { vectors, cached } = await embedWithSource(embedder, [query]);
      const embedMs = performance.now() - t0;
      if (vectors.length !== 1) throw new Error(`embedder ${embedder.id} returned ${vectors.length} vectors for 1 question`);
      return { chunks: (await store.search(vectors[0]!, n, filter)).map((h) => h.chunk), embedMs, embedCached: cached[0] === true };
    },
  };
}

export function bm25Ranker(index: Bm25Index, params: Bm25Params): Ranker {
  return {
    async rank(query, n, filter) {
      const visible = filter && ((chunk: Chunk) => isVisible(chunk, filter));
      return { chunks: index.search(query, n, { params, filter: visible }).map((h) => h.chunk), embedMs: null, embedCached: null };
    },
  };
}

export interface FusionOptions {
  rrfK: number;
  /** Chunks taken from each list before fusing (at least the `n` asked for). */
  candidates: number;
}

/** Several rankers' lists fused by weighted reciprocal rank fusion (fusion.ts). */
export function fusedRanker(parts: readonly { ranker: Ranker; weight: number }[], opts: FusionOptions): Ranker {
  return {
    async rank(query, n, filter) {
      const depth = Math.max(n, opts.candidates);
      const lists = await Promise.all(parts.map((p) => p.ranker.rank(query, depth, filter)));
      const fused = reciprocalRankFusion(
        lists.map((l, i) => ({ items: l.chunks, weight: parts[i]!.weight })),
        (c) => c.id,
        opts.rrfK,
      );
      const embedded = lists.filter((l) => l.embedMs !== null);
      return {
        chunks: fused.slice(0, n).map((f) => f.item),
        embedMs: embedded.length ? embedded.reduce((a, l) => a + l.embedMs!, 0) : null,
        // Cached only when no part ran a model: then embedMs timed lookups alone.
        embedCached: embedded.length ? embedded.every((l) => l.embedCached === true) : null,
      };
    },
  };
}
