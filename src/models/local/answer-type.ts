/**
 * What kind of answer a question expects, and span extractors that find answers of each kind in a
 * sentence. General English heuristics; no dataset's templates.
 */
import { STOPWORDS, tokenize, type Token } from './text.js';

export type AnswerType = 'DATE' | 'YEAR' | 'NUMBER' | 'PERSON' | 'PLACE' | 'ORG' | 'ANY';

/** Nouns that, as the head of a wh-phrase ("which city", "what is the population"), fix the type. */
const TYPE_NOUNS: Record<Exclude<AnswerType, 'ANY'>, string> = {
  DATE: 'date day birthday anniversary',
  YEAR: 'year decade century',
  NUMBER:
    'number population count total amount size area height length width depth elevation altitude distance ' +
    'budget revenue income salary price cost value percentage percent rate share age capacity weight speed ' +
    'score attendance membership headcount turnover profit debt gdp temperature volume duration seats',
  PERSON:
    'person people man woman mayor president ceo founder cofounder leader director head chair chairman chairwoman ' +
    'chairperson governor minister premier chancellor author writer architect captain coach manager owner king queen ' +
    'monarch ruler editor principal dean inventor designer creator spokesperson composer singer artist player ' +
    'scientist engineer painter poet sculptor actor actress producer officer commander chief secretary treasurer ' +
    'ambassador senator representative judge bishop pope emperor prime politician rector provost',
  PLACE:
    'place city town village country nation state province region district county island continent river lake ' +
    'mountain capital location port harbour harbor neighborhood neighbourhood site headquarters birthplace ' +
    'municipality territory valley coast peninsula destination hometown seat sea gulf bay ocean',
  ORG:
    'company organization organisation firm agency corporation institution university college school party team ' +
    'club group band bank brand publisher manufacturer studio label network airline ministry department business ' +
    'employer subsidiary operator sponsor contractor supplier startup union association federation league shipyard',
};
// A noun listed twice keeps its first type ("area" is a NUMBER before a PLACE word).
const TYPE_OF_NOUN = new Map<string, AnswerType>();
for (const [type, nouns] of Object.entries(TYPE_NOUNS)) for (const n of nouns.split(' ')) if (!TYPE_OF_NOUN.has(n)) TYPE_OF_NOUN.set(n, type as AnswerType);

/**
 * Nouns that name a kind of thing ("which *city*", "what *year*", "the *vessel* X") rather than
 * the asked fact; texts rarely repeat them next to the answer.
 */
const CATEGORY_NOUNS = new Set(
  ('year decade century date day month person people man woman place city town village country nation state province region ' +
    'district county island continent location site area company organization organisation firm agency corporation ' +
    'institution business group good goods product commodity item thing figure amount number count kind type sort ' +
    'mountain river lake sea ship vessel boat festival event shipyard body water ' +
    // "Where is X located?": the verb only restates that a place is asked.
    'located situated').split(' '),
);

/**
 * The noun right after which/what/whose ("which *basin*", "what *region*"): it names the kind of
 * answer, whether or not it is a known category noun.
 */
export function whHeadNoun(question: string): string | undefined {
  const w = question.toLowerCase().match(/\b(?:which|what|whose)\s+([a-z]+)/)?.[1];
  return w && !STOPWORDS.has(w) && !SKIPPABLE.has(w) ? w : undefined;
}

export function isCategoryNoun(word: string): boolean {
  const w = word.toLowerCase();
  return CATEGORY_NOUNS.has(w) || CATEGORY_NOUNS.has(w.replace(/s$/, ''));
}

/** Words skipped between a wh-word and its head noun: "what is the current official ... capital". */
const SKIPPABLE = new Set(
  ('is are was were be been the a an of does do did has have had its their current currently present main official ' +
    'first last new old largest biggest smallest exact total name names title full today now still principal primary').split(' '),
);

/** Where the asking starts: a wh-word, or an imperative at the start ("Name the", "Tell me the"). */
const ANCHOR = /\b(what|which|whose|who|whom|when|where|how)\b|^\s*(?:please\s+)?(give|name|tell me|state|list|identify|provide|find|say)\b/g;

function lookupType(w: string): AnswerType | undefined {
  // Plurals only: a stemmer would turn "mountaineer" into "mountain".
  return TYPE_OF_NOUN.get(w) ?? TYPE_OF_NOUN.get(w.replace(/ies$/, 'y')) ?? TYPE_OF_NOUN.get(w.replace(/e?s$/, ''));
}

/** The type named by the head noun after `at` ("which [largest] city"), if any. */
function headType(q: string, at: number): AnswerType | undefined {
  const words = q.slice(at).match(/[a-z]+/g) ?? [];
  let i = 0;
  while (i < words.length && i < 8 && (SKIPPABLE.has(words[i]!) || STOPWORDS.has(words[i]!)) && !lookupType(words[i]!)) i++;
  // The noun phrase that follows, up to a preposition or verb; its head is its last word
  // ("the surface *area* of", "the attendance *figure*" -> try figure, then attendance).
  const np: string[] = [];
  for (; i < words.length && np.length < 3; i++) {
    const w = words[i]!;
    if (np.length > 0 && (STOPWORDS.has(w) || SKIPPABLE.has(w))) break;
    np.push(w);
  }
  for (let k = np.length - 1; k >= 0; k--) {
    const t = lookupType(np[k]!);
    if (t) return t;
  }
  // An unknown role noun: "which mountaineer", "which historian".
  const last = np.at(-1);
  if (last && last.length >= 6 && /(eer|ist|ian|or|er)$/.test(last)) return 'PERSON';
  return undefined;
}

/**
 * Expected answer type, from the first wh-word (or leading imperative) that decides it:
 * how many/much/tall... -> NUMBER, when -> DATE, who/whom -> PERSON, where -> PLACE, and for
 * what/which/whose/imperatives the head noun that follows ("which city", "what is the population",
 * "name the mayor"). "Which city plays host when..." is about a city: the first anchor wins.
 * Without a deciding anchor, a date/year word decides, else ANY.
 */
export function detectAnswerType(question: string): AnswerType {
  const q = question.toLowerCase();
  for (const m of q.matchAll(ANCHOR)) {
    const word = m[1] ?? m[2]!;
    const after = m.index! + m[0].length;
    if (word === 'how') {
      if (/^\s+(many|much|tall|high|long|large|big|old|far|deep|wide|heavy|often)\b/.test(q.slice(after))) return 'NUMBER';
      continue;
    }
    if (word === 'when') return 'DATE';
    if (word === 'who' || word === 'whom') return 'PERSON';
    if (word === 'where') return 'PLACE';
    const t = headType(q, after);
    if (t) return t;
  }
  if (/\b(date|day)\b/.test(q)) return 'DATE';
  if (/\byear\b/.test(q)) return 'YEAR';
  return 'ANY';
}

/** A candidate answer found in a sentence; offsets are character offsets in the sentence. */
export interface Span {
  text: string;
  start: number;
  end: number;
}

const MONTH =
  '(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\\.?';
const DATE_PATTERNS = [
  new RegExp(`\\b\\d{1,2}(?:st|nd|rd|th)?\\s+(?:of\\s+)?${MONTH},?\\s+\\d{4}\\b`, 'g'),
  new RegExp(`\\b${MONTH}\\s+\\d{1,2}(?:st|nd|rd|th)?,?\\s+\\d{4}\\b`, 'g'),
  /\b\d{4}-\d{2}-\d{2}\b/g,
];
const MONTH_YEAR = new RegExp(`\\b${MONTH}\\s+\\d{4}\\b`, 'g');
const MONTHS = new Set(
  'january february march april may june july august september october november december jan feb mar apr jun jul aug sep sept oct nov dec'.split(' '),
);

function matchAll(text: string, re: RegExp): Span[] {
  return [...text.matchAll(re)].map((m) => ({ text: m[0], start: m.index!, end: m.index! + m[0].length }));
}
const overlaps = (a: Span, b: Span) => a.start < b.end && b.start < a.end;

/** Full calendar dates: "14 March 2027", "March 14, 2027", "2027-03-14". */
export function extractDates(text: string): Span[] {
  const out: Span[] = [];
  for (const re of DATE_PATTERNS) for (const s of matchAll(text, re)) if (!out.some((o) => overlaps(o, s))) out.push(s);
  return out.sort((a, b) => a.start - b.start);
}

/** "March 2027" not inside a full date. */
export function extractMonthYears(text: string): Span[] {
  const full = extractDates(text);
  return matchAll(text, MONTH_YEAR).filter((s) => !full.some((f) => overlaps(f, s)));
}

/** Four-digit years 1000-2199, including the year inside a date. */
export function extractYears(text: string): Span[] {
  return matchAll(text, /(?<![\d,.$€£-])\b(1\d{3}|20\d{2}|21\d{2})\b(?![,.]\d|\s*%)/g);
}

const SCALE = 'thousand|million|billion|trillion|bn|m';
const UNIT =
  'percent|per cent|%|km²|km2|km|kilometres|kilometers|kilometre|kilometer|miles|mile|metres|meters|metre|meter|m|cm|mm|' +
  'feet|foot|ft|inches|kg|kilograms|grams|g|tonnes|tons|tonne|ton|hectares|ha|acres|square kilometres|square kilometers|' +
  'square miles|litres|liters|mw|gw|kw|mph|km/h|degrees|°c|°f|years|year|months|month|weeks|week|days|day|hours|hour|minutes|' +
  'seconds|members|employees|inhabitants|transistors|instructions|pixels|bits|bytes|kilobytes|megabytes|' +
  'euros|euro|dollars|dollar|pounds|yen|francs|crowns|credits|usd|eur|gbp';
const NUMBER_RE = new RegExp(
  `(?:[$€£¥]\\s?)?(?<![\\d.,])\\d{1,3}(?:,\\d{3})+(?:\\.\\d+)?(?![\\d])|(?:[$€£¥]\\s?)?(?<![\\d.,])\\d+(?:\\.\\d+)?(?![\\d])`,
  'g',
);
const AFTER_NUMBER = new RegExp(`^(?:\\s?(?:${SCALE})\\b)?(?:\\s?(?:${UNIT})(?![\\p{L}\\d]))?`, 'iu');

const NUMBER_WORDS =
  /\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|dozen)\b/gi;

/** Counts written as words, with a following scale or unit kept: "seven times", "four weeks". */
export function extractNumberWords(text: string): Span[] {
  return matchAll(text, NUMBER_WORDS).map((s) => withTail(text, s));
}

/** A bound before a quantity, part of what it states: "at least 3,223", "over 57,000". */
const QUALIFIER_BEFORE = /\b(?:at least|at most|more than|less than|fewer than|just over|just under|over|under|about|around|approximately|roughly|nearly|almost|up to)\s+$/i;

/**
 * `s` extended by a scale word or unit right after it ("4.5 million", "four weeks") and by a
 * bound right before it ("at least 3,223").
 */
function withTail(text: string, s: Span): Span {
  const tail = text.slice(s.end).match(AFTER_NUMBER)?.[0] ?? '';
  const head = text.slice(Math.max(0, s.start - 20), s.start).match(QUALIFIER_BEFORE)?.[0] ?? '';
  const start = s.start - head.length;
  const end = s.end + (tail.trim() ? tail.length : 0);
  return start === s.start && end === s.end ? s : { text: text.slice(start, end), start, end };
}

/** Decades: "1050s", "the 1990s", "1960s and 1970s" (each decade apart). */
export function extractDecades(text: string): Span[] {
  return matchAll(text, /(?<![\d,.$€£-])\b(1\d{2}0|20[0-9]0|[1-9]\d{1,2}0)s\b/g);
}

/**
 * Quantities: "1,250,000", "3.5", "$4.5 million", "12%", "450 km". Numbers inside dates are
 * left out; a following scale word or unit is kept with the number.
 */
export function extractNumbers(text: string): Span[] {
  const dates = [...extractDates(text), ...extractMonthYears(text)];
  const out: Span[] = [];
  for (const m of text.matchAll(NUMBER_RE)) {
    const s: Span = { text: m[0], start: m.index!, end: m.index! + m[0].length };
    if (dates.some((d) => overlaps(d, s))) continue;
    out.push(withTail(text, s));
  }
  return out;
}

/** Tokens joining names into one answer: "Jonassohn and Björnson", "Luria–Delbrück", "A, B and C". */
const JOINERS = new Set([',', 'and', 'or', '&', '–', '—', '-', '/']);

/**
 * Runs of two or more names joined by commas, "and", "or" or a dash, as one span over their
 * token range ("Jefferson, Madison and Gallatin"): the answer to "what two writers", "which
 * rivers". Each run is maximal; the names alone stay candidates too.
 */
export function coordinatedNames(names: readonly NameSpan[], tokens: Token[]): { first: number; last: number; members: number[] }[] {
  const out: { first: number; last: number; members: number[] }[] = [];
  let run: number[] = [];
  const flush = () => {
    if (run.length >= 2) out.push({ first: names[run[0]!]!.first, last: names[run.at(-1)!]!.last, members: run });
    run = [];
  };
  names.forEach((n, i) => {
    const prev = run.length ? names[run.at(-1)!]! : undefined;
    const gap = prev ? tokens.slice(prev.last + 1, n.first) : [];
    if (prev && gap.length >= 1 && gap.length <= 2 && gap.every((t) => JOINERS.has(t.lower))) run.push(i);
    else {
      flush();
      run = [i];
    }
  });
  flush();
  return out;
}

/** Lowercase words allowed inside a name between capitalized words: "University of X", "Jan van Dijk". */
const CONNECTORS = new Set('of de del della der den di da do dos du la le van von bin al y upon &'.split(' '));
/** Capitalized words that are not names on their own. */
const TITLES = new Set(
  ('mr mrs ms dr prof professor sir dame lord lady president mayor governor senator minister chancellor king queen ' +
  'prince princess general captain ceo chairman chairwoman chair director judge bishop premier chief deputy vice ' +
  'secretary commissioner ambassador founder').split(' '),
);
const WEEKDAYS = new Set('monday tuesday wednesday thursday friday saturday sunday'.split(' '));

export interface NameSpan extends Span {
  /** Token index range in `tokens`. */
  first: number;
  last: number;
  /** The capitalized word before it is a person title (Mayor, Dr). */
  titled: boolean;
  /** The word before it is a locative preposition (in, at, from, near). */
  locative: boolean;
}

function isNamePart(t: Token, i: number): boolean {
  if (!t.word || !t.cap) return false;
  // Sentence-initial "The", "In", "Since": capitalized only by position.
  if (t.stop) return false;
  if (MONTHS.has(t.lower) || WEEKDAYS.has(t.lower) || TITLES.has(t.lower)) return false;
  if (/^\p{N}/u.test(t.text)) return false;
  // Sentence-initial "Founded in 1820, ...": participles and adverbs are not names.
  if (i === 0 && /(ed|ing|ly)$/.test(t.lower)) return false;
  return true;
}

/** Maximal capitalized sequences, allowing connectors between capitalized words ("Bank of Veltrana"). */
export function extractNames(text: string, tokens: Token[] = tokenize(text)): NameSpan[] {
  const out: NameSpan[] = [];
  let i = 0;
  while (i < tokens.length) {
    if (!isNamePart(tokens[i]!, i)) {
      i++;
      continue;
    }
    let j = i;
    for (;;) {
      if (j + 1 < tokens.length && isNamePart(tokens[j + 1]!, j + 1)) j++;
      else if (j + 2 < tokens.length && CONNECTORS.has(tokens[j + 1]!.lower) && !tokens[j + 1]!.cap && isNamePart(tokens[j + 2]!, j + 2)) j += 2;
      // An initial inside a name: "Svein O. Leiros", "John F. Kennedy".
      else if (j + 2 < tokens.length && /^\p{Lu}$/u.test(tokens[j]!.text) && tokens[j + 1]!.text === '.' && tokens[j + 1]!.start === tokens[j]!.end && isNamePart(tokens[j + 2]!, j + 2)) j += 2;
      else break;
    }
    // A model or standard number right after a name belongs to it ("IEEE 802.3", "Intel 4004");
    // a year does not ("Python 1991" is rare, "in Paris 1924" is not).
    const num = tokens[j + 1];
    if (num && /^\p{N}/u.test(num.text) && !/^(1\d|20|21)\d\d$/.test(num.text) && num.start === tokens[j]!.end + 1) j++;
    const prev = tokens[i - 1];
    out.push({
      text: text.slice(tokens[i]!.start, tokens[j]!.end).replace(/['’]s$/, ''),
      start: tokens[i]!.start,
      end: tokens[j]!.end,
      first: i,
      last: j,
      titled: !!prev && TITLES.has(prev.lower),
      locative: !!prev && /^(in|at|from|near|to|into|outside|inside|within)$/.test(prev.lower),
    });
    i = j + 1;
  }
  return out;
}

const COPULAS = new Set(
  'is are was were became becomes remains remained has have had includes include included means equals totals reached stands stood lies lay'.split(' '),
);
/** Words that end a noun phrase. */
const PHRASE_STOP = new Set(
  'which that who whom whose since until while when after before because although though and but as where whereas following during'.split(' '),
);
const LEADING_FILLER = new Set('the a an now currently still officially also just been being once formerly called named known as'.split(' '));

/** Links after which a noun phrase states the asked value: "is", "works as", an apposition comma. */
const LINKERS = new Set([...COPULAS, 'as', ',']);

/**
 * For "what is X" questions: the noun phrase on the other side of a linking verb from the
 * question's words. "The main export of Veltrana is copper ore." -> "copper ore" (question words
 * before the verb), "Copper ore is the main export." -> "Copper ore" (question words after it),
 * "... its main export, copper ore." -> "copper ore" (apposition), "works as a carpenter" ->
 * "carpenter". `isQuestionWord(i)` tells which tokens match the question.
 */
export function extractCopulaPhrases(text: string, tokens: Token[], isQuestionWord: (i: number) => boolean): Span[] {
  const out: Span[] = [];
  for (let v = 1; v < tokens.length - 1; v++) {
    const link = tokens[v]!.lower;
    if (!LINKERS.has(link)) continue;
    // An apposition comma must follow a question word directly ("its main export, X").
    if (link === ',' && !isQuestionWord(v - 1)) continue;
    const qBefore = tokens.slice(0, v).some((_, i) => isQuestionWord(i));
    let a = v + 1;
    while (a < tokens.length && LEADING_FILLER.has(tokens[a]!.lower)) a++;
    const qRightAfter = a < tokens.length && isQuestionWord(a);
    // "is headquartered in": a passive verb, not a noun phrase.
    if (qBefore && !qRightAfter && !(COPULAS.has(link) && PARTICIPLE.test(tokens[a]?.lower ?? ''))) {
      const span = phrase(text, tokens, a, +1);
      if (span) out.push(span);
    } else if (qRightAfter && COPULAS.has(link)) {
      const span = phrase(text, tokens, v - 1, -1);
      if (span) out.push(span);
    }
  }
  return out;
}

const PARTICIPLE = /(ed|en|wn)$|^(built|led|held|run|made|won|sold|bought|taught|kept|owned|found)$/;

/** Passive agents: "founded by fishermen", "built by the Tharn yard" (after a question word that is a participle). */
export function extractAgentPhrases(text: string, tokens: Token[], isQuestionWord: (i: number) => boolean): Span[] {
  const out: Span[] = [];
  tokens.forEach((t, i) => {
    // The participle may be a few words back: "formed on 9 May 1903 by a group of workers".
    const verb = tokens.slice(Math.max(0, i - 6), i).some((v, k, near) => PARTICIPLE.test(v.lower) && isQuestionWord(i - near.length + k));
    if (t.lower === 'by' && verb) {
      const span = phrase(text, tokens, i + 1, +1);
      if (span) out.push(span);
    }
  });
  return out;
}

const PREPOSITION = /^(of|in|on|at|to|for|by|with|from|into|onto|towards?|near|under|over|across|along|through|during)$/;

/** Up to 6 word tokens from `from` in direction `dir`, stopping at punctuation or a clause word. */
function phrase(text: string, tokens: Token[], from: number, dir: 1 | -1): Span | undefined {
  let i = from;
  let first = -1;
  let last = -1;
  let n = 0;
  while (i >= 0 && i < tokens.length && n < 6) {
    const t = tokens[i]!;
    // "shipbuilding and fishing.": a final two-item list stays whole.
    const lastPair = t.lower === 'and' && n > 0 && dir === 1 && tokens[i + 1]?.word && !tokens[i + 2]?.word;
    if (!t.word || (PHRASE_STOP.has(t.lower) && !lastPair)) break;
    // A prepositional phrase ends it ("marine engineer for Tavir Ferries"); "of" stays inside
    // ("school of philosophy").
    if (dir === 1 && n > 0 && t.lower !== 'of' && PREPOSITION.test(t.lower)) break;
    if (first < 0) first = i;
    last = i;
    n++;
    i += dir;
  }
  if (first < 0) return undefined;
  // A noun phrase does not start with a preposition (", with a surface area of ...").
  if (dir === 1 && PREPOSITION.test(tokens[first]!.lower)) return undefined;
  let [lo, hi] = dir === 1 ? [first, last] : [last, first];
  while (lo <= hi && LEADING_FILLER.has(tokens[lo]!.lower)) lo++;
  while (hi >= lo && /^(of|in|on|at|to|for|by|with|the|a|an)$/.test(tokens[hi]!.lower)) hi--;
  if (lo > hi) return undefined;
  return { text: text.slice(tokens[lo]!.start, tokens[hi]!.end), start: tokens[lo]!.start, end: tokens[hi]!.end };
}

/** Heads that mark a name as an organisation or a place. */
const ORG_HEADS = new Set(
  ('company corporation corp inc ltd llc plc gmbh ag group holdings industries bank university institute college school ' +
    'agency ministry department council committee foundation association society union party league club federation ' +
    'authority commission board trust partners labs laboratories systems technologies airlines airways motors media press ' +
    'records studios energy mining museum hospital academy fund network services solutions works co cooperative ' +
    'orchestra theatre theater railway railways rail bureau office court assembly parliament senate consortium').split(' '),
);
const PLACE_HEADS = new Set(
  ('city town village island islands river lake mountain mountains mount mt bay valley port harbor harbour province region ' +
    'district county state republic kingdom coast peninsula hills park square street avenue road bridge station airport ' +
    'desert forest sea ocean gulf strait canyon falls heights springs beach plateau delta oasis archipelago').split(' '),
);

/** Heads that mark a name as an event, award or document: never a person, place or organisation. */
const EVENT_HEADS = new Set(
  ('battle war wars siege treaty cup championship championships award awards prize trophy festival election elections act ' +
    'revolution rebellion uprising crisis conference summit games olympics tournament league season').split(' '),
);

/** How well a name fits an expected type, in [0,1]. */
export function nameTypeFit(name: NameSpan, tokens: Token[], type: AnswerType): number {
  const inside = tokens.slice(name.first, name.last + 1).filter((t) => t.word);
  const org = inside.some((t) => ORG_HEADS.has(t.lower));
  const place = inside.some((t) => PLACE_HEADS.has(t.lower));
  const caps = inside.filter((t) => t.cap).length;
  // "Battle of Hastings" is not who killed Harold; a league may still be what a club plays in.
  const event = inside.some((t) => EVENT_HEADS.has(t.lower));
  if (event && (type === 'PERSON' || type === 'PLACE')) return 0.1;
  switch (type) {
    case 'PERSON':
      // "Who built it?" may well be a company.
      if (org) return 0.6;
      // "headquartered in Orlenhaven": a name after a locative preposition is a place.
      if (place || name.locative) return 0.2;
      if (name.titled) return 1;
      return caps >= 2 && caps <= 4 ? 0.9 : 0.5;
    case 'PLACE':
      if (place) return 1;
      if (org) return 0.4;
      return name.locative ? 0.95 : 0.75;
    case 'ORG':
      if (org) return 1;
      if (place) return 0.4;
      return 0.65;
    case 'ANY':
      return 0.7;
    default:
      return 0;
  }
}
