/**
 * Scores an answer's citations against the question's gold `sourceDocIds` and the documents the
 * model was shown. A cited id that was not in the prompt's context is **fabricated**, whether it
 * names a real corpus document (memorized, or guessed) or nothing at all (`notInCorpus`): the
 * model cannot have read it there. A fabricated citation never counts as correct, even when it
 * names a gold document, so a model without retrieval can only score 0.
 */
import type { CitationScore } from '../results/schema.js';

export interface CitationFacts {
  /** Ids shown in the context. */
  shown: readonly string[];
  /** The question's gold source documents (empty for unanswerable questions). */
  gold: readonly string[];
  /** Every corpus document id. */
  known: ReadonlySet<string>;
}

export function scoreCitations(citations: readonly string[], f: CitationFacts): CitationScore {
  const shown = new Set(f.shown);
  const gold = new Set(f.gold);
  const cited = [...new Set(citations)];
  const fabricated = cited.filter((id) => !shown.has(id));
  const correct = cited.filter((id) => shown.has(id) && gold.has(id)).length;
  return {
    cited: cited.length,
    correct,
    fabricated: fabricated.length,
    notInCorpus: fabricated.filter((id) => !f.known.has(id)).length,
    precision: cited.length === 0 ? null : correct / cited.length,
    recall: gold.size === 0 ? null : correct / gold.size,
  };
}
