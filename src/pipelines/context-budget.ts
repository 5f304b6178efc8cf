import type { Chunk } from '../retrieval/chunk.js';

/**
 * Tokens of a text as a model's tokenizer would roughly count them: English averages about 4/3
 * tokens per word. An estimate (the tokenizer of a remote model is not known here), so a budget
 * should keep some headroom below the real window.
 */
export function estimateTokens(text: string): number {
  const words = text.split(/\s+/).filter(Boolean).length;
  return Math.ceil((words * 4) / 3);
}

/**
 * The retrieved chunks that fit `maxTokens`, best-ranked first: whole chunks while they fit, and
 * the first chunk cut to the budget if even it does not, so a RAG prompt fits a model's window
 * instead of failing with `context-length` on every question.
 */
export function fitContext(chunks: readonly Chunk[], maxTokens: number): Chunk[] {
  const out: Chunk[] = [];
  let used = 0;
  for (const c of chunks) {
    const t = estimateTokens(c.text);
    if (used + t <= maxTokens) {
      out.push(c);
      used += t;
    } else {
      if (out.length === 0) out.push({ ...c, text: c.text.split(/\s+/).filter(Boolean).slice(0, Math.floor((maxTokens * 3) / 4)).join(' ') });
      break;
    }
  }
  return out;
}
