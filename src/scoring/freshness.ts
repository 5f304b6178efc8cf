/**
 * Freshness label for questions about changed (`updated`) or post-cutoff (`new`) facts.
 *
 * Why separate labels: a model that says the pre-update value ("stale") has a different
 * problem (outdated knowledge) from one that abstains ("missing") or invents ("wrong"), and
 * the benchmark exists to tell those apart. A `new` fact has no earlier value, so a `new`
 * question is never `stale`. Static and unanswerable questions carry no label (null).
 */

export type QuestionCategory = 'static' | 'updated' | 'new' | 'unanswerable';
export type FreshnessLabel = 'current' | 'stale' | 'missing' | 'wrong' | 'error';

export interface FreshnessInput {
  /** The model call failed (including empty output). */
  error: boolean;
  abstained: boolean;
  /** Correct under the primary scorer (lenient by default). */
  correct: boolean;
  matchesStale: boolean;
}

export function freshnessLabel(category: QuestionCategory, o: FreshnessInput): FreshnessLabel | null {
  if (category !== 'updated' && category !== 'new') return null;
  if (o.error) return 'error';
  if (o.correct) return 'current';
  if (category === 'updated' && o.matchesStale) return 'stale';
  if (o.abstained) return 'missing';
  return 'wrong';
}
