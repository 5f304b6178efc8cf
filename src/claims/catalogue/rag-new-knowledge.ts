import { metric } from '../../metrics/registry.js';
import { notMeasured } from '../outcome.js';
import { pairedEffect, pairedOutcome } from '../paired.js';
import type { ClaimDef } from '../types.js';

const accuracy = metric('accuracy');

/** Facts that appeared after the cutoff: only retrieval can bring them; the model without it is the reference. */
export const ragNewKnowledge: ClaimDef = {
  id: 'rag-new-knowledge',
  claim: 'RAG handles knowledge that is new after the training cutoff, without retraining.',
  test: 'Accuracy on `new` questions, RAG minus the same kind of model without retrieval (closed-book, else fine-tuned), paired (bootstrap CI; failed calls count as wrong).',
  evaluate(ctx) {
    const rag = ctx.roles.first('rag');
    const ref = ctx.roles.first('closed-book') ?? ctx.roles.first('fine-tuned');
    if (!rag || !ref) return notMeasured(`no ${rag ? 'pipeline without retrieval' : 'RAG pipeline'}`, `needs a RAG pipeline and a closed-book or fine-tuned one to compare with (has no ${rag ? 'closed-book or fine-tuned' : 'RAG'} pipeline)`);
    const effect = pairedEffect(ctx, ref.name, rag.name, (r) => r.category === 'new', accuracy.value);
    if (!effect) return notMeasured('no `new` questions', 'needs `new` questions (facts that appeared after the cutoff)');
    return pairedOutcome(ctx, effect, { measure: 'accuracy on new', names: [rag.name, ref.name], headline: ['new', rag.name, ref.name], claimedSign: 1 });
  },
};
