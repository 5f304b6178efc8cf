import type { Question } from '../dataset/schema.js';
import type { Freshness } from '../results/schema.js';
import { exactMatch, isAbstention, maxOverAliases, tokenF1 } from './squad.js';

export interface AnswerScore {
  abstained: boolean;
  exactMatch: number;
  f1: number;
  freshness: Freshness | null;
}

// A stale answer is one that matches what was true before the update better than what is true
// now, and matches it well (F1 >= 0.5, so a shared stopword is not "stale").
const STALE_F1 = 0.5;

/**
 * Scores one answer. Unanswerable questions: abstaining is the correct answer (EM = F1 = 1).
 * Freshness (updated/new questions only): `current` when right, `stale` when it says the
 * pre-update value, `missing` for an abstention or any other miss on post-cutoff knowledge.
 */
export function scoreAnswer(q: Question, answer: string | null): AnswerScore {
  const abstained = answer === null || isAbstention(answer);
  if (q.category === 'unanswerable') {
    const ok = abstained ? 1 : 0;
    return { abstained, exactMatch: ok, f1: ok, freshness: null };
  }
  const em = abstained ? 0 : maxOverAliases(exactMatch, answer!, q.answers);
  const f1 = abstained ? 0 : maxOverAliases(tokenF1, answer!, q.answers);
  let freshness: Freshness | null = null;
  if (q.category === 'updated' || q.category === 'new') {
    const staleF1 = abstained || !q.staleAnswers ? 0 : maxOverAliases(tokenF1, answer!, q.staleAnswers);
    if (em === 1 || (f1 >= STALE_F1 && f1 >= staleF1)) freshness = 'current';
    else if (staleF1 >= STALE_F1 && staleF1 > f1) freshness = 'stale';
    else freshness = 'missing';
  }
  return { abstained, exactMatch: em, f1, freshness };
}

/** Recall of the gold documents among the retrieved ones, and reciprocal rank of the first hit. */
export function scoreRetrieval(goldDocIds: readonly string[], retrievedDocIds: readonly string[]): { recall: number; reciprocalRank: number } | null {
  if (goldDocIds.length === 0) return null;
  const gold = new Set(goldDocIds);
  const hits = retrievedDocIds.filter((id) => gold.has(id));
  const first = retrievedDocIds.findIndex((id) => gold.has(id));
  return { recall: new Set(hits).size / gold.size, reciprocalRank: first === -1 ? 0 : 1 / (first + 1) };
}
