/**
 * Checks a generated item before it is kept. Text checks first (free): the answer, or one of its
 * aliases, must occur in its source version (compared as the lenient scorer compares, on whole
 * tokens after its normalization), a stale answer in the earlier version and not the later, a
 * near-miss's plausible answer in no document at all. Then the model's second pass (`checkItem`)
 * rejects what it finds ambiguous or not answerable from the document alone (for a near miss:
 * answerable). Each rejection has one reason, counted in the run's report.
 */
import type { Category, Document } from '../dataset/schema.js';
import { containsSequence } from '../scoring/lenient.js';
import { lenientTokens } from '../scoring/normalize.js';
import type { Unit } from './corpus.js';
import type { CheckVerdict, GeneratedItem } from './generate.js';

export const REJECTIONS = {
  'answer-not-in-source': 'the answer is not in its source version',
  'answer-changed': 'a static answer is not in the version asked (the fact changed)',
  'answer-in-earlier': 'an updated or new answer was already in the version at the cutoff',
  'stale-not-in-earlier': 'the stale answer is not in the version at the cutoff',
  'stale-still-current': 'the stale answer is still in the later version',
  'same-as-stale': 'the answer and the stale answer are the same',
  'answer-in-corpus': 'a near miss whose plausible answer is in the corpus',
  malformed: 'an empty question or answer',
  'unparseable-generation': 'a generation reply that was not the JSON asked for (one per call)',
  'unparseable-check': 'a check reply that was not the JSON asked for',
  duplicate: 'the same question twice',
  ambiguous: 'the check found it ambiguous',
  'not-answerable': 'the check found it not answerable from its document',
  answerable: 'the check found a near miss answerable',
} as const;
export type Rejection = keyof typeof REJECTIONS;

/** Rejected items (an unparseable generation reply counts per call, since it holds no items). */
export const rejectedItems = (r: Partial<Record<Rejection, number>>) =>
  Object.entries(r).reduce((sum, [k, n]) => sum + (k === 'unparseable-generation' ? 0 : (n ?? 0)), 0);

/** A generated item that passed the text checks, ready for the model's check. */
export interface Candidate {
  kind: Category;
  question: string;
  answers: string[];
  staleAnswers?: string[];
  paraphrases: string[];
  source: Document;
  asOf: string;
  /** Static and updated: the version valid at the cutoff, which the fine-tuning example comes from. */
  atCutoff?: Document;
  /** Unanswerable: what a guesser would say (never an accepted answer). */
  plausibleAnswer?: string;
}

const norm = (s: string) => lenientTokens(s).join(' ');

/** True when `phrase` occurs in `text` as whole tokens, after the lenient scorer's normalization. */
export function occursIn(text: string, phrase: string): boolean {
  const needle = lenientTokens(phrase);
  return needle.length > 0 && containsSequence(lenientTokens(text), needle);
}

/** Distinct by normalized form, first spelling kept, empty ones dropped. */
function distinct(xs: readonly string[]): string[] {
  const seen = new Set<string>();
  return xs.map((x) => x.trim()).filter((x) => {
    const k = norm(x);
    if (!k || seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export type Verified = { ok: true; candidate: Candidate } | { ok: false; reason: Rejection };

/** The text checks of one item of `unit`; `corpus` is every document version (for near misses). */
export function verifyItem(unit: Unit, item: GeneratedItem, corpus: readonly Document[]): Verified {
  const question = item.question?.trim() ?? '';
  const reject = (reason: Rejection): Verified => ({ ok: false, reason });
  const base = { question, source: unit.source, asOf: unit.asOf, paraphrases: distinct(item.paraphrases ?? []) };
  if (!question) return reject('malformed');
  if (unit.kind === 'unanswerable') {
    const plausible = item.plausibleAnswer?.trim() ?? '';
    if (!plausible) return reject('malformed');
    if (corpus.some((d) => occursIn(d.text, plausible))) return reject('answer-in-corpus');
    return { ok: true, candidate: { ...base, kind: 'unanswerable', answers: [], plausibleAnswer: plausible } };
  }
  const answers = distinct([item.answer ?? '', ...(item.aliases ?? [])]);
  if (answers.length === 0) return reject('malformed');
  const inSource = (d: Document) => answers.some((a) => occursIn(d.text, a));
  if (!inSource(unit.source)) return reject(unit.kind === 'static' && unit.earlier && inSource(unit.earlier) ? 'answer-changed' : 'answer-not-in-source');
  if (unit.kind === 'static') {
    if (unit.earlier && !inSource(unit.earlier)) return reject('answer-not-in-source');
    return { ok: true, candidate: { ...base, kind: 'static', answers, atCutoff: unit.earlier ?? unit.source } };
  }
  const stale = item.staleAnswer?.trim();
  if (unit.kind === 'updated' && stale) {
    const staleKey = norm(stale);
    const accepted = answers.filter((a) => norm(a) !== staleKey);
    if (accepted.length === 0) return reject('same-as-stale');
    if (!occursIn(unit.earlier!.text, stale)) return reject('stale-not-in-earlier');
    if (occursIn(unit.source.text, stale)) return reject('stale-still-current');
    if (accepted.some((a) => occursIn(unit.earlier!.text, a))) return reject('answer-in-earlier');
    return { ok: true, candidate: { ...base, kind: 'updated', answers: accepted, staleAnswers: [stale], atCutoff: unit.earlier! } };
  }
  // A new fact: in a new document, or added to a changed one without an earlier value.
  if (unit.earlier && inSource(unit.earlier)) return reject('answer-in-earlier');
  return { ok: true, candidate: { ...base, kind: 'new', answers } };
}

/** The second pass's verdict on a candidate, as a rejection (null: keep it). */
export function checkRejection(kind: Category, v: CheckVerdict | null): Rejection | null {
  if (v === null) return 'unparseable-check';
  if (kind === 'unanswerable') return v.answerable ? 'answerable' : null;
  if (v.ambiguous) return 'ambiguous';
  return v.answerable ? null : 'not-answerable';
}

/** The key two questions share when they ask the same thing. */
export const questionKey = (q: string) => norm(q);
