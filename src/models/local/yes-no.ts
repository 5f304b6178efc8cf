/**
 * Yes/no questions ("Is UNIX a registered trademark?", "Was the QL a success?"): the unit that
 * covers most of the question says yes, unless it negates ("It was not a success.").
 */
import type { Context } from './reader.js';
import { tokenize } from './text.js';

const AUXILIARY = /^\s*(?:is|are|was|were|am|do|does|did|has|have|had|can|could|will|would|should|shall|may|might|must|isn'?t|aren'?t|wasn'?t|weren'?t|doesn'?t|don'?t|didn'?t|hasn'?t|haven'?t|can'?t|won'?t)\b/i;
const NEGATION = /^(?:not|no|never|none|neither|nor|without|n't|cannot|lacks?|lacked)$|n't$/i;

/** Starts with an auxiliary verb and offers no alternatives ("Is it X or Y?" asks for one of them). */
export function isYesNoQuestion(question: string): boolean {
  return AUXILIARY.test(question) && !/\bor\b/i.test(question);
}

const negations = (text: string) => tokenize(text).filter((t) => NEGATION.test(t.lower)).length;

/** "Yes"/"No" from the best-covering unit, with that coverage as its support (undefined: nothing covers it). */
export function answerYesNo(ctx: Context, question: string): { answer: 'Yes' | 'No'; support: number; evidence: string; passage: number } | undefined {
  const all = [...ctx.q.stems.keys()];
  let best: { i: number; support: number } | undefined;
  ctx.units.forEach((u, i) => {
    const support = ctx.cover(u, all) * (u.valid ? 1 : 0.8);
    if (!best || support > best.support) best = { i, support };
  });
  if (!best || best.support === 0) return undefined;
  const unit = ctx.units[best.i]!;
  const negated = (negations(unit.text) % 2 === 1) !== (negations(question) % 2 === 1);
  return { answer: negated ? 'No' : 'Yes', support: best.support, evidence: unit.text, passage: unit.passage };
}
