import type { Document } from '../dataset/schema.js';

/** A piece of one document version: what the index stores and the retriever returns. */
export interface Chunk {
  /** `${docId}#${index}` */
  id: string;
  docId: string;
  title: string;
  /** The chunk's words joined by single spaces (line breaks of the source are not kept). */
  text: string;
  /** Absent: valid from the beginning (as on the document). */
  validFrom?: string;
  validTo?: string;
  /** Position of the chunk within its document, from 0. */
  index: number;
}

export interface ChunkingOptions {
  /** Words per chunk at most. */
  chunkSize: number;
  /** Words shared by consecutive chunks of a document. */
  chunkOverlap: number;
}

/**
 * A chunk may end early, at a sentence end, if it still holds at least this share of a full
 * window. Cutting a fact in half costs more recall than a slightly shorter chunk.
 */
const MIN_FILL_AT_SENTENCE_END = 0.8;

/**
 * Splits every document into overlapping word windows. Every word lands in at least one chunk;
 * the output depends only on the input (no randomness, no locale).
 */
export function chunkDocuments(docs: Document[], opts: ChunkingOptions): Chunk[] {
  assertChunkingOptions(opts);
  const seen = new Set<string>();
  const chunks: Chunk[] = [];
  for (const doc of docs) {
    // Chunk ids become the index's label map: a duplicate would make two chunks indistinguishable.
    if (seen.has(doc.id)) throw new Error(`chunkDocuments: duplicate document id "${doc.id}"`);
    seen.add(doc.id);
    const words = doc.text.split(/\s+/).filter((w) => w.length > 0);
    wordWindows(words, opts).forEach(([start, end], index) => {
      const chunk: Chunk = { id: `${doc.id}#${index}`, docId: doc.id, title: doc.title, text: words.slice(start, end).join(' '), index };
      // Leave the keys out rather than storing undefined, so chunks survive a JSON round trip unchanged.
      if (doc.validFrom !== undefined) chunk.validFrom = doc.validFrom;
      if (doc.validTo !== undefined) chunk.validTo = doc.validTo;
      chunks.push(chunk);
    });
  }
  return chunks;
}

/** The text that gets embedded: the title gives short chunks their topic. */
export function chunkEmbeddingText(chunk: Pick<Chunk, 'title' | 'text'>): string {
  return `${chunk.title}\n${chunk.text}`;
}

function assertChunkingOptions({ chunkSize, chunkOverlap }: ChunkingOptions): void {
  if (!Number.isInteger(chunkSize) || chunkSize < 1) throw new Error(`chunkSize must be a positive integer (got ${chunkSize})`);
  if (!Number.isInteger(chunkOverlap) || chunkOverlap < 0) throw new Error(`chunkOverlap must be a non-negative integer (got ${chunkOverlap})`);
  if (chunkOverlap >= chunkSize) {
    throw new Error(`chunkOverlap (${chunkOverlap}) must be smaller than chunkSize (${chunkSize}), or chunking would never advance`);
  }
}

/** Half-open word ranges [start, end) covering all of `words`, consecutive ranges sharing `chunkOverlap` words. */
function wordWindows(words: string[], { chunkSize, chunkOverlap }: ChunkingOptions): Array<[number, number]> {
  const windows: Array<[number, number]> = [];
  if (words.length === 0) return windows;
  let start = 0;
  for (;;) {
    const end = windowEnd(words, start, chunkSize, chunkOverlap);
    windows.push([start, end]);
    if (end >= words.length) return windows;
    start = end - chunkOverlap; // > previous start: windowEnd guarantees end - start > overlap
  }
}

/**
 * End of the window starting at `start`: a full window, pulled back to the last sentence end in
 * its final ~20% when there is one. An early end is only taken if the next window still starts
 * after this one (end - start > overlap), so chunking always makes progress.
 */
function windowEnd(words: string[], start: number, size: number, overlap: number): number {
  const fullEnd = Math.min(start + size, words.length);
  if (fullEnd === words.length) return fullEnd;
  const minEnd = Math.max(start + Math.ceil(size * MIN_FILL_AT_SENTENCE_END), start + overlap + 1);
  for (let end = fullEnd; end >= minEnd; end--) {
    if (endsSentence(words[end - 1], words[end])) return end;
  }
  return fullEnd;
}

const SENTENCE_END = /[.!?]["'”’)\]]*$/;
/** A new sentence starts with a capital letter or a digit, possibly after an opening quote or bracket. */
const SENTENCE_START = /^["'“‘(\[]?[\p{Lu}\p{N}]/u;

/** `word` closes a sentence. Checking the next word keeps "e.g. the" or "approx. five" together. */
function endsSentence(word: string, next: string | undefined): boolean {
  return SENTENCE_END.test(word) && (next === undefined || SENTENCE_START.test(next));
}
