import { describe, expect, it } from 'vitest';
import { analyze, ANALYZER_ID, buildPostings, createScorer, DEFAULT_BM25_PARAMS } from './bm25.js';

// Words the analyzer leaves as they are (no stem, no stopword), so the arithmetic below is plain.
const texts = ['kiwi kiwi mango', 'mango plum', 'plum plum plum plum'];
const scorer = createScorer(buildPostings(texts));

/*
 * By hand: N = 3, lengths 3, 2, 4, avgdl = 3; k1 = 1.2, b = 0.75.
 *   idf(kiwi)  = ln(1 + (3 − 1 + 0.5) / (1 + 0.5)) = ln(8/3) = 0.980829
 *   idf(mango) = ln(1 + (3 − 2 + 0.5) / (2 + 0.5)) = ln(1.6) = 0.470004
 * text 0 (|d| = avgdl, so the length factor is 1):
 *   kiwi,  tf 2: 0.980829 · 2·2.2 / (2 + 1.2) = 1.348640
 *   mango, tf 1: 0.470004 · 1·2.2 / (1 + 1.2) = 0.470004        → 1.818644
 * text 1 (|d| = 2: factor 1 − 0.75 + 0.75·2/3 = 0.75):
 *   mango, tf 1: 0.470004 · 2.2 / (1 + 1.2·0.75) = 0.544215
 */
describe('BM25 scores, computed by hand', () => {
  it('Lucene BM25 with k1 = 1.2, b = 0.75', () => {
    const hits = scorer.search('kiwi mango', 10, DEFAULT_BM25_PARAMS);
    expect(hits.map((h) => h.label)).toEqual([0, 1]);
    expect(hits[0]!.score).toBeCloseTo(1.818644, 6);
    expect(hits[1]!.score).toBeCloseTo(0.544215, 6);
  });

  it('b = 0 turns length normalization off; k1 = 0 makes a term count once (sum of idf)', () => {
    const noLength = scorer.search('mango', 10, { k1: 1.2, b: 0 });
    expect(noLength.map((h) => [h.label, Number(h.score.toFixed(6))])).toEqual([
      [0, 0.470004],
      [1, 0.470004],
    ]);
    const binary = scorer.search('kiwi mango', 10, { k1: 0, b: 0.75 });
    expect(binary[0]!.score).toBeCloseTo(0.980829 + 0.470004, 6);
  });

  it('a repeated query word counts once; word order and case do not matter', () => {
    const once = scorer.search('kiwi mango', 10, DEFAULT_BM25_PARAMS);
    expect(scorer.search('MANGO kiwi kiwi kiwi', 10, DEFAULT_BM25_PARAMS)).toEqual(once);
  });

  it('equal scores are ordered by label; n caps the list; unknown words match nothing', () => {
    expect(scorer.search('mango', 10, { k1: 1.2, b: 0 }).map((h) => h.label)).toEqual([0, 1]);
    expect(scorer.search('kiwi mango plum', 1, DEFAULT_BM25_PARAMS)).toHaveLength(1);
    expect(scorer.search('durian', 5, DEFAULT_BM25_PARAMS)).toEqual([]);
  });

  it('a filter narrows what is returned, not the statistics', () => {
    const all = scorer.search('mango', 10, DEFAULT_BM25_PARAMS);
    const onlyOne = scorer.search('mango', 10, DEFAULT_BM25_PARAMS, (label) => label === 1);
    expect(onlyOne).toEqual([all.find((h) => h.label === 1)]);
  });

  it('a question of stopwords only matches nothing; an empty index returns nothing', () => {
    expect(scorer.search('What is the name of it?', 5, DEFAULT_BM25_PARAMS)).toEqual([]);
    expect(createScorer(buildPostings([])).search('kiwi', 5, DEFAULT_BM25_PARAMS)).toEqual([]);
  });

  it('refuses bad parameters', () => {
    expect(() => scorer.search('kiwi', 0, DEFAULT_BM25_PARAMS)).toThrow(/n must be a positive integer/);
    expect(() => scorer.search('kiwi', 1, { k1: -1, b: 0.5 })).toThrow(/k1/);
    expect(() => scorer.search('kiwi', 1, { k1: 1, b: 2 })).toThrow(/b must be between 0 and 1/);
  });
});

describe('analyze', () => {
  it('folds accents and case, drops stopwords and possessives, stems', () => {
    expect(analyze('Who is the current mayor of Zürich?')).toEqual(['mayor', 'zurich']);
    expect(analyze("Orsk's cities were founded")).toEqual(analyze('orsk city founding'));
  });

  it('a question and its document meet on the same terms', () => {
    const s = createScorer(buildPostings(['The Zurich harbour opened in 1953.', 'Herve Ado founded the Orsk bakery.']));
    expect(s.search('Who founded the bakery in Orsk, Hervé?', 2, DEFAULT_BM25_PARAMS).map((h) => h.label)).toEqual([1]);
  });

  it('has a stable identity for index manifests', () => {
    expect(ANALYZER_ID).toMatch(/^bm25-words-[0-9a-f]{12}$/);
  });
});

describe('buildPostings', () => {
  it('is deterministic: sorted terms, label-ordered [label, tf] pairs, analyzed lengths', () => {
    expect(buildPostings(texts)).toEqual({
      terms: ['kiwi', 'mango', 'plum'],
      postings: [
        [0, 2],
        [0, 1, 1, 1],
        [1, 1, 2, 4],
      ],
      lengths: [3, 2, 4],
    });
  });
});
