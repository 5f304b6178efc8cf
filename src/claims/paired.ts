/**
 * The paired test most claims use: an indicator (or score) per question for two pipelines, over
 * the questions eligible in both, and the percentile-bootstrap interval of the difference of means
 * (the same method and seed as the run's statistics).
 */
import type { LeanRecord } from '../results/view.js';
import { mean, pairedBootstrapDiffCI } from '../stats/bootstrap.js';
import { headlineDiff } from './outcome.js';
import type { ClaimContext, ClaimOutcome, ClaimVerdict } from './types.js';

export interface PairedEffect {
  questions: number;
  a: number;
  b: number;
  /** mean(b) − mean(a) with its interval. */
  diff: number;
  lo: number;
  hi: number;
}

/** b minus a on the questions both pipelines have a record for and `eligible` accepts; null when there is none. */
export function pairedEffect(
  ctx: ClaimContext,
  a: string,
  b: string,
  eligible: (r: LeanRecord) => boolean,
  value: (r: LeanRecord) => number,
): PairedEffect | null {
  const of = (name: string) => new Map(ctx.result.records.filter((r) => r.pipeline === name && eligible(r)).map((r) => [r.questionId, r]));
  const ra = of(a);
  const rb = of(b);
  const ids = [...ra.keys()].filter((id) => rb.has(id)).sort();
  if (ids.length === 0) return null;
  const va = ids.map((id) => value(ra.get(id)!));
  const vb = ids.map((id) => value(rb.get(id)!));
  const ci = pairedBootstrapDiffCI(va, vb, ctx.bootstrap);
  return { questions: ids.length, a: mean(va), b: mean(vb), diff: ci.diff, lo: ci.lo, hi: ci.hi };
}

/**
 * `supported` when the interval lies on the claimed side of zero, `contradicted` when it lies on
 * the other side, `inconclusive` when it includes zero.
 */
export function verdictOf(effect: { lo: number; hi: number }, claimedSign: 1 | -1): ClaimVerdict {
  const [lo, hi] = claimedSign === 1 ? [effect.lo, effect.hi] : [-effect.hi, -effect.lo];
  if (lo > 0) return 'supported';
  if (hi < 0) return 'contradicted';
  return 'inconclusive';
}

const f3 = (x: number) => x.toFixed(3);
const signed = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(3)}`;

/** "diff +0.730, 95% CI [0.640, 0.820]". */
export function describeDiff(e: { diff: number; lo: number; hi: number }, level: number): string {
  return `diff ${signed(e.diff)}, ${Math.round(level * 100)}% CI [${f3(e.lo)}, ${f3(e.hi)}]`;
}

/** "0.765 vs 0.035 (diff +0.730, 95% CI [0.640, 0.820], 85 questions)": b first, as claims read "b beats a". */
export function describeEffect(e: PairedEffect, level: number): string {
  return `${f3(e.b)} vs ${f3(e.a)} (${describeDiff(e, level)}, ${e.questions} questions)`;
}

/**
 * The outcome of a claim decided by one paired rate difference b − a: "stale on updated:
 * fine-tuned vs rag 0.765 vs 0.035 (…)", headline "stale fine-tuned − rag +0.73 [0.62, 0.82]".
 * `names` labels b and a in the evidence; `headline` is [what, b, a] in a few words.
 */
export function pairedOutcome(
  ctx: ClaimContext,
  e: PairedEffect,
  o: { measure: string; names: [string, string]; headline: [string, string, string]; claimedSign: 1 | -1 },
): ClaimOutcome {
  const [b, a] = o.names;
  return {
    verdict: verdictOf(e, o.claimedSign),
    headline: headlineDiff(...o.headline, e),
    evidence: `${o.measure}: ${b} vs ${a} ${describeEffect(e, ctx.bootstrap.level)}`,
    figures: [
      { label: `${o.measure} ${b}`, value: e.b, unit: 'rate' },
      { label: `${o.measure} ${a}`, value: e.a, unit: 'rate' },
      { label: 'difference', value: e.diff, lo: e.lo, hi: e.hi, unit: 'rate' },
    ],
  };
}
