import { describe, expect, it } from 'vitest';
import { exactMatch, maxOverAliases, normalizeAnswer, tokenF1 } from './strict.js';

// Outputs of the official script port as it was in result schema 1.x (src/metrics/squad.ts),
// pinned so strict figures stay comparable across versions.
const NORMALIZED: [string, string][] = [
  ['  The  Port of   Orsk! ', 'port of orsk'],
  ['An apple, a day', 'apple day'],
  ['4,200', '4200'],
  ['Hervé Leblanc', 'hervé leblanc'],
  ['07:00–21:00', '0700–2100'],
  ['$95 million', '95 million'],
  ['', ''],
  ['a an the', ''],
  ["It's the answer: 42", 'its answer 42'],
  ['Les Misérables (musical)', 'les misérables musical'],
];

describe('strict (official SQuAD v1.1) scoring', () => {
  it('normalizes like the official script', () => {
    expect(normalizeAnswer('  The  Port of   Orsk! ')).toBe('port of orsk');
    expect(normalizeAnswer('An apple, a day')).toBe('apple day');
    expect(normalizeAnswer('4,200')).toBe('4200');
    expect(normalizeAnswer('Theodora Anand')).toBe('theodora anand');
  });
  it('EM ignores case, punctuation and articles; F1 is multiset overlap', () => {
    expect(exactMatch('the Orsk harbour.', 'Orsk Harbour')).toBe(1);
    expect(exactMatch('Orsk', 'Orsk Harbour')).toBe(0);
    expect(tokenF1('Orsk', 'Orsk Harbour')).toBeCloseTo(2 / 3);
    expect(tokenF1('', '')).toBe(1);
    expect(tokenF1('a', 'Orsk')).toBe(0);
  });
  it('takes the max over aliases', () => {
    expect(maxOverAliases(exactMatch, 'Orsk', ['Paris', 'orsk.'])).toBe(1);
    expect(maxOverAliases(exactMatch, 'Orsk', [])).toBe(0);
  });
  it.each(NORMALIZED)('normalizes %j exactly like the official script', (input, expected) => {
    expect(normalizeAnswer(input)).toBe(expected);
  });
  it('does not fold accents or unicode dashes (that is the lenient scorer\'s job)', () => {
    expect(exactMatch('Herve Leblanc', 'Hervé Leblanc')).toBe(0);
    expect(tokenF1('07:00-21:00', '07:00–21:00')).toBe(0);
  });
});
