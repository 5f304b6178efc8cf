import { describe, expect, it } from 'vitest';
import { containsSequence, lenientJudgement, stripLeadIn } from './lenient.js';

describe('stripLeadIn', () => {
  it.each([
    ['The answer is Paris.', 'Paris.'],
    ['Answer: Paris', 'Paris'],
    ['Final answer: Paris', 'Paris'],
    ['It is Paris', 'Paris'],
    ["It's Paris", 'Paris'],
    ['It’s Paris', 'Paris'],
    ['I believe it is Paris', 'Paris'],
    ['I think that Paris', 'Paris'],
    ['Based on the context, the answer is Paris', 'Paris'],
    ['According to the provided documents, Paris', 'Paris'],
    ['Sure! The answer is: Paris', 'Paris'],
    ['Paris', 'Paris'],
    ['It is', 'It is'],
  ])('%j → %j', (input, expected) => {
    expect(stripLeadIn(input)).toBe(expected);
  });
});

describe('containsSequence', () => {
  it('matches contiguous whole tokens only', () => {
    expect(containsSequence(['a', 'b', 'c'], ['b', 'c'])).toBe(true);
    expect(containsSequence(['a', 'b', 'c'], ['a', 'c'])).toBe(false);
    expect(containsSequence(['ab', 'c'], ['b'])).toBe(false);
    expect(containsSequence(['a'], [])).toBe(false);
    expect(containsSequence([], ['a'])).toBe(false);
  });
});

type Row = [answer: string, golds: string[], opts: { stale?: string[]; question?: string }, correct: boolean];
const REQUIRED: Row[] = [
  ['$42 million', ['$95 million'], {}, false],
  ['8 hours', ['2 hours'], { stale: ['4 hours'] }, false],
  ['180 days', ['two days'], {}, false],
  ['The mayor of Brodriavla is Krecia Kafusfem.', ['Krecia Kafusfem'], {}, true],
  ['June 16, 1953', ['16 June 1953'], {}, true],
  ['It opens 07:00–21:00.', ['07:00-21:00'], {}, true],
  ['€300', ['300'], {}, true],
  ['Herve Leblanc', ['Hervé Leblanc'], {}, true],
  ['13330', ['13,330'], {}, true],
  ['twelve', ['12'], {}, true],
  ['It was 2 hours, previously 4 hours', ['2 hours'], { stale: ['4 hours'] }, false],
  ['Either Paris or Lyon', ['Paris'], {}, false],
];
const MORE: Row[] = [
  ['Paris, or possibly Lyon', ['Paris'], {}, false],
  ['Lyon or Paris', ['Paris'], {}, false],
  ['Lyon, or rather Paris', ['Paris'], {}, true],
  ['Paris, whether or not you count the suburbs', ['Paris'], {}, true],
  ['2 or 3 hours', ['2 hours'], {}, false],
  ['Between 2 and 4 hours', ['2 hours'], {}, false],
  ['1953', ['June 16, 1953'], {}, false],
  ['It was founded on June 16, 1953.', ['1953'], {}, true],
  ['It was founded in June 1953.', ['16 June 1953'], {}, false],
  ['The 2019 race took 2 hours.', ['2 hours'], { question: 'How long did the 2019 race take?' }, true],
  // A number of another kind is context, not a second candidate; one of the same kind is.
  ['The 2019 race took 2 hours.', ['2 hours'], { question: 'How long did the race take?' }, true],
  ['Kestrel Yard opened in 2031 and employs 420 workers.', ['420'], {}, true],
  ['2 hours (120 minutes)', ['2 hours'], {}, true],
  ['It took 2 hours, the record is 3 hours.', ['2 hours'], {}, false],
  ['between 2 and 4 hours', ['4 hours'], {}, false],
  ['Founded in 1953 or 1954.', ['1953'], {}, false],
  ['It opened on 16 June 1953 and closed in 1960.', ['16 June 1953'], {}, false],
  ['Their second album came out in 1953.', ['1953'], {}, true],
  ['Their 2nd album came out in 1953.', ['1953'], {}, true],
  ['One of the founders, in 1953', ['1953'], {}, true],
  ['Apollo 11, launched in 1969', ['Apollo 11'], {}, true],
  ['Route 66', ['Route 66'], {}, true],
  ['Krecia Kafusfem', ['Krecia Kafusfem'], { stale: ['Odo Brant'] }, true],
  ['It was run by Odo Brant until 2021.', ['Krecia Kafusfem'], { stale: ['Odo Brant'] }, false],
  ['John Smith Jr.', ['John Smith Jr.'], { stale: ['John Smith'] }, true],
  ['John Smith', ['John Smith Jr.'], { stale: ['John Smith'] }, false],
  ['', ['Paris'], {}, false],
  ['Paris', ['!!!'], {}, false],
  ['Parisian', ['Paris'], {}, false],
];

describe('lenientJudgement', () => {
  it.each([...REQUIRED, ...MORE])('%j vs %j %j → correct=%s', (answer, golds, opts, correct) => {
    expect(lenientJudgement(answer, golds, opts).correct).toBe(correct);
  });
  it('reports the stale match separately', () => {
    expect(lenientJudgement('It was 2 hours, previously 4 hours', ['2 hours'], { stale: ['4 hours'] })).toEqual({
      correct: false,
      matchesGold: true,
      matchesStale: true,
    });
    expect(lenientJudgement('John Smith Jr.', ['John Smith Jr.'], { stale: ['John Smith'] }).matchesStale).toBe(false);
    expect(lenientJudgement('8 hours', ['2 hours'], { stale: ['4 hours'] })).toEqual({ correct: false, matchesGold: false, matchesStale: false });
  });
  it('an empty-token gold or stale never matches', () => {
    expect(lenientJudgement('the', ['a'], { stale: ['an'] })).toEqual({ correct: false, matchesGold: false, matchesStale: false });
  });
});
