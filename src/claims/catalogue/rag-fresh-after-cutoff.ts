import { headlineDiff, isOutcome, notMeasured, requireRoles } from '../outcome.js';
import { describeEffect, pairedEffect, verdictOf } from '../paired.js';
import type { ClaimDef } from '../types.js';

/** Stale on an updated question: answered without error with what was true before the update. */
export const ragFreshAfterCutoff: ClaimDef = {
  id: 'rag-fresh-after-cutoff',
  claim: 'RAG answers facts that changed after the training cutoff; fine-tuning answers with what was true before it.',
  test: 'Stale rate on `updated` questions, fine-tuned minus RAG, paired over the questions both answered without error (bootstrap CI).',
  evaluate(ctx) {
    const roles = requireRoles(ctx, 'rag', 'fine-tuned');
    if (isOutcome(roles)) return roles;
    const [rag, ft] = roles;
    const effect = pairedEffect(
      ctx,
      rag.name,
      ft.name,
      (r) => r.category === 'updated' && r.error === null,
      (r) => (r.freshness === 'stale' ? 1 : 0),
    );
    if (!effect) return notMeasured('no `updated` questions', 'needs `updated` questions (facts that changed after the cutoff) answered by both');
    return {
      verdict: verdictOf(effect, 1),
      headline: headlineDiff('stale', ft.name, rag.name, effect),
      evidence: `stale on updated: ${ft.name} vs ${rag.name} ${describeEffect(effect, ctx.bootstrap.level)}`,
      figures: [
        { label: `stale rate ${ft.name}`, value: effect.b, unit: 'rate' },
        { label: `stale rate ${rag.name}`, value: effect.a, unit: 'rate' },
        { label: 'difference', value: effect.diff, lo: effect.lo, hi: effect.hi, unit: 'rate' },
      ],
    };
  },
};
