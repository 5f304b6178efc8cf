import { estimateTokens } from '../pipelines/context-budget.js';
import type { CorpusTimeline } from '../results/schema.js';
import { type ChunkingOptions, chunkDocuments } from '../retrieval/chunk.js';
import { isValidOn } from '../dataset/load.js';
import type { Document } from '../dataset/schema.js';

function slice(docs: Document[], chunking: ChunkingOptions) {
  return { documents: docs.length, tokens: docs.reduce((a, d) => a + estimateTokens(`${d.title}\n${d.text}`), 0), chunks: chunkDocuments(docs, chunking).length };
}

/**
 * What keeping a system current involves, from the corpus history: the versions a fine-tune at
 * the cutoff was trained on, and each later version by the day it became true (what a RAG index
 * must re-embed and a fine-tune must learn). Null without a training cutoff.
 */
export function corpusTimeline(documents: readonly Document[], trainingCutoff: string | undefined, chunking: ChunkingOptions): CorpusTimeline | null {
  if (trainingCutoff === undefined) return null;
  const byDate = new Map<string, Document[]>();
  for (const d of documents) {
    if (d.validFrom === undefined || d.validFrom <= trainingCutoff) continue;
    byDate.set(d.validFrom, [...(byDate.get(d.validFrom) ?? []), d]);
  }
  return {
    atCutoff: slice(documents.filter((d) => isValidOn(d, trainingCutoff)), chunking),
    changes: [...byDate.keys()].sort().map((date) => ({ date, ...slice(byDate.get(date)!, chunking) })),
  };
}
