// Per-answer scoring: strict (official SQuAD v1.1), lenient (free-form answers), refusals, freshness.
export { createAbstentionDetector, DEFAULT_ABSTENTION_PATTERNS, normalizeForAbstention, type AbstentionPattern } from './abstention.js';
export { freshnessLabel, type FreshnessInput, type FreshnessLabel, type QuestionCategory } from './freshness.js';
export { containsSequence, lenientJudgement, stripLeadIn, type LenientJudgement, type LenientOptions } from './lenient.js';
export { lenientTokens } from './normalize.js';
export { scoreAnswer, type AnswerScores, type ScorableQuestion } from './score.js';
export { exactMatch, maxOverAliases, normalizeAnswer, tokenF1 } from './strict.js';
