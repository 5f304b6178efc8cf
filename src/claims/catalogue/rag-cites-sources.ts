import { metric, type MetricDef } from '../../metrics/registry.js';
import type { LeanRecord } from '../../results/view.js';
import type { MeanCI } from '../../stats/bootstrap.js';
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

/** A metric's values on one pipeline's records (for the difference, which the run's statistics do not hold). */
function values(ctx: ClaimContext, m: MetricDef, name: string): number[] {
  return ctx.result.records.filter((r: LeanRecord) => r.pipeline === name && m.eligible(r)).map(m.value);
}

/** A metric's interval as the run's statistics hold it (null: none eligible), so the claim shows the figures the run reports. */
function interval(ctx: ClaimContext, m: MetricDef, name: string): MeanCI | null {
  return ctx.result.statistics.pipelines.find((p) => p.name === name)?.metrics[m.id] ?? null;
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
    const r = values(ctx, recall, rag.name);
    const f = values(ctx, recall, ft.name);
    if (Math.min(r.length, f.length) < MIN_GROUP) {
      return notMeasured(
        `too few answers: ${rag.name} ${r.length}, ${ft.name} ${f.length}`,
        `needs at least ${MIN_GROUP} answers to questions with gold documents from both ${rag.name} and ${ft.name} (has ${r.length} and ${f.length}): a smaller group has no variance to bootstrap`,
      );
    }
    const e = independentDiffCI(f, r, ctx.bootstrap);
    const hybrid = ctx.roles.first('hybrid');
    const withSources = [rag, ...(hybrid ? [hybrid] : [])];
    const sourced = withSources.map((p) => ({ p, precision: interval(ctx, precision, p.name), recall: interval(ctx, recall, p.name), fabricated: interval(ctx, fabricated, p.name) }));
    const ftFabricated = interval(ctx, fabricated, ft.name);
    const ftCiting = interval(ctx, citing, ft.name);
    const level = ctx.bootstrap.level;
    const described = sourced.map((s) => `${s.p.name} recall ${fmtMeanCI(s.recall)}, precision ${fmtMeanCI(s.precision)}, fabricated ${fmtMeanCI(s.fabricated)}`);
    const ftText = ftFabricated ? `${ft.name} cites in ${fmtMeanCI(ftCiting)} of its answers, ${fmtMeanCI(ftFabricated)} of its cited ids fabricated` : `${ft.name} cites nothing`;
    return {
      verdict: verdictOf(e, 1),
      headline: headlineDiff('citation recall', rag.name, ft.name, e),
      evidence: `${described.join('; ')}; ${ftText}; recall ${describeDiff(e, level)} (${r.length} vs ${f.length} answers)`,
      figures: [
        ...sourced.flatMap((s) => [figure(`citation recall ${s.p.name}`, s.recall), figure(`citation precision ${s.p.name}`, s.precision), figure(`fabricated citations ${s.p.name}`, s.fabricated)]),
        figure(`citation recall ${ft.name}`, interval(ctx, recall, ft.name)),
        figure(`answers citing ${ft.name}`, ftCiting),
        figure(`fabricated citations ${ft.name}`, ftFabricated),
        { label: 'recall difference', value: e.diff, lo: e.lo, hi: e.hi, unit: 'rate' },
      ],
    };
  },
};
