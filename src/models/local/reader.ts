/**
 * The extractive reader: the `reader` model's whole skill with a context, and the fine-tuned
 * model's reading half. It proposes answer spans, scores each with a small learned linear model
 * over general reading features, and answers with the best one when its calibrated probability of
 * being right reaches the model's threshold; else it abstains.
 *
 * 1. Units: each passage splits into lines; a short line followed by text is a heading (its words
 *    count for the lines under it), a bulleted line is one list item, other lines split into
 *    sentences.
 * 2. Question words (accent-folded stems, synonym-grouped "concepts", stopwords dropped) split into
 *    the entity (capitalized words) and the attribute (the rest, minus a category noun naming the
 *    entity's kind: "the *city* of X"), each weighted by IDF over the units. A unit's entity and
 *    attribute coverage is the weighted share it matches (in its text, its heading, or its
 *    passage's title when the title is about the question's words).
 * 3. Candidates of the expected answer type come from the best-supported units. Each gets the
 *    features in FEATURES (coverage, type fit, distance to question words, whether it repeats the
 *    question, how its nearest date or date range relates to the question's date, ...).
 * 4. score = w . features (READER_MODEL, fitted by scripts/train-reader.ts); the best candidate's
 *    softmax share, its margin over the best different answer and its features map to a probability
 *    of being right (logistic calibration). Below READER_MODEL.threshold the reader abstains.
 * Yes/no questions are answered from the best unit's coverage and negation (yes-no.ts).
 */
import { coordinatedNames, detectAnswerType, extractAgentPhrases, extractCopulaPhrases, extractDates, extractDecades, extractMonthYears, extractNames, extractNumbers, extractNumberWords, extractYears, isCategoryNoun, nameTypeFit, whHeadNoun, type AnswerType, type Span } from './answer-type.js';
import { predictLogistic } from './calibration.js';
import { validOn, type ParsedPrompt } from './prompt.js';
import { READER_MODEL, type ReaderModel } from './reader-model.js';
import { timeFeatures, timeExpressions, type TimeExpression } from './time.js';
import { concept, fold, splitSentences, stem, tokenize, type Token } from './text.js';
import { answerYesNo, isYesNoQuestion } from './yes-no.js';

/**
 * Credit for a question word found only in the passage title, not in the unit itself, when the
 * title is wholly about the question's words; scaled down by the share of title words that are
 * not question words.
 */
const TITLE_CREDIT = 0.9;
/** Credit for a question word found in the heading above a unit. */
const HEADING_CREDIT = 0.7;
/** Credit for matching a synonym ("based" for "headquarters") rather than the word itself. */
const SYNONYM_CREDIT = 0.7;
/** Units, best-supported first, that candidates are drawn from. */
const TOP_UNITS = 30;
/** Tokens on each side of a candidate searched for attribute words (the `window` feature). */
const WINDOW = 8;
/** Endings of nationality adjectives ("German", "Polish", "Japanese", "Dutch", "Iraqi"). */
const DEMONYM = /(an|ese|ish|ch|ic|i)$/;
/** Shared prefix length from which two words count as related forms (see `related`). */
const PREFIX = 5;
/** Lines of at most this many words followed by more text are headings. */
const HEADING_MAX_WORDS = 6;

/** Features of a candidate, in the order of `Candidate.x` and `READER_MODEL.weights`. */
export const FEATURES = [
  'entity', // entity coverage of the unit
  'attribute', // attribute coverage of the unit
  'support', // the unit's coverage relative to the best unit's
  'window', // attribute coverage within WINDOW tokens of the candidate
  'fit', // answer-type fit
  'proximity', // 1 / (1 + 0.1 x tokens to the nearest attribute word, else question word)
  'inQuestion', // share of the candidate's words that are question words
  'timeIn', // its nearest date range holds the question's date
  'timeBefore', // its nearest date is before the question's date: 1 / (1 + years between)
  'timeAfter', // its nearest date is after the question's date
  'timeRecent', // its nearest date started 1 / (1 + years) before the question's date
  'repeated', // other mentions of it in the context (0, 1/3, 2/3, 1)
  'rank', // 1 / (1 + passage index)
  'stale', // the passage is not valid on the question's date
  'heading', // the candidate is a heading line
  'listItem', // the candidate leads a list item
  'anyType', // the question's answer type is ANY (type fit says less)
  'name', // every word of the candidate is capitalized
  'adjectival', // a one-word name used as an adjective ("German professional club")
  'tiny', // two letters or fewer ("Bs")
  'single', // one word
  'unitRank', // 1 / (1 + rank of its unit by coverage)
  'bestFitInUnit', // no candidate of its unit fits the type better
  'windowFit', // window x fit: the asked attribute next to a span of the asked type
  'timeList', // timeIn x listItem: the list entry whose dates hold the question's date
  'product', // entity x attribute x fit x proximity: all at once, as a rule-based reader scores
  'copula', // found across a linking verb from the question's words ("X is Y")
  'stated', // (per question) share of the attribute that units about the entity use at all
  'ofKind', // named or introduced by the asked kind ("which river" -> "the river Sunne")
  'cover', // the unit's coverage of all the question's words (not relative to the best unit)
  'contextCover', // (per question) share of the question's words the context uses anywhere
] as const;

export interface ReaderResult {
  /** null = abstain. */
  answer: string | null;
  /** Calibrated probability that `answer` (the best candidate, also when abstaining) is right. */
  confidence: number;
  type: AnswerType | 'YESNO';
  /** The best candidate, also when declined (what `confidence` is about). */
  best?: string;
  /** The unit the answer came from (for debugging). */
  evidence?: string;
  /** Index of the passage the answer came from (what the model cites). */
  passage?: number;
}

export interface Candidate {
  text: string;
  /** Feature values, in FEATURES order. */
  x: number[];
  evidence: string;
  /** Index of the passage of its unit. */
  passage: number;
}

export interface Unit {
  text: string;
  tokens: Token[];
  /** Exact stems (accent-folded) of the unit's content words. */
  keys: Set<string>;
  concepts: Set<string>;
  /** Concepts of the heading the unit sits under (empty when none), and its exact stems. */
  heading: Set<string>;
  headingKeys: Set<string>;
  title: Set<string>;
  /** Credit for question words found only in the title (see TITLE_CREDIT). */
  titleCredit: number;
  valid: boolean;
  passage: number;
  isHeading: boolean;
  isListItem: boolean;
  times: TimeExpression[];
}

/** What a question asks, as concepts. */
export interface QuestionParts {
  /** Content concepts, each with the exact stems the question used. */
  stems: Map<string, Set<string>>;
  entity: string[];
  attribute: string[];
  /** The kind of answer asked: category nouns and the noun after which/what ("which *basin*"). */
  asked: Set<string>;
}

/** Units and question analysis shared by span and yes/no reading. */
export interface Context {
  q: QuestionParts;
  units: Unit[];
  weight: Map<string, number>;
  /** Coverage of a unit by some of the question's concepts, in [0, 1]. */
  cover: (u: Unit, concepts: readonly string[]) => number;
}

export function read(p: ParsedPrompt, model: ReaderModel = READER_MODEL): ReaderResult {
  return readWithCandidates(p, model).result;
}

/**
 * Whether the context states `answer` for what is asked: it is one of the candidates, in a unit
 * that matches some of the question's attribute (hybrid's corroboration of a remembered answer).
 */
export function supports(candidates: readonly Candidate[], answer: string): boolean {
  return supportOf(candidates, answer) !== undefined;
}

/** The candidate by which the context states `answer` (see `supports`). */
export function supportOf(candidates: readonly Candidate[], answer: string): Candidate | undefined {
  const key = answerKey(answer);
  return candidates.find((c) => c.x[ATTRIBUTE]! > 0 && answerKey(c.text) === key);
}

/** `read`, with the candidates it chose from (none for yes/no questions). */
export function readWithCandidates(p: ParsedPrompt, model: ReaderModel = READER_MODEL): { result: ReaderResult; candidates: Candidate[] } {
  if (isYesNoQuestion(p.question)) return { result: readYesNo(p, model), candidates: [] };
  const { type, candidates } = readCandidates(p);
  return { result: pick(type, candidates, model), candidates };
}

function readYesNo(p: ParsedPrompt, model: ReaderModel): ReaderResult {
  const ctx = context(p);
  const r = ctx ? answerYesNo(ctx, p.question) : undefined;
  const confidence = r ? predictLogistic(model.yesNo, [r.support]) : 0;
  if (!r || confidence < model.threshold) return { answer: null, confidence, type: 'YESNO', best: r?.answer };
  return { answer: r.answer, confidence, type: 'YESNO', best: r.answer, evidence: r.evidence, passage: r.passage };
}

function pick(type: AnswerType, candidates: Candidate[], model: ReaderModel): ReaderResult {
  const best = rankCandidates(candidates, model);
  if (!best) return { answer: null, confidence: 0, type };
  // Kept from the rule-based reader: an answer from a context that does not state what is asked.
  if (unstated(best.candidate)) return { answer: null, confidence: 0, type, best: best.candidate.text };
  if (best.confidence < model.threshold) return { answer: null, confidence: best.confidence, type, best: best.candidate.text };
  return { answer: best.candidate.text, confidence: best.confidence, type, best: best.candidate.text, evidence: best.candidate.evidence, passage: best.candidate.passage };
}

/** The best candidate and its calibrated probability of being right (undefined: no candidate). */
export function rankCandidates(candidates: readonly Candidate[], model: ReaderModel): { candidate: Candidate; confidence: number } | undefined {
  if (candidates.length === 0) return undefined;
  const scores = candidates.map((c) => linear(model, c.x));
  let top = 0;
  scores.forEach((z, i) => {
    if (z > scores[top]!) top = i;
  });
  const best = candidates[top]!;
  // Kept from the rule-based reader: a span that does not fit the asked type well ("Orlenhaven"
  // for "who founded") is doubtful however well its sentence matches.
  const typeFactor = Math.min(1, best.x[FIT]! / FIT_OK);
  return { candidate: best, confidence: predictLogistic(model.calibration, confidenceFeatures(candidates, scores, top)) * typeFactor };
}

/** Type fit from which a candidate counts as fully of the expected type (see rankCandidates). */
const FIT_OK = 0.75;

/**
 * What the calibration reads: the best answer's softmax share among all candidates (how far it
 * stands out; every candidate with the same text counts for it), its margin over the best different answer (capped at 3), and a few of its own
 * features (whether the context states what is asked at all), with entity x attribute coverage
 * x type fit (the rule-based reader's confidence), and how many distinct answers the context
 * offers (log; a context full of names of the asked type is a harder one). Few and general on purpose: a
 * calibration over every feature fitted the training sets' quirks and transferred badly.
 */
export function confidenceFeatures(candidates: readonly Candidate[], scores: readonly number[], top: number): number[] {
  const key = answerKey(candidates[top]!.text);
  let second = -Infinity;
  let sum = 0;
  let same = 0;
  scores.forEach((z, i) => {
    const e = Math.exp(z - scores[top]!);
    sum += e;
    // The same answer found twice (as a name and as an agent phrase) is one answer.
    if (answerKey(candidates[i]!.text) === key) same += e;
    else if (z > second) second = z;
  });
  const x = candidates[top]!.x;
  const distinct = new Set(candidates.map((c) => answerKey(c.text))).size;
  return [same / sum, Math.min(3, scores[top]! - second), ...CONFIDENCE_FEATURES.map((i) => x[i]!), x[ENTITY]! * x[ATTRIBUTE]! * Math.min(1, x[FIT]! / 0.75), Math.log(distinct) / 5];
}

const STATED = FEATURES.indexOf('stated');
const ENTITY = FEATURES.indexOf('entity');
const ATTRIBUTE = FEATURES.indexOf('attribute');
const FIT = FEATURES.indexOf('fit');
/**
 * The reader abstains when the context never states the asked attribute of the entity (see
 * `stated`), or the best answer's own unit does not (attribute coverage 0: "The chief executive
 * officer is Dagny Rell." does not say who founded the company).
 */
export const unstated = (c: Candidate) => c.x[STATED] === 0 || c.x[ATTRIBUTE] === 0;

/**
 * The candidate features the calibration reads: how well the context states what is asked, how
 * much of the question its unit and the whole context cover, and whether its nearest date holds
 * the question's date or lies after it (a value not yet true then).
 */
const CONFIDENCE_FEATURES = (['attribute', 'window', 'cover', 'contextCover', 'timeIn', 'timeAfter'] as const).map((f) => FEATURES.indexOf(f));

export function linear(model: ReaderModel, x: readonly number[]): number {
  let z = model.bias;
  for (let i = 0; i < x.length; i++) z += model.weights[i]! * x[i]!;
  return z;
}

/** An answer as compared: accent-folded, lower case, punctuation as spaces. */
export const answerKey = (s: string) => fold(s.toLowerCase()).replace(/[^\p{L}\p{N}]+/gu, ' ').trim();

/** All candidate answers of the expected type with their features (also what training reads). */
export function readCandidates(p: ParsedPrompt): { type: AnswerType; candidates: Candidate[] } {
  const type = detectAnswerType(p.question);
  const ctx = context(p);
  if (!ctx) return { type, candidates: [] };
  const { q, units, cover } = ctx;
  const all = [...q.stems.keys()];
  const asOfYear = p.asOf ? Number(p.asOf.slice(0, 4)) + (Number(p.asOf.slice(5, 7)) - 1) / 12 : undefined;

  const supported = units.map((u, i) => ({ u, i, support: cover(u, all) * (u.valid ? 1 : 0.8) })).filter((s) => s.support > 0);
  supported.sort((a, b) => b.support - a.support || a.i - b.i);
  const maxSupport = supported[0]?.support ?? 0;
  const lowerWords = new Set(units.flatMap((u) => u.tokens.filter((t) => t.word && !t.cap).map((t) => t.lower)));
  const mentions = new Map<string, number>();
  const contextText = ` ${answerKey(units.map((u) => u.text).join(' '))} `;
  const mentionsOf = (key: string) => {
    if (!mentions.has(key)) mentions.set(key, contextText.split(` ${key} `).length - 1);
    return mentions.get(key)!;
  };

  const qc = new Set(all);
  const attribute = new Set(q.attribute);
  // Does the context say anything of the asked attribute about this entity? (Words the entity's
  // units never use: "Who founded Sun?" over a text on Sun that never mentions founding.)
  const scope = units.filter((u) => cover(u, q.entity) >= 0.5);
  const stated = q.attribute.length ? share(q.attribute, ctx.weight, (c) => Math.max(0, ...scope.map((u) => cover(u, [c])))) : 1;
  // Is the context about the question at all? (A question on a topic the corpus lacks retrieves
  // passages that share only its common words.)
  const contextCover = share(all, ctx.weight, (c) => Math.max(0, ...supported.map(({ u }) => cover(u, [c]))));
  const out: Candidate[] = [];
  for (const [unitRank, { u, support }] of supported.slice(0, TOP_UNITS).entries()) {
    const isQuestionWord = (i: number) => u.tokens[i]!.word && !u.tokens[i]!.stop && qc.has(concept(u.tokens[i]!.key));
    const questionAnchors = u.tokens.map((_, i) => i).filter(isQuestionWord);
    const attributeAnchors = questionAnchors.filter((i) => attribute.has(concept(u.tokens[i]!.key)));
    const anchors = attributeAnchors.length ? attributeAnchors : questionAnchors;
    const unitFeatures = { entity: cover(u, q.entity), attribute: cover(u, q.attribute), support: support / maxSupport, cover: cover(u, all) };
    const found = spans(u, type, isQuestionWord, q.asked, lowerWords);
    const bestFit = Math.max(0, ...found.map((c) => c.fit));
    for (const c of found) {
      const span = trimQuestionWords(c.span, u.tokens, isQuestionWord);
      if (!span) continue;
      const text = clean(span.text);
      const words = tokenize(text).filter((t) => t.word && !t.stop);
      if (!text || words.length === 0) continue;
      // The asked kind inside a candidate is not repeating the question ("Atlantic Records" for
      // "which record label").
      const repeats = words.filter((w) => qc.has(concept(w.key)) && !q.asked.has(concept(w.key))).length;
      const [first, last] = tokenRange(u.tokens, span);
      const dist = anchors.length ? Math.min(...anchors.map((a) => (a < first ? first - a : a > last ? a - last : 0))) : 20;
      const near = new Set(u.tokens.slice(Math.max(0, first - WINDOW), last + WINDOW + 1).filter((t) => t.word).map((t) => concept(t.key)));
      const windowCover = q.attribute.length ? share(q.attribute, ctx.weight, (k) => (near.has(k) ? 1 : 0)) : 1;
      const time = timeFeatures(u.times, span, asOfYear);
      const x: Record<(typeof FEATURES)[number], number> = {
        ...unitFeatures,
        window: windowCover,
        fit: c.fit,
        proximity: 1 / (1 + 0.1 * dist),
        inQuestion: repeats / words.length,
        ...time,
        repeated: Math.min(3, Math.max(0, mentionsOf(answerKey(text)) - 1)) / 3,
        rank: 1 / (1 + u.passage),
        stale: u.valid ? 0 : 1,
        heading: u.isHeading ? 1 : 0,
        listItem: u.isListItem && u.tokens.slice(0, first).filter((t) => t.word && !/^\p{N}/u.test(t.text) && !/^(present|to|and)$/i.test(t.text)).length === 0 ? 1 : 0,
        anyType: type === 'ANY' ? 1 : 0,
        name: words.every((w) => w.cap || /^\p{N}/u.test(w.text)) ? 1 : 0,
        adjectival: first === last && DEMONYM.test(u.tokens[first]!.lower) && !!u.tokens[last + 1]?.word && !u.tokens[last + 1]!.cap && !u.tokens[last + 1]!.stop ? 1 : 0,
        tiny: text.replace(/[^\p{L}\p{N}]/gu, '').length <= 2 ? 1 : 0,
        single: words.length === 1 ? 1 : 0,
        unitRank: 1 / (1 + unitRank),
        bestFitInUnit: c.fit >= bestFit ? 1 : 0,
        windowFit: windowCover * c.fit,
        timeList: 0,
        product: 0,
        copula: c.copula ? 1 : 0,
        stated,
        ofKind: c.ofKind ? 1 : 0,
        contextCover,
      };
      x.timeList = x.timeIn * x.listItem;
      x.product = x.entity * x.attribute * x.fit * x.proximity;
      out.push({ text, x: FEATURES.map((f) => x[f]), evidence: u.text, passage: u.passage });
    }
  }
  return { type, candidates: out };
}

/** Units, question parts and coverage of a prompt; undefined without passages or question words. */
export function context(p: ParsedPrompt): Context | undefined {
  const q = analyzeQuestion(p.question);
  if (p.passages.length === 0 || q.stems.size === 0) return undefined;
  const qConcepts = [...q.stems.keys()];
  const units = splitUnits(p, qConcepts);
  const weight = idfOver(units, qConcepts);
  // A word sharing a long prefix with a question word is a derived form the stemmer leaves apart
  // ("managers" / "managed", "Belarusian" / "Belarus").
  const related = (keys: Set<string>, c: string) => [...q.stems.get(c)!].some((st) => st.length >= PREFIX && [...keys].some((k) => k.length >= PREFIX && (k.startsWith(st) || st.startsWith(k))));
  const match = (u: Unit, c: string) =>
    u.concepts.has(c)
      ? [...q.stems.get(c)!].some((st) => u.keys.has(st))
        ? 1
        : SYNONYM_CREDIT
      : related(u.keys, c)
        ? SYNONYM_CREDIT
        : u.heading.has(c) || related(u.headingKeys, c)
          ? HEADING_CREDIT
          : u.title.has(c)
            ? u.titleCredit
            : 0;
  return { q, units, weight, cover: (u, concepts) => share(concepts, weight, (c) => match(u, c)) };
}

function analyzeQuestion(question: string): QuestionParts {
  const all = tokenize(question);
  const content = all.filter((t) => t.word && !t.stop);
  const stems = new Map<string, Set<string>>();
  for (const t of content) {
    const c = concept(t.key);
    if (!stems.has(c)) stems.set(c, new Set());
    stems.get(c)!.add(t.key);
  }
  // Capitalized words are the entity. A category noun right before it ("the *city* of X", "the
  // *vessel* X") only says what kind of thing the entity is, so it is left out of the attribute.
  const entity = [...new Set(content.filter((t) => t.cap).map((t) => concept(t.key)))];
  const kind = new Set<string>();
  all.forEach((t, i) => {
    if (t.cap || !isCategoryNoun(t.lower) || /^(which|what|whose)$/i.test(all[i - 1]?.text ?? '')) return;
    const next = all.slice(i + 1, i + 3).find((n) => !/^(of|the)$/i.test(n.text));
    if (next?.cap && next.word) kind.add(concept(t.key));
  });
  const attribute = [...stems.keys()].filter((c) => !entity.includes(c) && !kind.has(c));
  const category = new Set(content.filter((t) => !t.cap && isCategoryNoun(t.lower)).map((t) => concept(t.key)));
  const head = whHeadNoun(question);
  const asked = new Set([...category, ...(head ? [concept(stem(fold(head)))] : [])]);
  return { stems, entity, attribute, asked };
}

const BULLET = /^\s*(?:[-*•]|\d{1,3}[.)])\s+/;

function splitUnits(p: ParsedPrompt, qConcepts: string[]): Unit[] {
  const units: Unit[] = [];
  p.passages.forEach((passage, pi) => {
    const titleTokens = tokenize(passage.title).filter((t) => t.word && !t.stop);
    const title = new Set(titleTokens.map((t) => concept(t.key)));
    // A title that is mostly the question's words is about the asked entity ("Veltrana"); one that
    // merely contains it ("Veltrana Mining Company") is about something else.
    const main = [...new Set(tokenize(passage.title.replace(/\([^)]*\)/g, ' ')).filter((t) => t.word && !t.stop).map((t) => concept(t.key)))];
    const titleCredit = main.length ? (TITLE_CREDIT * main.filter((c) => qConcepts.includes(c)).length) / main.length : 0;
    const valid = validOn(passage, p.asOf);
    const lines = passage.text.split('\n').map((l) => l.trim()).filter(Boolean);
    let heading = new Set<string>();
    let headingKeys = new Set<string>();
    const push = (text: string, isHeading: boolean, isListItem: boolean) => {
      const tokens = tokenize(text);
      const content = tokens.filter((t) => t.word && !t.stop);
      units.push({
        text,
        tokens,
        keys: new Set(content.map((t) => t.key)),
        concepts: new Set(content.map((t) => concept(t.key))),
        heading: isHeading ? new Set() : heading,
        headingKeys: isHeading ? new Set() : headingKeys,
        title,
        titleCredit,
        valid,
        passage: pi,
        isHeading,
        isListItem,
        times: timeExpressions(text),
      });
    };
    lines.forEach((line, li) => {
      const words = line.split(/\s+/);
      // A "Key: value" line ("Lead: Teodor Vasile") states something; it is not a heading.
      if (li + 1 < lines.length && words.length <= HEADING_MAX_WORDS && !BULLET.test(line) && !/[,;:]/.test(line) && /^\p{Lu}/u.test(line)) {
        const words = tokenize(line).filter((t) => t.word && !t.stop);
        heading = new Set(words.map((t) => concept(t.key)));
        headingKeys = new Set(words.map((t) => t.key));
        push(line, true, false);
      } else if (BULLET.test(line)) push(line, false, true);
      else for (const s of splitSentences(line)) push(s, false, false);
    });
  });
  return units;
}

/** Weighted share of `concepts` for which `credit` is given; 1 for no concepts. */
function share(concepts: readonly string[], weight: Map<string, number>, credit: (c: string) => number): number {
  let got = 0;
  let all = 0;
  for (const c of concepts) {
    all += weight.get(c)!;
    got += weight.get(c)! * credit(c);
  }
  return all > 0 ? got / all : 1;
}

/** IDF of the question's concepts over the units (heading and title words count as in-unit). */
function idfOver(units: Unit[], qConcepts: string[]): Map<string, number> {
  const n = units.length;
  const idf = new Map<string, number>();
  for (const c of qConcepts) {
    const df = units.filter((u) => u.concepts.has(c) || u.title.has(c) || u.heading.has(c)).length;
    idf.set(c, Math.log(1 + (n + 1) / (df + 0.5)));
  }
  return idf;
}

/** Candidate spans of the expected type with their type fit in (0,1]. */
interface Found {
  span: Span;
  fit: number;
  copula?: boolean;
  ofKind?: boolean;
}

function spans(u: Unit, type: AnswerType, isQuestionWord: (i: number) => boolean, asked: Set<string>, lowerWords: Set<string>): Found[] {
  const t = u.text;
  const out: Found[] = [];
  const add = (found: Span[], fit: number) => found.forEach((span) => out.push({ span, fit }));
  // A name headed or introduced by the asked kind fits it fully: "which basin" -> "Marrow Basin",
  // "which river" -> "the river Sunne".
  const ofKind = (k: number) => k >= 0 && k < u.tokens.length && asked.has(concept(u.tokens[k]!.key));
  const names = (): Found[] => {
    const found = extractNames(t, u.tokens)
      // A lone capitalized word that the context also uses in lower case ("Despite", "Managers")
      // is capitalized by its position, not a name.
      .filter((n) => !(n.first === n.last && lowerWords.has(u.tokens[n.first]!.lower)));
    const single = found.map((n) => {
      const before = u.tokens[n.first - 1]?.lower === 'the' ? n.first - 2 : n.first - 1;
      let kindOf = ofKind(before);
      for (let k = n.first; k <= n.last && !kindOf; k++) kindOf = ofKind(k);
      return { span: n as Span, fit: kindOf ? 1 : nameTypeFit(n, u.tokens, type), ofKind: kindOf };
    });
    // Names joined into one answer: as good a fit as their worst member, fully of the asked kind
    // when it follows them ("Jefferson, Madison and Gallatin rivers" for "which rivers").
    const joined = coordinatedNames(found, u.tokens).map(({ first, last, members }) => {
      const kindAfter = ofKind(last + 1) && !u.tokens[last + 1]!.cap;
      const [start, end] = [u.tokens[first]!.start, u.tokens[last]!.end];
      const fit = kindAfter ? 1 : Math.min(...members.map((m) => single[m]!.fit));
      return { span: { text: t.slice(start, end), start, end }, fit, ofKind: kindAfter };
    });
    return [...single, ...joined];
  };
  // "During what years": a range of years stated as one ("1987–2005").
  const yearRanges = (fit: number) =>
    u.times
      .filter((x) => Number.isFinite(x.from) && Number.isFinite(x.to) && x.from < x.to)
      .forEach((x) => out.push({ span: { text: t.slice(x.start, x.end), start: x.start, end: x.end }, fit }));
  switch (type) {
    case 'DATE': {
      const [full, monthYear] = [extractDates(t), extractMonthYears(t)];
      add(full, 1);
      add(monthYear, 0.9);
      add(extractYears(t).filter((y) => ![...full, ...monthYear].some((d) => d.start <= y.start && y.end <= d.end)), 0.8);
      add(extractDecades(t), 0.6);
      yearRanges(0.6);
      break;
    }
    case 'YEAR':
      add(extractYears(t), 1);
      add(extractDecades(t), 0.7);
      yearRanges(0.8);
      break;
    case 'NUMBER':
      // A bare four-digit number is more likely a year than a quantity.
      for (const n of extractNumbers(t)) out.push({ span: n, fit: /^(1\d|20|21)\d\d$/.test(n.text) ? 0.4 : 1 });
      add(extractNumberWords(t), 0.8);
      break;
    case 'PERSON':
    case 'ORG':
      out.push(...names());
      // "Founded by fishermen": a lowercase agent is a weaker fit than a name.
      add(extractAgentPhrases(t, u.tokens, isQuestionWord), 0.8);
      break;
    case 'PLACE':
      out.push(...names());
      break;
    case 'ANY':
      for (const span of extractCopulaPhrases(t, u.tokens, isQuestionWord)) out.push({ span, fit: 0.6, copula: true });
      out.push(...names());
      add(extractNumbers(t), 0.5);
      add(extractDates(t), 0.5);
      break;
  }
  return out;
}

/**
 * Drops lowercase question words at the edges of a span: the question already says them
 * ("how many kilometres" -> "412", not "412 kilometres"). Capitalized words are part of a name
 * and stay ("Gulf of Tharn").
 */
function trimQuestionWords(span: Span, tokens: Token[], isQuestionWord: (i: number) => boolean): Span | undefined {
  const [from, to] = tokenRange(tokens, span);
  let [first, last] = [from, to];
  const drop = (i: number) => isQuestionWord(i) && !tokens[i]!.cap;
  while (first <= last && drop(first)) first++;
  while (last >= first && drop(last)) last--;
  if (first === from && last === to) return span;
  // What the dropped words leave dangling: "of", "the", punctuation.
  const dangling = (i: number) => !tokens[i]!.word || /^(of|in|on|at|the|a|an)$/.test(tokens[i]!.lower);
  while (first <= last && first !== from && dangling(first)) first++;
  while (last >= first && last !== to && dangling(last)) last--;
  if (first > last) return undefined;
  const start = Math.max(span.start, tokens[first]!.start);
  const end = Math.min(span.end, tokens[last]!.end);
  return { text: span.text.slice(start - span.start, end - span.start), start, end };
}

function tokenRange(tokens: Token[], span: Span): [number, number] {
  let first = tokens.findIndex((t) => t.end > span.start);
  if (first < 0) first = tokens.length - 1;
  let last = first;
  while (last + 1 < tokens.length && tokens[last + 1]!.start < span.end) last++;
  return [first, last];
}

function clean(answer: string): string {
  return answer
    .replace(/['’]s$/, '')
    .replace(/^[\s"“'(]+|[\s"”'),;:.]+$/g, '')
    .trim();
}
