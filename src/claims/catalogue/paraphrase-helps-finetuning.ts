import { metric } from '../../metrics/registry.js';
import { notMeasured } from '../outcome.js';
import { pairedEffect, pairedOutcome } from '../paired.js';
import type { RolePipeline } from '../roles.js';
import type { ClaimDef } from '../types.js';

const accuracy = metric('accuracy');

/** The fine-tuning data variant, by its dataset.json name or file name: `paraphrase`, `plain`, or neither. */
export function dataVariant(data: string | null): 'paraphrase' | 'plain' | null {
  if (data === null) return null;
  if (/paraphras/i.test(data)) return 'paraphrase';
  return /plain/i.test(data) ? 'plain' : null;
}

export const paraphraseHelpsFinetuning: ClaimDef = {
  id: 'paraphrase-helps-finetuning',
  claim: 'Paraphrase augmentation helps fine-tuning absorb facts (Ovadia et al.): several phrasings per fact beat one.',
  test: 'Accuracy on `static` questions (facts in the training data, still true), fine-tuned on the paraphrase variant minus fine-tuned on the plain one, both without retrieval, paired (bootstrap CI).',
  evaluate(ctx) {
    const tuned = ctx.roles.current.filter((p) => p.role === 'fine-tuned');
    const find = (v: 'paraphrase' | 'plain') => tuned.find((p) => dataVariant(p.finetuneData) === v);
    const [para, plain] = [find('paraphrase'), find('plain')];
    if (!para || !plain) {
      const has = tuned.map((p: RolePipeline) => `${p.name}: ${p.finetuneData ?? 'data unknown'}`).join(', ') || 'none';
      return notMeasured(`no ${para ? 'plain' : 'paraphrase'} fine-tune to compare`, `needs two fine-tuned pipelines without retrieval, trained on the paraphrase and the plain variant (has ${has})`);
    }
    const effect = pairedEffect(ctx, plain.name, para.name, (r) => r.category === 'static', accuracy.value);
    if (!effect) return notMeasured('no `static` questions', 'needs `static` questions (facts of the training data, unchanged since)');
    return pairedOutcome(ctx, effect, {
      measure: 'accuracy on static',
      names: [`${para.name} (paraphrase)`, `${plain.name} (plain)`],
      headline: ['static', 'paraphrase', 'plain'],
      claimedSign: 1,
    });
  },
};
