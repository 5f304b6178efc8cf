import type { LeanRecord } from '../../results/view.js';
import { mean, pairedBootstrapDiffCI } from '../../stats/bootstrap.js';
import { headlineDiff, notMeasured } from '../outcome.js';
import { describeDiff, verdictOf } from '../paired.js';
import type { RolePipeline } from '../roles.js';
import type { ClaimDef } from '../types.js';

/** Questions a model cannot answer from what it learned: no answer exists, or it changed or appeared after the cutoff. */
const beyondTraining = (r: LeanRecord) => r.error === null && (r.category === 'unanswerable' || r.category === 'updated' || r.category === 'new');
const f3 = (x: number) => x.toFixed(3);

/** Pipelines with retrieval and one without on the same model: what retrieval alone changes. */
function modelPairs(pipelines: RolePipeline[]): { without: RolePipeline; with: RolePipeline }[] {
  return pipelines
    .filter((p) => p.role === 'rag' || p.role === 'hybrid')
    .flatMap((w) => {
      const without = pipelines.find((p) => (p.role === 'closed-book' || p.role === 'fine-tuned') && p.model === w.model);
      return without ? [{ without, with: w }] : [];
    });
}

export const retrievalCurbsHallucination: ClaimDef = {
  id: 'retrieval-curbs-hallucination',
  claim: 'Retrieval reduces hallucination: with the facts in context, a model invents fewer answers.',
  test: 'Wrong non-abstaining answers on unanswerable, updated and new questions (answered without error), with minus without retrieval on the same model (RAG vs closed-book, hybrid vs fine-tuned), averaged per question over the model pairs the run has, paired (bootstrap CI).',
  evaluate(ctx) {
    const pairs = modelPairs(ctx.roles.current);
    if (pairs.length === 0) return notMeasured('no model run with and without retrieval', 'needs a pipeline with retrieval and one without on the same model (RAG and closed-book, or hybrid and fine-tuned)');
    const index = (name: string) => new Map(ctx.result.records.filter((r) => r.pipeline === name && beyondTraining(r)).map((r) => [r.questionId, r]));
    const indexed = pairs.map((p) => ({ ...p, a: index(p.without.name), b: index(p.with.name) }));
    const ids = [...new Set(indexed.flatMap((p) => [...p.a.keys()].filter((id) => p.b.has(id))))].sort();
    if (ids.length === 0) return notMeasured('no unanswerable/updated/new questions', 'needs unanswerable, updated or new questions answered without error by both pipelines of a pair');
    const bit = (r: LeanRecord) => (r.hallucinated ? 1 : 0);
    const perQuestion = (side: 'a' | 'b') => ids.map((id) => mean(indexed.filter((p) => p.a.has(id) && p.b.has(id)).map((p) => bit(p[side].get(id)!))));
    const [without, withR] = [perQuestion('a'), perQuestion('b')];
    const e = pairedBootstrapDiffCI(without, withR, ctx.bootstrap);
    const each = indexed.map((p) => {
      const both = [...p.a.keys()].filter((id) => p.b.has(id));
      return `${p.with.name} ${f3(mean(both.map((id) => bit(p.b.get(id)!))))} vs ${p.without.name} ${f3(mean(both.map((id) => bit(p.a.get(id)!))))}`;
    });
    return {
      verdict: verdictOf(e, -1),
      headline: headlineDiff('wrong', 'with', 'without retrieval', e),
      evidence: `wrong answers with retrieval ${f3(mean(withR))} vs without ${f3(mean(without))} (${describeDiff(e, ctx.bootstrap.level)}, ${ids.length} questions; ${each.join(', ')})`,
      figures: [
        { label: 'wrong-answer rate with retrieval', value: mean(withR), unit: 'rate' },
        { label: 'wrong-answer rate without retrieval', value: mean(without), unit: 'rate' },
        { label: 'difference', value: e.diff, lo: e.lo, hi: e.hi, unit: 'rate' },
      ],
    };
  },
};
