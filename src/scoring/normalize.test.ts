import { describe, expect, it } from 'vitest';
import { lenientTokenize, lenientTokens } from './normalize.js';

const SAME: [string, string][] = [
  ['Hervé Leblanc', 'Herve Leblanc'],
  ['Orsk’s harbour', "Orsk's harbour"],
  ['Orsk’s harbour', 'Orsk harbour'],
  ['07:00–21:00', '07:00-21:00'],
  ['07:00—21:00', '07:00 21:00'],
  ['€300', '300'],
  ['300 euros', '300'],
  ['300 EUR', '300€'],
  ['$95 million', '95 million'],
  ['US$95 million', '95,000,000'],
  ['¥5000', '5000 yen'],
  ['13,330', '13330'],
  ['13\u202F330', '13330'],
  ['13\u00A0330', '13330'],
  ['1,234,567', '1234567'],
  ['07', '7'],
  ['1.50', '1.5'],
  ['twelve', '12'],
  ['two days', '2 days'],
  ['twenty-one', '21'],
  ['one hundred', '100'],
  ['a hundred', '100'],
  ['one hundred and five', '105'],
  ['two thousand five hundred', '2,500'],
  ['first', '1st'],
  ['the 16th', '16'],
  ['twenty-second', '22nd'],
  ['16 June 1953', 'June 16, 1953'],
  ['16 June 1953', 'June 16th 1953'],
  ['16 June 1953', '1953-06-16'],
  ['16 June 1953', '16/06/1953'],
  ['16 June 1953', '06/16/1953'],
  ['16 June 1953', 'the 16th of June, 1953'],
  ['16 June 1953', 'Jun 16 1953'],
  ['September 1953', 'Sept. 1953'],
  ['U.S. Army', 'US army'],
  ['5km', '5 km'],
];

describe('lenientTokens', () => {
  it.each(SAME)('%j and %j normalize the same', (a, b) => {
    expect(lenientTokens(a)).toEqual(lenientTokens(b));
  });
  it('uses [year, month, day] for dates', () => {
    expect(lenientTokens('On 16 June 1953.')).toEqual(['on', '1953', '6', '16']);
    expect(lenientTokens('June 1953')).toEqual(['1953', '6']);
    expect(lenientTokens('16 June')).toEqual(['6', '16']);
  });
  it('keeps a month name a word outside a date pattern', () => {
    expect(lenientTokens('It may rain in May')).toEqual(['it', 'may', 'rain', 'in', 'may']);
    expect(lenientTokens('The mayor 1953')).toEqual(['mayor', '1953']);
  });
  it('does not guess ambiguous slashed dates', () => {
    expect(lenientTokens('05/06/1953')).toEqual(['5', '6', '1953']);
    expect(lenientTokens('05/05/1953')).toEqual(['1953', '5', '5']);
  });
  it('rejects impossible dates', () => {
    expect(lenientTokens('1953-13-40')).toEqual(['1953', '13', '40']);
  });
  it('does not merge numbers separated by a plain space or comma-space', () => {
    expect(lenientTokens('in 1953, 300 people')).toEqual(['in', '1953', '300', 'people']);
    expect(lenientTokens('13 330')).toEqual(['13', '330']);
  });
  it('reads lists of number words as separate numbers', () => {
    expect(lenientTokens('one two three')).toEqual(['1', '2', '3']);
  });
  it('keeps a lone "second" (time unit) and ignores prototype names', () => {
    expect(lenientTokens('one second')).toEqual(['1', 'second']);
    expect(lenientTokens('constructor toString')).toEqual(['constructor', 'tostring']);
  });
  it('drops articles, punctuation and collapses whitespace', () => {
    expect(lenientTokens('  The  Port of   Orsk! ')).toEqual(['port', 'of', 'orsk']);
    expect(lenientTokens('"Hello", (world)?')).toEqual(['hello', 'world']);
    expect(lenientTokens('')).toEqual([]);
  });
  it('tags roles for the hedge check', () => {
    const roles = lenientTokenize('One of the first 2 ships, 16 June 1953').map((t) => [t.text, t.role]);
    expect(roles).toEqual([
      ['1', 'incidental'],
      ['of', 'word'],
      ['1', 'incidental'],
      ['2', 'quantity'],
      ['ships', 'word'],
      ['1953', 'date'],
      ['6', 'date'],
      ['16', 'date'],
    ]);
  });
});
