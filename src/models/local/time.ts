/**
 * Dates in a unit of text as year intervals, and how a candidate's nearest one relates to the
 * date a question is asked on: "Viktor Goncharenko (13 November 2007 – 12 October 2013)" asked in
 * 2012 is in range; "2019–present: Alf Normann Hansen" asked in 2018 is after it.
 */
import type { Span } from './answer-type.js';

export interface TimeExpression {
  /** Character offsets in the unit. */
  start: number;
  end: number;
  /** Years, inclusive; `to` is Infinity for an open range ("2019–", "since 2019"), `from` -Infinity for "until 2012". */
  from: number;
  to: number;
}

const YEAR = /(?<![\d.,])\b(1\d{3}|20\d{2}|21\d{2})\b(?![.,]\d)/g;
const MONTH = '(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\\.?';
/** Between the two years of a range: a dash or "to", maybe a day and month ("2007 – 12 October 2013"). */
const RANGE_GAP = new RegExp(`^\\s*(?:[–—-]|to|until|till|through)\\s*(?:\\d{1,2}(?:st|nd|rd|th)?\\s+${MONTH},?\\s+|${MONTH}\\s+(?:\\d{1,2},?\\s+)?)?$`, 'i');
const SEASON = /^[–—/-](\d{2})\b/;
const OPEN_END = /^\s*[–—-]\s*(?:present|now|today|\)|$|:)/i;
const OPEN_START_BEFORE = /\b(?:since|from)\s+(?:\d{1,2}\s+)?(?:\p{L}+\s+)?$/iu;
const UNTIL_BEFORE = /\b(?:until|till|before)\s+(?:\d{1,2}\s+)?(?:\p{L}+\s+)?$/iu;

export function timeExpressions(text: string): TimeExpression[] {
  const years = [...text.matchAll(YEAR)].map((m) => ({ y: Number(m[1]), start: m.index!, end: m.index! + m[0].length }));
  const out: TimeExpression[] = [];
  for (let i = 0; i < years.length; i++) {
    const a = years[i]!;
    const next = years[i + 1];
    const after = text.slice(a.end);
    const before = text.slice(Math.max(0, a.start - 30), a.start);
    const season = after.match(SEASON);
    if (!season && next && RANGE_GAP.test(text.slice(a.end, next.start)) && next.y >= a.y) {
      out.push({ start: a.start, end: next.end, from: a.y, to: next.y });
      i++;
      continue;
    }
    if (season) {
      const to = Math.floor(a.y / 100) * 100 + Number(season[1]);
      out.push({ start: a.start, end: a.end + season[0].length, from: a.y, to: to >= a.y ? to : to + 100 });
    } else if (OPEN_END.test(after) && /^\s*[–—-]/.test(after)) out.push({ start: a.start, end: a.end, from: a.y, to: Infinity });
    else if (OPEN_START_BEFORE.test(before)) out.push({ start: a.start, end: a.end, from: a.y, to: Infinity });
    else if (UNTIL_BEFORE.test(before)) out.push({ start: a.start, end: a.end, from: -Infinity, to: a.y });
    else out.push({ start: a.start, end: a.end, from: a.y, to: a.y });
  }
  return out;
}

/**
 * Features of the expression nearest to `span` (by characters) against `asOf`, a fractional year
 * (2012.5 = July 2012): in range, before it (1 / (1 + years between)), after it. All 0 without
 * a date or without an expression in the unit; `timeRecent` is 1 / (1 + years since it started).
 */
export function timeFeatures(times: readonly TimeExpression[], span: Span, asOf: number | undefined): { timeIn: number; timeBefore: number; timeAfter: number; timeRecent: number } {
  const none = { timeIn: 0, timeBefore: 0, timeAfter: 0, timeRecent: 0 };
  if (asOf === undefined || times.length === 0) return none;
  let best: TimeExpression | undefined;
  let bestDist = Infinity;
  for (const t of times) {
    const d = t.end <= span.start ? span.start - t.end : t.start >= span.end ? t.start - span.end : 0;
    if (d < bestDist) [best, bestDist] = [t, d];
  }
  const t = best!;
  // How recently it started: of two ranges holding the date, the later one is the current state.
  const timeRecent = Number.isFinite(t.from) && t.from <= asOf ? 1 / (1 + (asOf - t.from)) : 0;
  // A year covers [y, y + 1).
  if (t.from <= asOf && asOf < t.to + 1) return { ...none, timeIn: 1, timeRecent };
  if (t.to + 1 <= asOf) return { ...none, timeBefore: 1 / (1 + (asOf - (t.to + 1))), timeRecent };
  return { ...none, timeAfter: 1 };
}
