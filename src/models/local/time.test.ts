import { describe, expect, it } from 'vitest';
import { timeExpressions, timeFeatures } from './time.js';

const span = (text: string, what: string) => ({ text: what, start: text.indexOf(what), end: text.indexOf(what) + what.length });

describe('timeExpressions', () => {
  it('reads ranges with dates inside, seasons, open ranges, "since" and "until", and single years', () => {
    const text = 'Viktor Goncharenko (13 November 2007 – 12 October 2013), the 2010–11 season, 2019–present, since 2018, until 2012, in 1999.';
    expect(timeExpressions(text).map(({ from, to }) => [from, to])).toEqual([
      [2007, 2013],
      [2010, 2011],
      [2019, Infinity],
      [2018, Infinity],
      [-Infinity, 2012],
      [1999, 1999],
    ]);
  });

  it('does not read years out of larger numbers', () => {
    expect(timeExpressions('It cost 12,2019 dollars and weighs 1999.5 kg.')).toEqual([]);
  });
});

describe('timeFeatures', () => {
  const text = '- 2019–present: Alf Hansen (SV)';
  const times = timeExpressions(text);
  it('says whether the nearest date range holds the asked date, is before or after it', () => {
    expect(timeFeatures(times, span(text, 'Alf Hansen'), 2020.5)).toMatchObject({ timeIn: 1, timeAfter: 0 });
    expect(timeFeatures(times, span(text, 'Alf Hansen'), 2018)).toMatchObject({ timeIn: 0, timeAfter: 1 });
    const old = '- 2011–2015: Trond Olaussen (Ap)';
    const f = timeFeatures(timeExpressions(old), span(old, 'Trond Olaussen'), 2020);
    expect(f.timeBefore).toBeCloseTo(1 / (1 + (2020 - 2016)));
    expect(f.timeIn).toBe(0);
  });

  it('gives nothing without an asked date or without dates in the unit', () => {
    expect(timeFeatures(times, span(text, 'Alf Hansen'), undefined)).toEqual({ timeIn: 0, timeBefore: 0, timeAfter: 0, timeRecent: 0 });
    expect(timeFeatures([], span(text, 'Alf Hansen'), 2020)).toEqual({ timeIn: 0, timeBefore: 0, timeAfter: 0, timeRecent: 0 });
  });
});
