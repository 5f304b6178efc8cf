import { metric, type MetricDef } from '../../metrics/registry.js';
import type { LeanRecord } from '../../results/view.js';
import { bootstrapMeanCI, type MeanCI } from '../../stats/bootstrap.js';
import { fmtMeanCI } from '../../stats/format.js';
import { independentDiffCI } from '../../stats/two-sample.js';
import { headlineDiff, isOutcome, notMeasured, requireRoles } from '../outcome.js';
import { describeDiff, verdictOf } from '../paired.js';
import type { RolePipeline } from '../roles.js';
import type { ClaimContext, ClaimDef, ClaimFigure } from '../types.js';
import { MIN_GROUP } from './rag-needs-retrieval.js';

const recall = metric('citationRecall');
const precision = metric('citationPrecision');
const fabricated = metric('fabricatedCitationRate');
const citing = metric('citationRate');

/** A metric's values on one pipeline's records, with their bootstrap interval (null: none eligible). */
function measure(ctx: ClaimContext, m: MetricDef, name: string): { values: number[]; ci: MeanCI | null } {
  const values = ctx.result.records.filter((r: LeanRecord) => r.pipeline === name && m.eligible(r)).map(m.value);
  return { values, ci: values.length === 0 ? null : bootstrapMeanCI(values, ctx.bootstrap) };
}

const figure = (label: string, ci: MeanCI | null): ClaimFigure => (ci ? { label, value: ci.mean, lo: ci.lo, hi: ci.hi, unit: 'rate' } : { label, value: null, unit: 'rate' });

export const ragCitesSources: ClaimDef = {
  id: 'rag-cites-sources',
  claim: 'RAG can cite its sources: its answers name the documents they come from, which a fine-tuned model cannot.',
  test: 'Citation recall (gold source documents cited that were in the context; 0 for an answer citing nothing) over answers to questions with gold documents, RAG minus fine-tuned (two independent samples, bootstrap CI); beside it, citation precision of RAG and hybrid, and the share of cited ids that were not in the context (fabricated) for each pipeline.',
  evaluate(ctx) {
    const roles = requireRoles(ctx, 'rag', 'fine-tuned');
    if (isOutcome(roles)) return roles;
    const [rag, ft] = roles;
    const asked = (p: RolePipeline) => ctx.result.records.some((r) => r.pipeline === p.name && r.citation !== null);
    if (!asked(rag) || !asked(ft)) return notMeasured('no citations asked', 'needs a run that asks for citations (`prompts.cite`, on by default; results written before citations were measured have none)');
    const r = measure(ctx, recall, rag.name);
    const f = measure(ctx, recall, ft.name);
    if (Math.min(r.values.length, f.values.length) < MIN_GROUP) {
      return notMeasured(
        `too few answers: ${rag.name} ${r.values.length}, ${ft.name} ${f.values.length}`,
        `needs at least ${MIN_GROUP} answers to questions with gold documents from both ${rag.name} and ${ft.name} (has ${r.values.length} and ${f.values.length}): a smaller group has no variance to bootstrap`,
      );
    }
    const e = independentDiffCI(f.values, r.values, ctx.bootstrap);
    const hybrid = ctx.roles.first('hybrid');
    const withSources = [rag, ...(hybrid ? [hybrid] : [])];
    const sourced = withSources.map((p) => ({ p, precision: measure(ctx, precision, p.name).ci, recall: p === rag ? r.ci : measure(ctx, recall, p.name).ci, fabricated: measure(ctx, fabricated, p.name).ci }));
    const ftFabricated = measure(ctx, fabricated, ft.name).ci;
    const ftCiting = measure(ctx, citing, ft.name).ci;
    const level = ctx.bootstrap.level;
    const described = sourced.map((s) => `${s.p.name} recall ${fmtMeanCI(s.recall)}, precision ${fmtMeanCI(s.precision)}, fabricated ${fmtMeanCI(s.fabricated)}`);
    const ftText = ftFabricated ? `${ft.name} cites in ${fmtMeanCI(ftCiting)} of its answers, ${fmtMeanCI(ftFabricated)} of its cited ids fabricated` : `${ft.name} cites nothing`;
    return {
      verdict: verdictOf(e, 1),
      headline: headlineDiff('citation recall', rag.name, ft.name, e),
      evidence: `${described.join('; ')}; ${ftText}; recall ${describeDiff(e, level)} (${r.values.length} vs ${f.values.length} answers)`,
      figures: [
        ...sourced.flatMap((s) => [figure(`citation recall ${s.p.name}`, s.recall), figure(`citation precision ${s.p.name}`, s.precision), figure(`fabricated citations ${s.p.name}`, s.fabricated)]),
        figure(`citation recall ${ft.name}`, f.ci),
        figure(`answers citing ${ft.name}`, ftCiting),
        figure(`fabricated citations ${ft.name}`, ftFabricated),
        { label: 'recall difference', value: e.diff, lo: e.lo, hi: e.hi, unit: 'rate' },
      ],
    };
  },
};
