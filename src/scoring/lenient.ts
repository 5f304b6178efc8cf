/**
 * Lenient judgement of a free-form answer: "does the answer say the gold answer, and only it?"
 *
 * Why: chat models answer in sentences ("The mayor of Orsk is Krecia Kafusfem."), so strict EM
 * is 0 and F1 is diluted even when the answer is right. Containment of the gold tokens fixes
 * that, but alone it would reward answers that list several candidates. So:
 *
 * - matchesGold: the lenient tokens (normalize.ts) of some gold alias occur contiguously in the
 *   answer's tokens (after stripLeadIn). A gold with no tokens never matches.
 * - matchesStale: the same test for the stale (pre-update) answers, except that a stale
 *   occurrence lying wholly inside a gold occurrence does not count (gold "John Smith Jr."
 *   contains stale "John Smith").
 * - hedged (only checked when the gold matched), either of:
 *   a. Competing number of the same kind: the gold is numeric (its first token is a number:
 *      "2 hours", "1953", "$95 million", "16 June 1953"; not "Apollo 11") and the answer holds
 *      another cardinal number outside every gold occurrence, in no gold alias and not in the
 *      question, of the same kind as the gold's: a number with the same unit word after it
 *      ("8 hours" beside gold "2 hours"), or a bare number ("between 2 and 4 hours"); a year or
 *      date beside a year or date gold ("1953 or 1954"); a bare number beside a bare number
 *      gold ("420 or 430"). Numbers of another kind are context a chat model adds, not a second
 *      candidate: "Kestrel Yard opened in 2031 and employs 420 workers" is right for gold
 *      "420", and so is "2 hours (120 minutes)". Not counted either: ordinals ("the 2nd
 *      album"), the lone word "one" (mostly a pronoun), and the other parts of a date whose
 *      part was matched (gold "1953" inside "June 16, 1953").
 *   b. Explicit alternative: a token "or" outside the gold occurrences (not in "or not",
 *      "or so", "more or less") with the gold on exactly one side and something after it:
 *      "Paris or Lyon", "either Paris or Lyon", "Paris, or possibly Lyon", "Lyon or Paris".
 *      A self-correction "X, or rather <gold>" is not a hedge; "<gold> or <gold alias>" is not.
 * - correct = matchesGold && !matchesStale && !hedged. Mentioning the stale value at all
 *   ("2 hours, previously 4 hours") is not correct: graders cannot tell which one is meant.
 */
import { type LenientToken, lenientTokenize, lenientTokens } from './normalize.js';

export interface LenientJudgement {
  correct: boolean;
  matchesGold: boolean;
  matchesStale: boolean;
}

export interface LenientOptions {
  /** Answers that were true before the update (updated questions only). */
  stale?: readonly string[];
  /** The question text: numbers it mentions are not competing candidates. */
  question?: string;
}

// Lead-ins chat models put before the answer. Anchored at the start, stripped repeatedly.
const LEAD_INS: RegExp[] = [
  /^(?:sure|certainly|okay|ok)[,.!:]?\s+/i,
  /^(?:based on|according to|from|given) (?:the |this )?(?:provided |given |above )?(?:context|text|passage|documents?|information|sources?)[,:]?\s*/i,
  /^(?:the )?(?:final |short |correct )?answer(?: is|:)\s*:?\s*/i,
  /^i (?:believe|think)(?: that)?,?\s+/i,
  /^(?:it is|it's|it was|that is|that's|this is)\s+/i,
];

/** Drops chat lead-ins ("The answer is", "Based on the context,", "It's"...) from the start. */
export function stripLeadIn(answer: string): string {
  let s = answer.trim().replace(/’/g, "'");
  for (let changed = true; changed; ) {
    changed = false;
    for (const re of LEAD_INS) {
      const next = s.replace(re, '');
      if (next !== s && next.length > 0) {
        s = next;
        changed = true;
      }
    }
  }
  return s;
}

/** Start indices where `needle` occurs contiguously in `haystack` (none for an empty needle). */
function occurrences(haystack: readonly string[], needle: readonly string[]): number[] {
  const out: number[] = [];
  if (needle.length === 0) return out;
  for (let i = 0; i + needle.length <= haystack.length; i++) {
    if (needle.every((t, j) => haystack[i + j] === t)) out.push(i);
  }
  return out;
}

/** True when `needle` occurs as a contiguous run of whole tokens in `haystack`. */
export function containsSequence(haystack: readonly string[], needle: readonly string[]): boolean {
  return occurrences(haystack, needle).length > 0;
}

interface Span {
  start: number;
  /** Exclusive. */
  end: number;
  alias: string[];
}

function spansOf(haystack: readonly string[], aliases: readonly string[][]): Span[] {
  return aliases.flatMap((alias) => occurrences(haystack, alias).map((start) => ({ start, end: start + alias.length, alias })));
}

const inside = (s: Span, outer: Span) => outer.start <= s.start && s.end <= outer.end;
const covers = (spans: readonly Span[], i: number) => spans.some((s) => s.start <= i && i < s.end);
const NUMBER = /^\d+(?:\.\d+)?$/;

export function lenientJudgement(answer: string, golds: readonly string[], opts: LenientOptions = {}): LenientJudgement {
  const tokens = lenientTokenize(stripLeadIn(answer));
  const texts = tokens.map((t) => t.text);
  const goldAliases = golds.map(lenientTokens);
  const goldSpans = spansOf(texts, goldAliases);
  const staleSpans = spansOf(texts, (opts.stale ?? []).map(lenientTokens)).filter((s) => !goldSpans.some((g) => inside(s, g)));
  const matchesGold = goldSpans.length > 0;
  const matchesStale = staleSpans.length > 0;
  const hedged = matchesGold && (competingNumber(tokens, goldSpans, [...goldAliases.flat(), ...lenientTokens(opts.question ?? '')]) || explicitAlternative(texts, goldSpans));
  return { correct: matchesGold && !matchesStale && !hedged, matchesGold, matchesStale };
}

type NumberKind = 'date' | 'year' | 'number' | `unit:${string}`;

const isYear = (text: string) => /^\d{4}$/.test(text) && Number(text) >= 1000 && Number(text) <= 2100;

/** What a number token is: part of a date, a year, a quantity with a unit word after it, or a bare number. */
function kindAt(tokens: readonly LenientToken[], i: number): NumberKind {
  const t = tokens[i]!;
  if (t.role === 'date') return 'date';
  const next = tokens[i + 1];
  if (next?.role === 'word' && next.text !== 'or' && next.text !== 'and' && next.text !== 'to') return `unit:${next.text}`;
  return isYear(t.text) ? 'year' : 'number';
}

/** Whether a number of kind `k` could be a second answer to a question whose gold number is of kind `gold`. */
function sameKind(gold: NumberKind, k: NumberKind): boolean {
  if (gold === 'date' || gold === 'year') return k === 'date' || k === 'year';
  if (gold === 'number') return k === 'number';
  return k === gold || k === 'number';
}

/** Rule (a): another cardinal number of the gold number's kind (see the file comment). */
function competingNumber(tokens: readonly LenientToken[], goldSpans: readonly Span[], knownTokens: readonly string[]): boolean {
  const numeric = goldSpans.filter((s) => NUMBER.test(s.alias[0]!));
  if (numeric.length === 0) return false;
  const goldKinds = numeric.map((s) => kindAt(tokens, s.start));
  const known = new Set(knownTokens);
  const coveredDates = new Set(tokens.filter((t, i) => t.role === 'date' && covers(goldSpans, i)).map((t) => t.group));
  return tokens.some(
    (t, i) =>
      (t.role === 'quantity' || (t.role === 'date' && !coveredDates.has(t.group))) &&
      !covers(goldSpans, i) &&
      !known.has(t.text) &&
      goldKinds.some((g) => sameKind(g, kindAt(tokens, i))),
  );
}

const FILLERS = new Set(['possibly', 'perhaps', 'maybe', 'probably', 'even', 'alternatively']);

/** Rule (b): "X or Y" with the gold on exactly one side (see the file comment). */
function explicitAlternative(texts: readonly string[], goldSpans: readonly Span[]): boolean {
  return texts.some((t, i) => {
    if (t !== 'or' || covers(goldSpans, i)) return false;
    const next = texts[i + 1];
    if (next === undefined || next === 'not' || next === 'so' || (texts[i - 1] === 'more' && next === 'less')) return false;
    if (texts.slice(i + 1).every((w) => FILLERS.has(w))) return false;
    const before = goldSpans.some((s) => s.end <= i);
    const after = goldSpans.some((s) => s.start > i);
    if (after && !before) return next !== 'rather';
    return before && !after;
  });
}
