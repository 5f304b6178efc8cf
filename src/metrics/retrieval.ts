import { containsSequence } from '../scoring/lenient.js';
import { lenientTokens } from '../scoring/normalize.js';

/** A retrieved chunk as the metrics see it: its document and the text a model is shown. */
export interface RetrievedText {
  docId: string;
  title: string;
  text: string;
}

/**
 * Recall of the gold documents among the retrieved ones, reciprocal rank of the first hit, and
 * chunk recall: whether a retrieved chunk of a gold document holds a gold alias (null without gold
 * answers). A document hit whose answer chunk was missed shows as recall 1 with chunkRecall false.
 * Null without gold documents.
 */
export function scoreRetrieval(
  gold: { sourceDocIds: readonly string[]; answers: readonly string[] },
  retrievedDocIds: readonly string[],
  /** Null when the pipeline reported document ids only (a custom pipeline): chunk recall is then unknown. */
  chunks: readonly RetrievedText[] | null,
): { recall: number; reciprocalRank: number; chunkRecall: boolean | null } | null {
  if (gold.sourceDocIds.length === 0) return null;
  const docs = new Set(gold.sourceDocIds);
  const hits = retrievedDocIds.filter((id) => docs.has(id));
  const first = retrievedDocIds.findIndex((id) => docs.has(id));
  return {
    recall: new Set(hits).size / docs.size,
    reciprocalRank: first === -1 ? 0 : 1 / (first + 1),
    chunkRecall: chunks ? answerInChunks(gold.answers, chunks.filter((c) => docs.has(c.docId))) : null,
  };
}

/**
 * Whether a gold alias appears in some retrieved chunk (title or text), with the lenient scorer's
 * normalization (accents, number and date forms, articles: normalize.ts) and whole-token
 * matching; null for a question without gold answers (unanswerable). Each chunk is matched on its
 * own: words that meet only across two passages are not an answer in context.
 */
export function answerInChunks(answers: readonly string[], chunks: readonly RetrievedText[]): boolean | null {
  const aliases = answers.map(lenientTokens).filter((a) => a.length > 0);
  if (aliases.length === 0) return null;
  return chunks.some((c) => {
    const tokens = chunkTokens(`${c.title}\n${c.text}`);
    return aliases.some((a) => containsSequence(tokens, a));
  });
}

/**
 * Lenient tokens of a chunk, memoized: the same chunks come back for many questions and for every
 * pipeline with retrieval, and normalizing one costs about 0.4 ms on the main thread.
 */
const TOKEN_CACHE_MAX = 20_000;
const tokenCache = new Map<string, string[]>();
function chunkTokens(text: string): string[] {
  let tokens = tokenCache.get(text);
  if (!tokens) {
    if (tokenCache.size >= TOKEN_CACHE_MAX) tokenCache.clear();
    tokens = lenientTokens(text);
    tokenCache.set(text, tokens);
  }
  return tokens;
}
