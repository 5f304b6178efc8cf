import { isOutcome, notMeasured, requireRoles } from '../outcome.js';
import { pairedEffect, pairedOutcome } from '../paired.js';
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
    return pairedOutcome(ctx, effect, { measure: 'stale on updated', names: [ft.name, rag.name], headline: ['stale', ft.name, rag.name], claimedSign: 1 });
  },
};
