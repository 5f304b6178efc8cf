import { describe, expect, it } from 'vitest';
import { scoreRetrieval } from './retrieval.js';

describe('scoreRetrieval', () => {
  it('recall of gold docs and reciprocal rank of the first hit', () => {
    expect(scoreRetrieval(['a'], ['x', 'a', 'y'])).toEqual({ recall: 1, reciprocalRank: 0.5 });
    expect(scoreRetrieval(['a', 'b'], ['b', 'x'])).toEqual({ recall: 0.5, reciprocalRank: 1 });
    expect(scoreRetrieval(['a'], ['x'])).toEqual({ recall: 0, reciprocalRank: 0 });
    expect(scoreRetrieval([], ['x'])).toBeNull();
  });
});
