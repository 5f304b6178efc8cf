/**
 * What it costs to keep each approach current, from the corpus timeline the run recorded
 * (`run.corpusTimeline`: every document version that became true after the training cutoff):
 * RAG re-embeds the changed documents when they change; a fine-tune is re-trained on them at a
 * cadence, and until then answers with what it learned before. Every figure rests on the
 * assumptions listed with it (`assumptions`), which reports print.
 */
import type { ResultView } from '../../results/view.js';
import type { PipelineRoles, RolePipeline } from '../roles.js';
import { DAYS_PER_MONTH, daysBetween, latestDate, monthsBetween } from './dates.js';

/** Re-training cadences in months shown by default: monthly, quarterly, yearly. */
export const DEFAULT_CADENCES = [1, 3, 12] as const;

export interface KeepFreshRow {
  /** `re-embed` (RAG) or `re-train` (a fine-tune, on the changed documents only). */
  action: 're-embed' | 're-train';
  /**
   * The pipeline the row is about (for a fine-tuned model several pipelines share, the first):
   * its name, since a provider's fine-tuned model id is too long for a table.
   */
  subject: string;
  /** Months between re-trains; null: on every change. */
  cadenceMonths: number | null;
  /** Re-embeddings or re-trainings over the period (only when something changed). */
  updates: number;
  /** Tokens embedded, or trained (× epochs), over the period. */
  tokens: number;
  /** USD over the period; null when the model is local or its price unknown. */
  usd: number | null;
  /** Estimated seconds on this machine, for local models; else null. */
  localSeconds: number | null;
  /** Mean days a changed document waits until the approach knows it (0: re-embedded the day it changes). */
  staleDays: number;
}

export interface KeepFresh {
  from: string;
  to: string;
  months: number;
  changes: { dates: number; documents: number; tokens: number; chunks: number; meanIntervalDays: number | null };
  rows: KeepFreshRow[];
  assumptions: string[];
}

interface Change {
  date: string;
  documents: number;
  tokens: number;
  chunks: number;
  months: number;
}

/** Changes grouped into re-training windows of `cadence` months after the cutoff: the window each change waits for. */
function windows(changes: Change[], cadence: number) {
  const byWindow = new Map<number, Change[]>();
  for (const c of changes) {
    const k = Math.max(1, Math.ceil(c.months / cadence));
    byWindow.set(k, [...(byWindow.get(k) ?? []), c]);
  }
  const docs = changes.reduce((a, c) => a + c.documents, 0);
  const waited = changes.reduce((a, c) => a + c.documents * (Math.max(1, Math.ceil(c.months / cadence)) * cadence - c.months) * DAYS_PER_MONTH, 0);
  return { updates: byWindow.size, staleDays: docs === 0 ? 0 : waited / docs };
}

/** The fine-tuned models of the run, once each, with a pipeline that carries their training cost. */
function finetunedModels(roles: PipelineRoles): RolePipeline[] {
  const seen = new Set<string>();
  return [...roles.all('fine-tuned'), ...roles.all('hybrid')].filter((p) => !seen.has(p.model) && seen.add(p.model));
}

const fmtUsdPerM = (usdPerToken: number) => `$${(usdPerToken * 1e6).toPrecision(3)}/1M tokens`;

/** Null when the run has no corpus timeline (no training cutoff, or a result written before it was recorded). */
export function keepFreshCosts(result: Pick<ResultView, 'run' | 'pipelines' | 'records'>, roles: PipelineRoles, cadences: readonly number[] = DEFAULT_CADENCES): KeepFresh | null {
  const timeline = result.run.corpusTimeline;
  const cutoff = result.run.dataset.trainingCutoff;
  if (!timeline || cutoff === null) return null;
  const to = latestDate([cutoff, ...timeline.changes.map((c) => c.date), ...result.records.flatMap((r) => (r.asOf ? [r.asOf] : []))])!;
  const changes: Change[] = timeline.changes.map((c) => ({ ...c, months: monthsBetween(cutoff, c.date) }));
  const sum = (f: (c: Change) => number) => changes.reduce((a, c) => a + f(c), 0);
  const days = daysBetween(cutoff, to);
  const summary = { dates: changes.length, documents: sum((c) => c.documents), tokens: sum((c) => c.tokens), chunks: sum((c) => c.chunks), meanIntervalDays: changes.length ? days / changes.length : null };
  const rows: KeepFreshRow[] = [];
  const assumptions = [
    `changes: document versions that became true between the cutoff ${cutoff} and ${to} (the last question or change), from the corpus timeline; tokens are estimated as words × 4/3`,
  ];

  const rag = roles.first('rag');
  if (rag) {
    const summaryOf = result.pipelines.find((p) => p.name === rag.name)!.summary;
    const api = result.run.embeddingCost;
    const perToken = api && api.usd !== null && api.tokens > 0 ? api.usd / api.tokens : null;
    const embedMs = summaryOf.stageLatencyMs.embed?.p50 ?? null;
    rows.push({
      action: 're-embed',
      subject: rag.name,
      cadenceMonths: null,
      updates: summary.dates,
      tokens: summary.tokens,
      usd: perToken === null ? null : summary.tokens * perToken,
      localSeconds: api || embedMs === null ? null : (summary.chunks * embedMs) / 1000,
      staleDays: 0,
    });
    assumptions.push(
      api
        ? `re-embedding: the changed documents' ${summary.chunks} chunks when they change, at ${perToken === null ? 'an unknown price' : `the run's embedding price, ${fmtUsdPerM(perToken)}`}`
        : `re-embedding: the changed documents' ${summary.chunks} chunks when they change, with the local embedding model at this run's median query-embedding time (${embedMs === null ? 'not measured' : `${embedMs.toFixed(2)} ms`} per text; a chunk is longer than a question, batching faster: a rough figure)`,
    );
  }

  for (const ft of finetunedModels(roles)) {
    const bill = result.run.finetunes[ft.model];
    const docsAtCutoff = timeline.atCutoff.documents;
    if (!bill || bill.trainingTokens === null || bill.epochs === null || docsAtCutoff === 0) continue;
    const cost = result.pipelines.find((p) => p.model === ft.model)!.summary.costUsd;
    const trained = bill.trainingTokens * bill.epochs;
    const perDoc = bill.trainingTokens / docsAtCutoff;
    const usdPerToken = ft.local || cost.fineTuningUsd === null || trained === 0 ? null : cost.fineTuningUsd / trained;
    const secondsPerToken = ft.local && trained > 0 ? cost.localCpuSeconds.fineTuning / trained : null;
    const tokens = Math.round(summary.documents * perDoc * bill.epochs);
    for (const cadence of cadences) {
      rows.push({
        action: 're-train',
        subject: ft.name,
        cadenceMonths: cadence,
        ...windows(changes, cadence),
        tokens,
        usd: usdPerToken === null ? null : tokens * usdPerToken,
        localSeconds: secondsPerToken === null ? null : tokens * secondsPerToken,
      });
    }
    assumptions.push(
      `re-training ${ft.name} (${ft.model}): only on the changed documents, with as much training data per document as the first training (${bill.trainingTokens} tokens for ${docsAtCutoff} documents valid at the cutoff) × ${bill.epochs} epochs, ` +
        (ft.local ? `at the first training's CPU seconds per token (${cost.localCpuSeconds.fineTuning.toFixed(1)} s for the first training)` : usdPerToken === null ? 'at an unknown training price' : `at the first training's price, ${fmtUsdPerM(usdPerToken)}`),
    );
  }
  assumptions.push(
    'stale days: mean days a changed document waits for the next re-training (cadences counted from the cutoff; RAG re-embeds on the day of the change). Re-training on the changes alone costs the same at any cadence: the cadence sets how long answers stay stale',
  );
  return { from: cutoff, to, months: days / DAYS_PER_MONTH, changes: summary, rows, assumptions };
}
