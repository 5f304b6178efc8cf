import { CATEGORIES } from '../../dataset/schema.js';
import { metric } from '../../metrics/registry.js';
import type { LeanRecord } from '../../results/view.js';
import { mean, pairedBootstrapDiffCI } from '../../stats/bootstrap.js';
import { headlineDiff, isOutcome, notMeasured, requireRoles } from '../outcome.js';
import { describeDiff } from '../paired.js';
import type { ClaimDef, ClaimVerdict } from '../types.js';

const accuracy = metric('accuracy');
/** Non-inferiority margin: the hybrid "matches" the better pipeline when it is at most this much less accurate. */
export const HYBRID_MARGIN = 0.05;
const f3 = (x: number) => x.toFixed(3);

/**
 * `supported` when the hybrid is non-inferior to the better of RAG and fine-tuned in each
 * category (the interval's low end above −margin), `contradicted` when it is worse by more than
 * the margin (the whole interval below −margin), else `inconclusive`.
 */
function nonInferiority(e: { lo: number; hi: number }, margin: number): ClaimVerdict {
  if (e.lo > -margin) return 'supported';
  if (e.hi < -margin) return 'contradicted';
  return 'inconclusive';
}

export const hybridCombines: ClaimDef = {
  id: 'hybrid-combines',
  claim: 'A hybrid (fine-tuned model + RAG) combines both: as good as the better of the two on every kind of question.',
  test: `Accuracy per answerable category; the hybrid minus, per question, whichever of RAG and fine-tuned is more accurate in that question's category, paired over all answerable questions (bootstrap CI), non-inferiority margin ${HYBRID_MARGIN}.`,
  evaluate(ctx) {
    const roles = requireRoles(ctx, 'rag', 'fine-tuned', 'hybrid');
    if (isOutcome(roles)) return roles;
    const [rag, ft, hybrid] = roles;
    const of = (name: string) => new Map(ctx.result.records.filter((r) => r.pipeline === name && r.category !== 'unanswerable').map((r) => [r.questionId, r]));
    const [rr, rf, rh] = [of(rag.name), of(ft.name), of(hybrid.name)];
    const ids = [...rh.keys()].filter((id) => rr.has(id) && rf.has(id)).sort();
    const best: number[] = [];
    const mine: number[] = [];
    const perCategory: string[] = [];
    for (const cat of CATEGORIES) {
      const inCat = ids.filter((id) => rh.get(id)!.category === cat);
      if (inCat.length === 0) continue;
      const acc = (m: Map<string, LeanRecord>) => mean(inCat.map((id) => accuracy.value(m.get(id)!)));
      const [leader, lead] = acc(rr) >= acc(rf) ? [rr, rag.name] : [rf, ft.name];
      best.push(...inCat.map((id) => accuracy.value(leader.get(id)!)));
      mine.push(...inCat.map((id) => accuracy.value(rh.get(id)!)));
      perCategory.push(`${cat} ${f3(acc(rh))} vs ${lead} ${f3(acc(leader))}`);
    }
    if (best.length === 0) return notMeasured('no answerable questions', 'needs answerable questions answered by all three pipelines');
    const e = pairedBootstrapDiffCI(best, mine, ctx.bootstrap);
    return {
      verdict: nonInferiority(e, HYBRID_MARGIN),
      headline: headlineDiff('acc', hybrid.name, 'best per category', e),
      evidence: `${hybrid.name} vs the better per category (${perCategory.join(', ')}): ${describeDiff(e, ctx.bootstrap.level)}, margin ${HYBRID_MARGIN}, ${best.length} questions`,
      figures: [
        { label: `accuracy ${hybrid.name}`, value: mean(mine), unit: 'rate' },
        { label: 'accuracy, better of RAG and fine-tuned per category', value: mean(best), unit: 'rate' },
        { label: 'difference', value: e.diff, lo: e.lo, hi: e.hi, unit: 'rate' },
      ],
    };
  },
};
