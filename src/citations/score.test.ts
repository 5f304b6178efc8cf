import { describe, expect, it } from 'vitest';
import { scoreCitations } from './score.js';

const known = new Set(['a', 'b', 'c', 'd']);

describe('scoreCitations', () => {
  it('precision and recall count gold documents that were shown', () => {
    expect(scoreCitations(['a', 'c'], { shown: ['a', 'c', 'd'], gold: ['a', 'b'], known })).toEqual({ cited: 2, correct: 1, fabricated: 0, notInCorpus: 0, precision: 0.5, recall: 0.5 });
  });

  it('a gold document cited without having been shown is fabricated, not correct', () => {
    expect(scoreCitations(['b'], { shown: ['a'], gold: ['b'], known })).toEqual({ cited: 1, correct: 0, fabricated: 1, notInCorpus: 0, precision: 0, recall: 0 });
  });

  it('invented ids are fabricated and not in the corpus; duplicates count once', () => {
    expect(scoreCitations(['zz-1', 'zz-1', 'a'], { shown: [], gold: ['a'], known })).toEqual({ cited: 2, correct: 0, fabricated: 2, notInCorpus: 1, precision: 0, recall: 0 });
  });

  it('nothing cited: precision null, recall 0; no gold documents: recall null', () => {
    expect(scoreCitations([], { shown: ['a'], gold: ['a'], known })).toMatchObject({ cited: 0, precision: null, recall: 0 });
    expect(scoreCitations(['a'], { shown: ['a'], gold: [], known })).toMatchObject({ precision: 0, recall: null });
  });
});
