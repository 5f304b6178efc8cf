import { metric } from '../../metrics/registry.js';
import { isOutcome, notMeasured, requireRoles } from '../outcome.js';
import { pairedEffect, pairedOutcome } from '../paired.js';
import type { ClaimDef } from '../types.js';

const accuracy = metric('accuracy');

/** Static facts were in the fine-tuning data and are still true: what fine-tuning can teach. */
export const finetuneSpecializes: ClaimDef = {
  id: 'finetune-specializes',
  claim: 'Fine-tuning specializes the model on in-domain facts that do not change.',
  test: 'Accuracy on `static` questions, fine-tuned minus the closed-book base model, paired (bootstrap CI; failed calls count as wrong).',
  evaluate(ctx) {
    const roles = requireRoles(ctx, 'closed-book', 'fine-tuned');
    if (isOutcome(roles)) return roles;
    const [base, ft] = roles;
    const effect = pairedEffect(ctx, base.name, ft.name, (r) => r.category === 'static', accuracy.value);
    if (!effect) return notMeasured('no `static` questions', 'needs `static` questions (facts unchanged since the cutoff)');
    return pairedOutcome(ctx, effect, { measure: 'accuracy on static', names: [ft.name, base.name], headline: ['static', ft.name, base.name], claimedSign: 1 });
  },
};
