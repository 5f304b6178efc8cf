import { performance } from 'node:perf_hooks';
import { IsoDate } from '../dataset/schema.js';
import type { Chunk } from './chunk.js';
import type { Ranker } from './rankers.js';

export interface RetrieverOptions {
  /** Any retrieval source (rankers.ts): dense, BM25 or a fusion of them. */
  ranker: Ranker;
  k: number;
  /** Only chunks of document versions valid on the question's asOf date are eligible. */
  temporalFilter: boolean;
}

export interface Retrieval {
  /** Best first. */
  chunks: Chunk[];
  /** Documents of `chunks`, each once, in rank order. */
  docIds: string[];
  /** embedMs is null when the query was not embedded (BM25); `embedCached`: the vector came from the embedding cache, so `embedMs` timed no model (null: nothing embedded). */
  timings: { embedMs: number | null; searchMs: number; embedCached: boolean | null };
}

/** Which chunks a question may retrieve, pushed into every search (never a post-filter of the top k). */
export interface SearchFilter {
  /** The question's date; null: no date, every version is eligible. */
  asOf: string | null;
  /** The asker's groups: only chunks of documents they may read (dataset/access.ts). Absent: all. */
  groups?: readonly string[];
}

export interface Retriever {
  retrieve(question: string, filter: SearchFilter): Promise<Retrieval>;
}

export function createRetriever({ ranker, k, temporalFilter }: RetrieverOptions): Retriever {
  if (!Number.isInteger(k) || k < 1) throw new Error(`k must be a positive integer (got ${k})`);
  return {
    async retrieve(question, { asOf, groups }) {
      // isValidOn compares strings, which is only right for real YYYY-MM-DD dates.
      const byDate = temporalFilter && asOf !== null;
      if (byDate && !IsoDate.safeParse(asOf).success) throw new Error(`retriever: asOf must be a date YYYY-MM-DD (got "${asOf}")`);
      // The date drops superseded and not-yet-valid versions, so an old fact cannot answer a current
      // question; the groups drop what the asker may not read. Access is enforced whatever temporalFilter says.
      const filter = byDate || groups !== undefined ? { ...(byDate ? { asOf } : {}), ...(groups !== undefined ? { groups } : {}) } : undefined;
      const t0 = performance.now();
      const { chunks, embedMs, embedCached } = await ranker.rank(question, k, filter);
      const totalMs = performance.now() - t0;
      return { chunks, docIds: [...new Set(chunks.map((c) => c.docId))], timings: { embedMs, searchMs: Math.max(0, totalMs - (embedMs ?? 0)), embedCached } };
    },
  };
}
