import { describe, expect, it } from 'vitest';
import type { Question } from '../dataset/schema.js';
import { scoreAnswer, scoreRetrieval } from './score.js';

const q = (over: Partial<Question>): Question => ({ id: 'q1', question: 'Who is mayor of Orsk?', answers: ['Mira Tull'], asOf: '2031-01-01', category: 'static', sourceDocIds: ['d1'], ...over });

describe('scoreAnswer', () => {
  it('scores answerable questions with EM and F1', () => {
    expect(scoreAnswer(q({}), 'Mira Tull')).toEqual({ abstained: false, exactMatch: 1, f1: 1, freshness: null });
    expect(scoreAnswer(q({}), "I don't know")).toEqual({ abstained: true, exactMatch: 0, f1: 0, freshness: null });
  });
  it('abstaining is the correct answer to an unanswerable question', () => {
    const u = q({ category: 'unanswerable', answers: [], sourceDocIds: [] });
    expect(scoreAnswer(u, "I don't know")).toMatchObject({ exactMatch: 1, f1: 1, abstained: true });
    expect(scoreAnswer(u, 'Mira Tull')).toMatchObject({ exactMatch: 0, f1: 0, abstained: false });
  });
  it('updated: current, stale or missing', () => {
    const u = q({ category: 'updated', answers: ['Osric Vell'], staleAnswers: ['Mira Tull'] });
    expect(scoreAnswer(u, 'Osric Vell').freshness).toBe('current');
    expect(scoreAnswer(u, 'Mira Tull').freshness).toBe('stale');
    expect(scoreAnswer(u, 'Tull').freshness).toBe('stale');
    expect(scoreAnswer(u, "I don't know").freshness).toBe('missing');
    expect(scoreAnswer(u, 'Someone Else').freshness).toBe('missing');
  });
  it('new: current or missing (there is no stale value)', () => {
    const n = q({ category: 'new', answers: ['Kestrel Yard'] });
    expect(scoreAnswer(n, 'Kestrel Yard').freshness).toBe('current');
    expect(scoreAnswer(n, "I don't know").freshness).toBe('missing');
  });
  it('a null answer (failed call) scores zero', () => {
    expect(scoreAnswer(q({}), null)).toMatchObject({ exactMatch: 0, f1: 0 });
  });
});

describe('scoreRetrieval', () => {
  it('recall of gold docs and reciprocal rank of the first hit', () => {
    expect(scoreRetrieval(['a'], ['x', 'a', 'y'])).toEqual({ recall: 1, reciprocalRank: 0.5 });
    expect(scoreRetrieval(['a', 'b'], ['b', 'x'])).toEqual({ recall: 0.5, reciprocalRank: 1 });
    expect(scoreRetrieval(['a'], ['x'])).toEqual({ recall: 0, reciprocalRank: 0 });
    expect(scoreRetrieval([], ['x'])).toBeNull();
  });
});
