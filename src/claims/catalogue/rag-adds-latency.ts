import { percentiles } from '../../metrics/percentiles.js';
import type { LeanRecord } from '../../results/view.js';
import { pairedPercentileRatioCIs, type RatioCI } from '../../stats/quantile-ratio.js';
import { isOutcome, notMeasured, requireRoles } from '../outcome.js';
import { verdictOf } from '../paired.js';
import type { ClaimDef } from '../types.js';

/** A measured call: cached answers did not wait for a model, failed ones did not finish. */
const measured = (r: LeanRecord) => !r.cached && r.error === null;
const ms = (x: number | null | undefined) => (x === null || x === undefined ? '–' : x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(x < 10 ? 2 : 1)} ms`);
const ratio = (r: RatioCI) => `${r.ratio.toFixed(2)}× [${r.lo.toFixed(2)}, ${r.hi.toFixed(2)}]`;

export const ragAddsLatency: ClaimDef = {
  id: 'rag-adds-latency',
  claim: 'RAG adds latency: retrieval and a longer prompt make each answer slower.',
  test: 'p50 and p95 of total latency, RAG over fine-tuned, on the questions both answered by a measured call (not cached, no error); percentile-bootstrap CI of the ratio over questions, decided on p50; RAG per stage (embed, search, generate) beside it.',
  evaluate(ctx) {
    const roles = requireRoles(ctx, 'rag', 'fine-tuned');
    if (isOutcome(roles)) return roles;
    const [rag, ft] = roles;
    const of = (name: string) => new Map(ctx.result.records.filter((r) => r.pipeline === name && measured(r)).map((r) => [r.questionId, r]));
    const rr = of(rag.name);
    const rf = of(ft.name);
    const ids = [...rr.keys()].filter((id) => rf.has(id)).sort();
    if (ids.length === 0) return notMeasured('no measured calls', 'needs questions both pipelines answered by a measured call (every answer was cached or failed: rerun with --no-cache)');
    const a = ids.map((id) => rf.get(id)!.latencyMs.total);
    const b = ids.map((id) => rr.get(id)!.latencyMs.total);
    const [p50, p95] = pairedPercentileRatioCIs(a, b, [50, 95], ctx.bootstrap) as [RatioCI, RatioCI];
    const stage = (f: (r: LeanRecord) => number | null) => percentiles(ids.map((id) => f(rr.get(id)!)).filter((x): x is number => x !== null))?.p50 ?? null;
    const stages = { embed: stage((r) => r.latencyMs.embed), search: stage((r) => r.latencyMs.search), generate: stage((r) => r.latencyMs.generate) };
    const level = Math.round(ctx.bootstrap.level * 100);
    return {
      // Decided on the ratio's distance from 1 (no added latency).
      verdict: verdictOf({ lo: p50.lo - 1, hi: p50.hi - 1 }, 1),
      headline: `p50 ${rag.name} / ${ft.name} ${ratio(p50)}, p95 ${p95.ratio.toFixed(2)}×`,
      evidence:
        `${rag.name} vs ${ft.name} p50 ${ms(percentiles(b)!.p50)} vs ${ms(percentiles(a)!.p50)}: ${ratio(p50)}, p95 ${ratio(p95)} (${level}% CI, ${ids.length} questions); ` +
        `${rag.name} p50 per stage: embed ${ms(stages.embed)}, search ${ms(stages.search)}, generate ${ms(stages.generate)}`,
      figures: [
        { label: 'p50 ratio', value: p50.ratio, lo: p50.lo, hi: p50.hi, unit: 'ratio' },
        { label: 'p95 ratio', value: p95.ratio, lo: p95.lo, hi: p95.hi, unit: 'ratio' },
        { label: `p50 ${rag.name}`, value: percentiles(b)!.p50, unit: 'ms' },
        { label: `p50 ${ft.name}`, value: percentiles(a)!.p50, unit: 'ms' },
        { label: `p50 embed ${rag.name}`, value: stages.embed, unit: 'ms' },
        { label: `p50 search ${rag.name}`, value: stages.search, unit: 'ms' },
        { label: `p50 generate ${rag.name}`, value: stages.generate, unit: 'ms' },
      ],
    };
  },
};
