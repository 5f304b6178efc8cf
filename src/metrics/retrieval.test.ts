import { describe, expect, it } from 'vitest';
import { answerInChunks, scoreRetrieval } from './retrieval.js';

const chunk = (docId: string, text: string, title = `title of ${docId}`) => ({ docId, title, text });

describe('scoreRetrieval', () => {
  const none = { answers: ['zzz'] };
  it('recall of gold docs and reciprocal rank of the first hit', () => {
    expect(scoreRetrieval({ ...none, sourceDocIds: ['a'] }, ['x', 'a', 'y'], [])).toMatchObject({ recall: 1, reciprocalRank: 0.5 });
    expect(scoreRetrieval({ ...none, sourceDocIds: ['a', 'b'] }, ['b', 'x'], [])).toMatchObject({ recall: 0.5, reciprocalRank: 1 });
    expect(scoreRetrieval({ ...none, sourceDocIds: ['a'] }, ['x'], [])).toMatchObject({ recall: 0, reciprocalRank: 0 });
    expect(scoreRetrieval({ answers: [], sourceDocIds: [] }, ['x'], [])).toBeNull();
  });

  it('chunk recall: a gold document hit whose retrieved chunk misses the answer is recall 1 but chunk recall false', () => {
    const gold = { sourceDocIds: ['a'], answers: ['Osric Vell'] };
    const missed = scoreRetrieval(gold, ['a'], [chunk('a', 'Orsk lies on the river.')]);
    expect(missed).toEqual({ recall: 1, reciprocalRank: 1, chunkRecall: false });
    expect(scoreRetrieval(gold, ['a'], [chunk('a', 'Orsk lies on the river.'), chunk('a', 'Its mayor is Osric Vell.')])!.chunkRecall).toBe(true);
  });

  it('chunk recall: the alias in a non-gold document does not count', () => {
    const gold = { sourceDocIds: ['a'], answers: ['Osric Vell'] };
    expect(scoreRetrieval(gold, ['b', 'a'], [chunk('b', 'Osric Vell visited.'), chunk('a', 'Orsk lies on the river.')])!.chunkRecall).toBe(false);
  });
});

describe('answerInChunks', () => {
  it('finds any gold alias, in any retrieved chunk, title included', () => {
    expect(answerInChunks(['Kestrel Yard', 'the Yard'], [chunk('x', 'nothing'), chunk('y', 'Workers at the yard struck.')])).toBe(true);
    expect(answerInChunks(['Dunmere'], [chunk('x', 'no mention', 'Dunmere harbour')])).toBe(true);
    expect(answerInChunks(['Dunmere'], [chunk('x', 'Orsk and Velm.')])).toBe(false);
  });

  it('uses the lenient normalization: accents, number and date forms, articles, thousands separators', () => {
    expect(answerInChunks(['Hervé Ado'], [chunk('x', 'Herve Ado won.')])).toBe(true);
    expect(answerInChunks(['twelve'], [chunk('x', 'It has 12 floors.')])).toBe(true);
    expect(answerInChunks(['16 June 1953'], [chunk('x', 'It opened on June 16, 1953, at noon.')])).toBe(true);
    expect(answerInChunks(['The Observer'], [chunk('x', 'an observer wrote')])).toBe(true);
    expect(answerInChunks(['13330'], [chunk('x', 'about 13,330 people')])).toBe(true);
  });

  it('matches whole tokens only, and never across two chunks', () => {
    expect(answerInChunks(['Vell'], [chunk('x', 'Vellmore is a town.')])).toBe(false);
    expect(answerInChunks(['Osric Vell'], [chunk('x', 'It was Osric'), chunk('y', 'Vell who spoke.')])).toBe(false);
  });

  it('is null without a gold answer (unanswerable), or when no alias has a token', () => {
    expect(answerInChunks([], [chunk('x', 'anything')])).toBeNull();
    expect(answerInChunks(['the'], [chunk('x', 'the end')])).toBeNull();
    expect(answerInChunks(['x'], [])).toBe(false);
  });
});
