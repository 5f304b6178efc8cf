import { describe, expect, it } from 'vitest';
import { createAbstentionDetector } from './abstention.js';
import { scoreAnswer, type ScorableQuestion } from './score.js';

const isAbstention = createAbstentionDetector();
const updated: ScorableQuestion = { question: 'Who runs the ferry?', category: 'updated', answers: ['Krecia Kafusfem'], staleAnswers: ['Odo Brant'] };

describe('scoreAnswer', () => {
  it('credits abstention on unanswerable questions (SQuAD 2.0)', () => {
    const q: ScorableQuestion = { question: 'Who was the first mayor?', category: 'unanswerable', answers: [] };
    expect(scoreAnswer(q, "I don't know", isAbstention)).toEqual({
      abstained: true,
      strict: { exactMatch: 1, f1: 1 },
      lenient: { correct: true, matchesStale: false },
    });
    expect(scoreAnswer(q, 'Odo Brant', isAbstention)).toEqual({
      abstained: false,
      strict: { exactMatch: 0, f1: 0 },
      lenient: { correct: false, matchesStale: false },
    });
  });
  it('scores an abstention on an answerable question as 0 / false', () => {
    expect(scoreAnswer(updated, 'Unknown', isAbstention)).toEqual({
      abstained: true,
      strict: { exactMatch: 0, f1: 0 },
      lenient: { correct: false, matchesStale: false },
    });
  });
  it('uses stale answers for updated questions only', () => {
    expect(scoreAnswer(updated, 'Odo Brant', isAbstention).lenient).toEqual({ correct: false, matchesStale: true });
    const asNew: ScorableQuestion = { ...updated, category: 'new' };
    expect(scoreAnswer(asNew, 'Odo Brant', isAbstention).lenient).toEqual({ correct: false, matchesStale: false });
  });
  it('keeps strict scoring on the raw answer', () => {
    const s = scoreAnswer(updated, 'The answer is Krecia Kafusfem.', isAbstention);
    expect(s.strict.exactMatch).toBe(0);
    expect(s.strict.f1).toBeCloseTo(2 / 3);
    expect(s.lenient.correct).toBe(true);
  });
  it('does not treat empty output as an abstention (the caller reports an `empty` error)', () => {
    expect(scoreAnswer(updated, '', isAbstention)).toEqual({
      abstained: false,
      strict: { exactMatch: 0, f1: 0 },
      lenient: { correct: false, matchesStale: false },
    });
  });
  it('passes the question to the hedge check', () => {
    const q: ScorableQuestion = { question: 'How long did the 2019 race take, 2 or 3 hours?', category: 'static', answers: ['2 hours'] };
    // "3" is in the question, so it is no second candidate of the answer's.
    expect(scoreAnswer(q, 'It took 2 hours, not 3.', isAbstention).lenient.correct).toBe(true);
    expect(scoreAnswer({ ...q, question: 'How long did the race take?' }, 'It took 2 hours, not 3.', isAbstention).lenient.correct).toBe(false);
  });
});
