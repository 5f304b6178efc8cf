/**
 * Lenient normalization for free-form (chat-model) answers. The strict SQuAD normalization
 * (strict.ts) treats "€300" / "300 euros", "June 16, 1953" / "16 June 1953" or "twelve" / "12"
 * as different answers; a human grader would not. `lenientTokens` maps all such spellings to
 * one token sequence, so containment of the gold tokens in the answer tokens means "says it".
 *
 * Rules, applied in this order:
 *
 * 1. Thousands separators: a comma, no-break, narrow no-break, figure or thin space between a
 *    digit and exactly three digits is removed ("13,330" = "13 330" = "13330"). A plain space
 *    is NOT a separator ("in 1953 300 people" stays two numbers). "1.5" stays a decimal; the
 *    European "13.330" is read as the decimal 13.33 (documented limitation).
 * 2. Unicode: NFKD, combining marks dropped ("Hervé" = "Herve"), lowercase, curly quotes and
 *    apostrophes folded to ASCII, possessive 's dropped ("Orsk's" = "Orsk").
 * 3. Dates become canonical tokens [year, month, day] (month and day as plain numbers), so a
 *    gold "1953" or "June 1953" (= [1953, 6]) is found inside a full date. Recognized:
 *    "16 June 1953", "16th of June, 1953", "June 16, 1953", "June the 16th 1953", "1953-06-16",
 *    "1953/06/16", "June 1953" (= [1953, 6]), "16 June" and "June 16" (= [6, 16]). Month names
 *    may be abbreviated ("Jun", "Sept.") and only become numbers inside such a pattern: a lone
 *    "may" or "June" stays a word (so gold "June" does not match an answer "June 1953" —
 *    accepted limitation). Slashed/dotted D-M-Y vs M-D-Y dates ("16/06/1953") are read only
 *    when unambiguous (one field > 12, or both fields equal); "05/06/1953" is left as the
 *    plain numbers 5 6 1953, because guessing the locale would silently mis-score.
 * 4. Dashes of every kind (hyphen, U+2010-2015, minus, small/full-width hyphen) separate
 *    tokens: "07:00–21:00" = "07:00-21:00" = [7, 0, 21, 0]. (So "-5" reads as "5".)
 * 5. Currency symbols (any Unicode Sc: $ € £ ¥ ₹ ...), "US$", and the words/codes usd, eur,
 *    gbp, jpy, inr, cny, rmb, chf, dollar(s), euro(s), yen, yuan, rupee(s) are dropped:
 *    "€300" = "300 euros" = "300". ("pound(s)" is kept: it is also a weight.)
 * 6. Punctuation: apostrophes and non-decimal periods are deleted ("U.S." = "us", "don't" =
 *    "dont"); all other punctuation becomes a space. A digit directly followed by letters is
 *    split ("5km" = "5 km"), except ordinal suffixes.
 * 7. Articles a/an/the are dropped.
 * 8. Numbers: number words become digits ("twelve" = "12", "twenty-one" = "21",
 *    "one hundred and five" = "105", "a hundred" = "100"); scale words multiply the number
 *    before them, whether spelled or digits ("95 million" = "95,000,000" = "95000000",
 *    "1.5 billion" = "1500000000", "two thousand" = "2 thousand" = "2000"). Abbreviations
 *    like "95m" / "95bn" are not expanded ("m" is also metres). Ordinals become
 *    their number ("first" = "1st" = "1", "16th" = "16", "twenty-second" = "22"; a lone
 *    "second" stays a word because it is usually the time unit). Leading zeros and trailing
 *    decimal zeros are not significant ("07" = "7", "1.50" = "1.5", "2.0" = "2").
 *
 * Tokens also carry a `role` used by the hedge check in lenient.ts: a `quantity` (a cardinal
 * number), a `date` part (with a group id per date), `incidental` (ordinals and the lone word
 * "one", which is mostly a pronoun: "one of the founders"), or a plain `word`.
 */

export type TokenRole = 'word' | 'quantity' | 'date' | 'incidental';

export interface LenientToken {
  text: string;
  role: TokenRole;
  /** Date tokens from the same date expression share a group (unique within one call). */
  group?: number;
}

/** The lenient token sequence of `text` (see the rules above). */
export function lenientTokens(text: string): string[] {
  return lenientTokenize(text).map((t) => t.text);
}

/** Like lenientTokens, keeping each token's role (for the hedge check). */
export function lenientTokenize(text: string): LenientToken[] {
  const out: LenientToken[] = [];
  let group = 0;
  for (const seg of splitDates(prenormalize(text))) {
    if (typeof seg === 'string') out.push(...wordTokens(seg));
    else {
      group++;
      for (const part of seg) out.push({ text: part, role: 'date', group });
    }
  }
  return out;
}

// --- 1 & 2: separators and Unicode --------------------------------------------------------------

// Must run before NFKD, which turns the no-break spaces into plain spaces.
const THOUSANDS_SEP = /(\d)[,\u00A0\u202F\u2007\u2009](?=\d{3}(?!\d))/g;
const COMBINING_MARK = /\p{M}/gu;

function prenormalize(text: string): string {
  return text
    .replace(THOUSANDS_SEP, '$1')
    .normalize('NFKD')
    .replace(COMBINING_MARK, '')
    .toLowerCase()
    .replace(/[\u2018\u2019\u201A\u201B\u2032\u02BC]/g, "'")
    .replace(/[\u201C\u201D\u201E\u201F\u2033]/g, '"')
    .replace(/(\p{L})'s\b/gu, '$1');
}

// --- 3: dates ---------------------------------------------------------------------------------

const MONTHS: Record<string, number> = {
  january: 1, february: 2, march: 3, april: 4, may: 5, june: 6, july: 7, august: 8,
  september: 9, october: 10, november: 11, december: 12,
  jan: 1, feb: 2, mar: 3, apr: 4, jun: 6, jul: 7, aug: 8, sep: 9, sept: 9, oct: 10, nov: 11, dec: 12,
};
// Longest names first so "june" wins over "jun".
const MONTH = `(${Object.keys(MONTHS).sort((a, b) => b.length - a.length).join('|')})\\.?`;
const DAY = '(\\d{1,2})(?:st|nd|rd|th)?';
const YEAR = '(\\d{4})';

type DateParts = { y?: string; m: string | number; d?: string };
interface DatePattern {
  re: RegExp;
  parts: (m: RegExpExecArray) => DateParts | null;
}

// Order matters: at the same start position the first (most complete) pattern wins.
const DATE_PATTERNS: DatePattern[] = [
  { re: new RegExp(`\\b${DAY},? (?:of )?${MONTH},? ${YEAR}\\b`, 'y'), parts: (m) => ({ d: m[1], m: MONTHS[m[2]], y: m[3] }) },
  { re: new RegExp(`\\b${MONTH} (?:the )?${DAY},? ${YEAR}\\b`, 'y'), parts: (m) => ({ m: MONTHS[m[1]], d: m[2], y: m[3] }) },
  { re: new RegExp(`\\b${YEAR}[-/.](\\d{1,2})[-/.](\\d{1,2})\\b`, 'y'), parts: (m) => ({ y: m[1], m: m[2], d: m[3] }) },
  { re: new RegExp(`\\b(\\d{1,2})[/.](\\d{1,2})[/.]${YEAR}\\b`, 'y'), parts: (m) => unambiguousDayMonth(m[1], m[2], m[3]) },
  { re: new RegExp(`\\b${MONTH},? ${YEAR}\\b`, 'y'), parts: (m) => ({ m: MONTHS[m[1]], y: m[2] }) },
  { re: new RegExp(`\\b${DAY} (?:of )?${MONTH}(?![a-z])`, 'y'), parts: (m) => ({ d: m[1], m: MONTHS[m[2]] }) },
  { re: new RegExp(`\\b${MONTH} (?:the )?${DAY}\\b`, 'y'), parts: (m) => ({ m: MONTHS[m[1]], d: m[2] }) },
];

function unambiguousDayMonth(a: string, b: string, y: string): DateParts | null {
  const [x, z] = [Number(a), Number(b)];
  if (x > 12 || x === z) return { d: a, m: b, y };
  if (z > 12) return { m: a, d: b, y };
  return null;
}

/** Canonical [year, month, day] tokens, or null for an impossible date (left as plain text). */
function dateTokens({ y, m, d }: DateParts): string[] | null {
  const month = Number(m);
  if (!(month >= 1 && month <= 12)) return null;
  if (d !== undefined && !(Number(d) >= 1 && Number(d) <= 31)) return null;
  return [y, String(month), d === undefined ? undefined : String(Number(d))].filter((t): t is string => t !== undefined);
}

/** Splits text into plain-text segments and recognized dates (as canonical token lists). */
function splitDates(s: string): (string | string[])[] {
  const out: (string | string[])[] = [];
  let text = '';
  let i = 0;
  while (i < s.length) {
    const date = i === 0 || /[^a-z0-9]/.test(s[i - 1]) ? dateAt(s, i) : null;
    if (date) {
      out.push(text, date.tokens);
      text = '';
      i = date.end;
    } else text += s[i++];
  }
  out.push(text);
  return out.filter((seg) => seg.length > 0);
}

function dateAt(s: string, i: number): { tokens: string[]; end: number } | null {
  for (const { re, parts } of DATE_PATTERNS) {
    re.lastIndex = i;
    const m = re.exec(s);
    const p = m && parts(m);
    const tokens = p && dateTokens(p);
    if (m && tokens) return { tokens, end: i + m[0].length };
  }
  return null;
}

// --- 4-8: words and numbers -------------------------------------------------------------------

const DASHES = /[-\u2010-\u2015\u2212\uFE58\uFE63\uFF0D]/g;
const ARTICLES = new Set(['a', 'an', 'the']);
const CURRENCY_WORDS = new Set(['usd', 'eur', 'gbp', 'jpy', 'inr', 'cny', 'rmb', 'chf', 'dollar', 'dollars', 'euro', 'euros', 'yen', 'yuan', 'rupee', 'rupees']);

function wordTokens(segment: string): LenientToken[] {
  const words = segment
    .replace(DASHES, ' ')
    .replace(/\bus\$/g, ' ')
    .replace(/\p{Sc}/gu, ' ')
    .replace(/(\d)(?=[a-z])(?!(?:st|nd|rd|th)\b)/g, '$1 ')
    .replace(/['`]/g, '')
    .replace(/(?<!\d)\.|\.(?!\d)/g, '')
    .replace(/[^\p{L}\p{N}.\s]/gu, ' ')
    .split(/\s+/)
    .filter((w) => w && !ARTICLES.has(w) && !CURRENCY_WORDS.has(w));
  return numberize(words);
}

const UNITS: Record<string, number> = {
  zero: 0, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9,
  ten: 10, eleven: 11, twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16,
  seventeen: 17, eighteen: 18, nineteen: 19,
};
const TENS: Record<string, number> = { twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90 };
const SCALES: Record<string, number> = { hundred: 100, thousand: 1e3, million: 1e6, billion: 1e9, trillion: 1e12 };
// "second" is deliberately absent (time unit); it is accepted only after a tens word ("twenty-second").
const ORDINAL_UNITS: Record<string, number> = {
  first: 1, third: 3, fourth: 4, fifth: 5, sixth: 6, seventh: 7, eighth: 8, ninth: 9, tenth: 10,
  eleventh: 11, twelfth: 12, thirteenth: 13, fourteenth: 14, fifteenth: 15, sixteenth: 16,
  seventeenth: 17, eighteenth: 18, nineteenth: 19,
};
const ORDINAL_TENS: Record<string, number> = {
  twentieth: 20, thirtieth: 30, fortieth: 40, fiftieth: 50, sixtieth: 60, seventieth: 70, eightieth: 80, ninetieth: 90,
};
/** Own-property lookup, so words like "constructor" are not mistaken for table entries. */
function lookup(table: Record<string, number>, w: string | undefined): number | undefined {
  return w !== undefined && Object.hasOwn(table, w) ? table[w] : undefined;
}

const NUMERAL = /^\d+(?:\.\d+)?$/;
const NUMERAL_ORDINAL = /^(\d+)(?:st|nd|rd|th)$/;

/** Replaces runs of number words (and numeral + scale word) with one canonical number token. */
function numberize(words: string[]): LenientToken[] {
  const out: LenientToken[] = [];
  for (let i = 0; i < words.length; ) {
    const run = readNumber(words, i);
    if (run) {
      const lonePronoun = run.end - i === 1 && words[i] === 'one';
      out.push({ text: canonicalNumber(run.value), role: run.ordinal || lonePronoun ? 'incidental' : 'quantity' });
      i = run.end;
    } else {
      const w = words[i++];
      const ord = NUMERAL_ORDINAL.exec(w);
      if (ord) out.push({ text: canonicalNumber(Number(ord[1])), role: 'incidental' });
      else if (NUMERAL.test(w)) out.push({ text: canonicalNumeral(w), role: 'quantity' });
      else out.push({ text: w, role: 'word' });
    }
  }
  return out;
}

type Last = 'none' | 'unit' | 'tens' | 'hundred' | 'scale' | 'numeral';

/**
 * Reads "twenty one", "one hundred and five", "two thousand", "95 million", "twenty-first"...
 * starting at words[start]. Returns null when no number word starts there (a bare numeral is
 * not a run). The small state machine rejects lists like "one two three" (read as 1, 2, 3).
 */
function readNumber(words: string[], start: number): { value: number; end: number; ordinal: boolean } | null {
  let total = 0;
  let current = 0;
  let last: Last = 'none';
  let i = start;
  let ordinal = false;
  const first = words[start];
  if (NUMERAL.test(first) && lookup(SCALES, words[start + 1]) !== undefined) {
    current = Number(first);
    last = 'numeral';
    i++;
  }
  for (; i < words.length && !ordinal; i++) {
    const w = words[i];
    const tensOk = last === 'none' || last === 'hundred' || last === 'scale';
    const smallOk = tensOk || last === 'tens';
    const unit = lookup(UNITS, w);
    const tens = lookup(TENS, w);
    const ordUnit = w === 'second' && last === 'tens' ? 2 : lookup(ORDINAL_UNITS, w);
    const ordTens = lookup(ORDINAL_TENS, w);
    const scale = lookup(SCALES, w);
    if (unit !== undefined && smallOk) {
      current += unit;
      last = 'unit';
    } else if (tens !== undefined && tensOk) {
      current += tens;
      last = 'tens';
    } else if ((ordUnit !== undefined && smallOk) || (ordTens !== undefined && tensOk)) {
      current += ordUnit ?? ordTens!;
      ordinal = true;
    } else if (w === 'hundred' && last !== 'hundred') {
      current = (current || 1) * 100;
      last = 'hundred';
    } else if (scale !== undefined && w !== 'hundred') {
      total += (current || 1) * scale;
      current = 0;
      last = 'scale';
    } else if (w === 'and' && (last === 'hundred' || last === 'scale') && isSmallNumberWord(words[i + 1])) {
      continue;
    } else break;
  }
  if (i === start) return null;
  return { value: total + current, end: i, ordinal };
}

function isSmallNumberWord(w: string | undefined): boolean {
  return [UNITS, TENS, ORDINAL_UNITS, ORDINAL_TENS].some((t) => lookup(t, w) !== undefined);
}

function canonicalNumber(n: number): string {
  return String(Number(n.toPrecision(15)));
}

/** "007" → "7", "1.50" → "1.5", "2.0" → "2", "0.5" stays. Exact on the digits (no float round trip). */
function canonicalNumeral(s: string): string {
  const [int, frac = ''] = s.split('.');
  const i = int.replace(/^0+(?=\d)/, '');
  const f = frac.replace(/0+$/, '');
  return f ? `${i}.${f}` : i;
}
