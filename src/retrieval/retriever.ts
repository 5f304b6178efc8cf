import { performance } from 'node:perf_hooks';
import { isValidOn } from '../dataset/load.js';
import { IsoDate } from '../dataset/schema.js';
import type { Chunk } from './chunk.js';
import { embedWithSource } from './embedding/cache.js';
import type { Embedder } from './embedding/types.js';
import type { VectorIndex } from './hnsw-index.js';

export interface RetrieverOptions {
  index: VectorIndex;
  /** Must be the model the index was built with: other vectors live in another space. */
  embedder: Embedder;
  k: number;
  efSearch: number;
  /** Only chunks of document versions valid on the question's asOf date are eligible. */
  temporalFilter: boolean;
}

export interface Retrieval {
  /** Best first. */
  chunks: Chunk[];
  /** Documents of `chunks`, each once, in rank order. */
  docIds: string[];
  /** `embedCached`: the query vector was not computed for this call (embedding cache), so `embedMs` timed no model. */
  timings: { embedMs: number; searchMs: number; embedCached: boolean };
}

export interface Retriever {
  /** `asOf` null: the question has no date, so every version is eligible. */
  retrieve(question: string, asOf: string | null): Promise<Retrieval>;
}

export function createRetriever(opts: RetrieverOptions): Retriever {
  const { index, embedder, k, efSearch, temporalFilter } = opts;
  if (embedder.id !== index.manifest.embeddingModel || embedder.dim !== index.manifest.dim) {
    throw new Error(
      `retriever: embedder ${embedder.id} (dim ${embedder.dim}) does not match the index, built with ${index.manifest.embeddingModel} (dim ${index.manifest.dim})`,
    );
  }
  return {
    async retrieve(question, asOf) {
      // isValidOn compares strings, which is only right for real YYYY-MM-DD dates.
      const byDate = temporalFilter && asOf !== null;
      if (byDate && !IsoDate.safeParse(asOf).success) throw new Error(`retriever: asOf must be a date YYYY-MM-DD (got "${asOf}")`);

      const t0 = performance.now();
      const { vectors, cached } = await embedWithSource(embedder, [question]);
      const t1 = performance.now();
      if (vectors.length !== 1) throw new Error(`embedder ${embedder.id} returned ${vectors.length} vectors for 1 question`);

      // The filter drops superseded and not-yet-valid versions, so an old fact cannot answer a current question.
      const filter = byDate ? (chunk: Chunk) => isValidOn(chunk, asOf) : undefined;
      const hits = index.search(vectors[0], k, { efSearch, filter });
      const t2 = performance.now();

      const chunks = hits.map((h) => h.chunk);
      return { chunks, docIds: [...new Set(chunks.map((c) => c.docId))], timings: { embedMs: t1 - t0, searchMs: t2 - t1, embedCached: cached[0] === true } };
    },
  };
}
