/**
 * Scores one answer under both scorers.
 *
 * - Unanswerable questions (SQuAD 2.0 convention): abstaining is the right answer, so an
 *   abstention scores strict EM = F1 = 1 and lenient correct; anything else scores 0 / false.
 * - Answerable questions: an abstention scores 0 / false (it is `missing`, see freshness.ts).
 *   Otherwise strict = official SQuAD v1.1 EM/F1 on the raw answer, max over aliases (kept
 *   unchanged so it stays comparable with published numbers); lenient = lenientJudgement,
 *   with the stale answers only for `updated` questions (a `new` fact has no stale value).
 */
import type { QuestionCategory } from './freshness.js';
import { lenientJudgement } from './lenient.js';
import { exactMatch, maxOverAliases, tokenF1 } from './strict.js';

export interface ScorableQuestion {
  question: string;
  category: QuestionCategory;
  answers: readonly string[];
  staleAnswers?: readonly string[];
}

export interface AnswerScores {
  abstained: boolean;
  strict: { exactMatch: number; f1: number };
  lenient: { correct: boolean; matchesStale: boolean };
}

export function scoreAnswer(q: ScorableQuestion, answer: string, isAbstention: (a: string) => boolean): AnswerScores {
  const abstained = isAbstention(answer);
  if (q.category === 'unanswerable' || abstained) {
    const ok = q.category === 'unanswerable' && abstained;
    return { abstained, strict: { exactMatch: ok ? 1 : 0, f1: ok ? 1 : 0 }, lenient: { correct: ok, matchesStale: false } };
  }
  const judgement = lenientJudgement(answer, q.answers, {
    stale: q.category === 'updated' ? q.staleAnswers : undefined,
    question: q.question,
  });
  return {
    abstained,
    strict: { exactMatch: maxOverAliases(exactMatch, answer, q.answers), f1: maxOverAliases(tokenF1, answer, q.answers) },
    lenient: { correct: judgement.correct, matchesStale: judgement.matchesStale },
  };
}
