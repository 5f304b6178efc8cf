import { describe, expect, it } from 'vitest';
import { exactMatch, isAbstention, maxOverAliases, normalizeAnswer, tokenF1 } from './squad.js';

describe('SQuAD normalization', () => {
  it('lowercases, drops punctuation and articles, collapses whitespace', () => {
    expect(normalizeAnswer('  The  Port of   Orsk! ')).toBe('port of orsk');
    expect(normalizeAnswer('An apple, a day')).toBe('apple day');
    expect(normalizeAnswer('4,200')).toBe('4200');
  });
  it('keeps articles inside words', () => {
    expect(normalizeAnswer('Theodora Anand')).toBe('theodora anand');
  });
});

describe('exact match and F1', () => {
  it('EM ignores case, punctuation and articles', () => {
    expect(exactMatch('the Orsk harbour.', 'Orsk Harbour')).toBe(1);
    expect(exactMatch('Orsk', 'Orsk Harbour')).toBe(0);
  });
  it('F1 is token multiset overlap', () => {
    expect(tokenF1('Orsk', 'Orsk Harbour')).toBeCloseTo(2 / 3);
    expect(tokenF1('harbour harbour', 'harbour')).toBeCloseTo(2 / 3); // duplicates count once per gold token
    expect(tokenF1('nothing shared', 'Orsk')).toBe(0);
  });
  it('empty strings: empty vs empty is a match, empty vs text is not', () => {
    expect(tokenF1('', '')).toBe(1);
    expect(tokenF1('the', 'Orsk')).toBe(0);
  });
  it('takes the max over aliases', () => {
    expect(maxOverAliases(tokenF1, 'Mira Tull', ['M. Tull', 'Mira Tull'])).toBe(1);
    expect(maxOverAliases(exactMatch, 'x', [])).toBe(0);
  });
});

describe('abstention', () => {
  it.each(["I don't know", 'I do not know.', 'i dont know', 'Unknown', '', 'The context does not mention it', 'Not enough information'])('"%s" abstains', (a) => {
    expect(isAbstention(a)).toBe(true);
  });
  it.each(['Orsk', 'None of the above was built in 2030', 'I knew Mira Tull'])('"%s" answers', (a) => {
    expect(isAbstention(a)).toBe(false);
  });
});
