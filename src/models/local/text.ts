/**
 * Text primitives shared by the local models: the usage tokenizer, word tokens with offsets,
 * a light stemmer, stopwords and a sentence splitter. Everything is deterministic and
 * language-agnostic enough for English prose; nothing here knows about any dataset.
 */

/** Usage tokenizer: runs of letters/digits, or single punctuation characters. */
const USAGE_TOKEN = /[\p{L}\p{M}\p{N}]+|[^\s\p{L}\p{M}\p{N}]/gu;

/** Tokens billed for `text`: words and punctuation marks (a deterministic stand-in for BPE). */
export function countTokens(text: string): number {
  let n = 0;
  for (const _ of text.matchAll(USAGE_TOKEN)) n++;
  return n;
}

/** The end offset of the `n`-th usage token, to cut output at `maxOutputTokens`. */
export function tokenPrefixEnd(text: string, n: number): number {
  let seen = 0;
  for (const m of text.matchAll(USAGE_TOKEN)) {
    if (++seen === n) return m.index! + m[0].length;
  }
  return text.length;
}

export interface Token {
  text: string;
  start: number;
  end: number;
  /** Lowercased, possessive `'s` removed. */
  lower: string;
  stem: string;
  /**
   * The stem of the accent-folded base form ("Köln" -> "koln", "wrote" -> "writ"): what the reader
   * compares. (The memory keeps `lower`/`stem`, so this does not change trained fine-tunes' features.)
   */
  key: string;
  /** Word-like token (not punctuation). */
  word: boolean;
  /** First letter is upper case. */
  cap: boolean;
  stop: boolean;
}

/**
 * Reader tokens: numbers keep their inner `,` and `.` (1,250,000 / 3.5), words keep inner
 * hyphens and apostrophes (Okonkwo-Lind, O'Neill), anything else is one punctuation token.
 */
const WORD_TOKEN = /\p{N}+(?:[.,]\p{N}+)*|[\p{L}\p{M}\p{N}]+(?:['’-][\p{L}\p{M}\p{N}]+)*|\S/gu;

export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  for (const m of text.matchAll(WORD_TOKEN)) {
    const t = m[0];
    const word = /[\p{L}\p{N}]/u.test(t);
    const lower = t.toLowerCase().replace(/['’]s$/, '');
    out.push({
      text: t,
      start: m.index!,
      end: m.index! + t.length,
      lower,
      stem: word ? stem(lower) : lower,
      key: word ? stem(baseForm(fold(lower))) : lower,
      word,
      cap: /^\p{Lu}/u.test(t),
      stop: STOPWORDS.has(lower),
    });
  }
  return out;
}

/**
 * Irregular verb forms, mapped to their base form for the reader's comparisons ("wrote" and
 * "written" ask and state what "write" does). "found" is left alone: it is also a verb of its own.
 */
const IRREGULAR: Record<string, string> = Object.fromEntries(
  (
    'wrote:write written:write led:lead began:begin begun:begin built:build bought:buy sold:sell made:make won:win ' +
    'held:hold took:take taken:take gave:give given:give ran:run came:come become:become became:become knew:know ' +
    'known:know grew:grow grown:grow chose:choose chosen:choose drove:drive driven:drive spoke:speak spoken:speak ' +
    'taught:teach thought:think brought:bring left:leave lost:lose met:meet paid:pay sent:send spent:spend stood:stand ' +
    'told:tell understood:understand wore:wear worn:wear struck:strike fought:fight flew:fly flown:fly rose:rise risen:rise ' +
    'fell:fall fallen:fall drew:draw drawn:draw shot:shoot sang:sing sung:sing saw:see seen:see went:go gone:go ' +
    'kept:keep sat:sit set:set ate:eat eaten:eat'
  )
    .split(' ')
    .map((p) => p.split(':') as [string, string]),
);

/** The base form of an irregular verb form ("wrote" -> "write"), else the word. */
export function baseForm(word: string): string {
  return IRREGULAR[word] ?? word;
}

/** Accents and other marks removed (NFKD): "Hervé" -> "Herve", "Köln" -> "Koln". */
export function fold(s: string): string {
  return s.normalize('NFKD').replace(/\p{M}+/gu, '');
}

/** Function words and question scaffolding: they say how a question is asked, not what about. */
export const STOPWORDS = new Set(
  (
    'a an the and or but nor of in on at to for by with from into onto upon about as than then so ' +
    'is are was were be been being am do does did done has have had having will would shall should can could may might must ' +
    'it its it\'s this that these those there here their theirs them they he him his she her hers we us our you your i me my ' +
    'what which who whom whose when where why how whether if else ' +
    'not no yes any all some each every both either neither other another such same own ' +
    'very too also just only even still ever now today currently current presently present latest recent recently nowadays ' +
    'at the moment time day asked answer question please tell know name named called known ' +
    'many much one ones something someone anything anyone people person thing things give tell state list provide identify say ' +
    'since until after before during while although though because however according across along among around between ' +
    'within without through throughout over under above below near per via more most less least several few various numerous certain'
  ).split(/\s+/),
);

/**
 * Light suffix-stripping stemmer (two passes over a short suffix list, then a final `e` and a
 * doubled consonant): conflates found/founded/founding and city/cities. Agent nouns (founder,
 * leader) are left to the synonym groups: stripping -er would also turn posters into post. Both
 * sides of every comparison go through it, so its over-stemming costs only a little precision.
 */
export function stem(word: string): string {
  let w = word.toLowerCase().replace(/['’]s$/, '');
  if (w.length <= 3 || !/^[a-z]+$/.test(w)) return w;
  for (let pass = 0; pass < 2; pass++) {
    const before = w;
    if (/i(es|ed)$/.test(w) && w.length > 4) w = `${w.slice(0, -3)}y`;
    else if (w.endsWith('s') && !/(ss|us|is)$/.test(w)) w = w.slice(0, -1);
    else {
      for (const suf of SUFFIXES) {
        if (w.endsWith(suf) && w.length - suf.length >= 3) {
          w = w.slice(0, -suf.length);
          break;
        }
      }
    }
    if (w === before) break;
  }
  if (w.length > 3 && w.endsWith('e')) w = w.slice(0, -1);
  if (w.length > 3 && /([b-df-hj-np-tv-z])\1$/.test(w) && !/(ll|ss)$/.test(w)) w = w.slice(0, -1);
  return w;
}
const SUFFIXES = ['ions', 'ion', 'ments', 'ment', 'ings', 'ing', 'edly', 'ed', 'ly'];

/**
 * A few general-English word groups that ask for the same fact in different words (a question
 * says "live in", the text says "population"). Words are stemmed when the table is built.
 */
const SYNONYM_GROUPS = [
  'population populous inhabitants residents live reside',
  'lead leader head chief runs chair chairman chairwoman chairperson president director',
  'coach trainer manager manage',
  'spouse married marry wife husband',
  'position role post office job',
  'member membership affiliated affiliation',
  'citizen citizenship nationality',
  'study studied educated attend alma',
  'host presenter present anchor',
  'venue arena stadium ground',
  'found founder foundation establish create start',
  'located location based headquarters headquartered situated seat lies lie stands sits',
  'own owner owned parent possessor proprietor possess acquire purchase bought',
  'born birth birthplace',
  'die died death',
  'elect election vote',
  'build built construct construction',
  'open inaugurate',
  'largest large biggest big',
  'smallest small',
  'begin began beginning',
  'end finish close',
  'speak spoken language',
  'employees employ staff workforce employer',
  'high highest tall tallest height elevation',
  'deep deepest depth',
  'long longest length',
  'wide widest width',
  'old oldest age',
  'far distance',
  'revenue turnover sales',
  'currency money',
];
const SYNONYM_OF = new Map<string, string>();
for (const group of SYNONYM_GROUPS) {
  const stems = group.split(' ').map(stem);
  for (const s of stems) if (!SYNONYM_OF.has(s)) SYNONYM_OF.set(s, stems[0]!);
}

/** The concept a stem stands for: its synonym group, or the stem itself. */
export function concept(stemmed: string): string {
  return SYNONYM_OF.get(stemmed) ?? stemmed;
}

const ABBREVIATIONS = new Set(
  'mr mrs ms dr prof st mt ft jr sr inc ltd co corp no vs etc e.g i.e gen gov sen rep col lt sgt capt approx est dept univ'.split(' '),
);

/** Splits prose into sentences at . ! ? followed by space and a capital/digit/quote, and at newlines. */
export function splitSentences(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split(/\n+/)) {
    let start = 0;
    const re = /[.!?]+["'”’)]*\s+(?=["“'(\p{Lu}\p{N}])/gu;
    for (const m of line.matchAll(re)) {
      const before = line.slice(start, m.index!).match(/([\p{L}.]+)$/u)?.[1] ?? '';
      const last = before.toLowerCase().replace(/\.$/, '');
      // "Dr. Ruiz", "J. Smith", "U.S. Navy": not a sentence end.
      if (ABBREVIATIONS.has(last) || /^\p{Lu}$/u.test(before) || /^(\p{L}\.)+\p{L}?$/u.test(before)) continue;
      const end = m.index! + m[0].length;
      const s = line.slice(start, end).trim();
      if (s) out.push(s);
      start = end;
    }
    const rest = line.slice(start).trim();
    if (rest) out.push(rest);
  }
  return out;
}
