import { keepFreshCosts } from '../freshness/keep-fresh.js';
import { headlineDiff, isOutcome, notMeasured, requireRoles } from '../outcome.js';
import { pairedEffect, verdictOf } from '../paired.js';
import type { ClaimDef, ClaimFigure } from '../types.js';

const usd = (x: number) => (x === 0 ? '$0' : x < 0.01 ? `$${x.toPrecision(2)}` : `$${x.toFixed(2)}`);
const int = (x: number) => Math.round(x).toLocaleString('en-US');

export const ragCostsMore: ClaimDef = {
  id: 'rag-costs-more',
  claim: 'RAG costs more per query (retrieved context makes every prompt longer); fine-tuning costs training up front, and again to stay fresh.',
  test:
    'Inference cost per 1,000 questions, RAG minus fine-tuned, paired per question (bootstrap CI), with input tokens per question beside it; break-even query volume = training cost / saving per query, ' +
    'and the queries per month that pay for re-training on the facts that changed (corpus timeline). Local models have no price: USD is not measured, CPU seconds are reported.',
  evaluate(ctx) {
    const roles = requireRoles(ctx, 'rag', 'fine-tuned');
    if (isOutcome(roles)) return roles;
    const [rag, ft] = roles;
    const summary = (name: string) => ctx.result.pipelines.find((p) => p.name === name)!.summary;
    const tokens = pairedEffect(ctx, ft.name, rag.name, (r) => r.tokens !== null, (r) => r.tokens!.input);
    const cpuPerK = (name: string) => {
      const s = summary(name);
      return s.costUsd.localCpuSeconds.inference === null || s.questions === 0 ? null : (1000 * s.costUsd.localCpuSeconds.inference) / s.questions;
    };
    const figures: ClaimFigure[] = [];
    const parts: string[] = [];
    if (tokens) {
      parts.push(`input tokens per question ${rag.name} ${int(tokens.b)} vs ${ft.name} ${int(tokens.a)}`);
      figures.push({ label: `input tokens/question ${rag.name}`, value: tokens.b, unit: 'count' }, { label: `input tokens/question ${ft.name}`, value: tokens.a, unit: 'count' });
    }
    const local = [rag, ft].filter((p) => p.local);
    if (local.length > 0) {
      const [cr, cf] = [cpuPerK(rag.name), cpuPerK(ft.name)];
      if (cr !== null && cf !== null) {
        parts.push(`CPU per 1,000 questions ${cr.toFixed(2)} s vs ${cf.toFixed(2)} s (training ${summary(ft.name).costUsd.localCpuSeconds.fineTuning.toFixed(1)} s)`);
        figures.push({ label: `CPU s/1k questions ${rag.name}`, value: cr, unit: 'count' }, { label: `CPU s/1k questions ${ft.name}`, value: cf, unit: 'count' });
      }
      return notMeasured('no USD: local models have no price', `USD per query: ${local.map((p) => p.name).join(' and ')} ${local.length > 1 ? 'run' : 'runs'} on local models, which have no price (CPU seconds instead)`, parts.join('; '), figures);
    }
    const cost = pairedEffect(ctx, ft.name, rag.name, (r) => r.costUsd !== null, (r) => r.costUsd!);
    const unpriced = [rag, ft].filter((p) => summary(p.name).costUsd.inferenceUsd === null);
    if (!cost || unpriced.length > 0) {
      return notMeasured('no USD: price or usage unknown', `USD per query: the price or token usage of ${unpriced.map((p) => p.name).join(' and ') || 'both'} is unknown (add the model under cost.prices)`, parts.join('; '), figures);
    }
    const level = Math.round(ctx.bootstrap.level * 100);
    parts.unshift(`per 1,000 questions ${rag.name} ${usd(1000 * cost.b)} vs ${ft.name} ${usd(1000 * cost.a)} (diff ${usd(1000 * cost.diff)}, ${level}% CI [${usd(1000 * cost.lo)}, ${usd(1000 * cost.hi)}])`);
    figures.unshift({ label: 'USD per 1,000 questions, difference', value: 1000 * cost.diff, lo: 1000 * cost.lo, hi: 1000 * cost.hi, unit: 'usd' });
    const training = summary(ft.name).costUsd.fineTuningUsd;
    const saving = cost.diff;
    if (training === null) parts.push('training cost unknown: no break-even');
    else if (saving <= 0) parts.push(`fine-tuning never pays back its training (${usd(training)}): its queries cost no less than RAG's`);
    else {
      parts.push(`training ${usd(training)} paid back after ${int(training / saving)} queries`);
      figures.push({ label: 'break-even queries', value: training / saving, unit: 'count' });
      const fresh = keepFreshCosts(ctx.result, ctx.roles, [1]);
      const row = fresh?.rows.find((r) => r.action === 're-train' && r.subject === ft.name);
      if (fresh && row?.usd != null && fresh.months > 0 && fresh.changes.meanIntervalDays !== null) {
        const perMonth = row.usd / fresh.months;
        parts.push(`facts changed every ${fresh.changes.meanIntervalDays.toFixed(0)} days: re-training on them costs ${usd(perMonth)}/month, paid back by ${int(perMonth / saving)} queries/month`);
        figures.push({ label: 'break-even queries per month (monthly re-training)', value: perMonth / saving, unit: 'count' });
      }
    }
    const perK = { diff: 1000 * cost.diff, lo: 1000 * cost.lo, hi: 1000 * cost.hi };
    return { verdict: verdictOf(cost, 1), headline: headlineDiff('$/1k q', rag.name, ft.name, perK), evidence: parts.join('; '), figures };
  },
};
