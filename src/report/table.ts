import { terminalTable, wrap } from './terminal-table.js';
import { CATEGORIES } from '../dataset/schema.js';
import { type MetricId, metric } from '../metrics/registry.js';
import type { RunResult, Summary } from '../results/schema.js';
import { isLocal } from '../models/registry.js';

const pct = (x: number | null | undefined) => (x === null || x === undefined ? '–' : (100 * x).toFixed(1));
const ms = (x: number) => (x >= 1000 ? `${(x / 1000).toFixed(2)}s` : `${x.toFixed(x < 10 ? 2 : 0)}ms`);
const usd = (x: number | null) => (x === null ? 'unknown' : x === 0 ? '$0' : x < 0.01 ? `$${x.toPrecision(2)}` : `$${x.toFixed(2)}`);
const value = (s: Pick<Summary, 'metrics'>, id: MetricId) => s.metrics[id]?.value ?? null;
/** "22/30": the count behind a rate, so a reader sees its denominator. */
const count = (s: Pick<Summary, 'metrics'>, id: MetricId) => {
  const m = s.metrics[id];
  return m ? `${Math.round(m.sum)}/${m.n}` : '–';
};

/**
 * One row per pipeline, headline first: answerable accuracy (primary scorer) and strict F1, then
 * unanswerable questions apart (abstained correctly, hallucinated), freshness, cost and speed.
 */
export function formatSummaryTable(result: RunResult): string {
  const k = result.pipelines.find((p) => p.summary.retrievalK)?.summary.retrievalK ?? 5;
  const table = terminalTable(['pipeline', 'acc %', 'F1 %', 'abstain%', 'halluc%', 'stale', 'missing', 'err', 'p50', 'p95', '$/1k q', `R@${k} %`]);
  for (const p of result.pipelines) {
    const s = p.summary;
    table.push([
      p.name,
      pct(value(s, 'accuracy')),
      pct(value(s, 'strictF1')),
      pct(value(s, 'abstentionAccuracy')),
      pct(value(s, 'hallucinationRate')),
      count(s, 'staleRate'),
      count(s, 'missingRate'),
      String(s.errors),
      ms(s.latencyMs.p50),
      ms(s.latencyMs.p95),
      usd(s.costUsd.perThousandQuestionsUsd),
      pct(value(s, 'recall')),
    ]);
  }
  return table.toString();
}

const RETRIEVAL_COLUMNS: { head: (k: number) => string; id: MetricId; show: (x: number | null) => string }[] = [
  { head: (k) => `R@${k} %`, id: 'recall', show: pct },
  { head: () => 'MRR', id: 'mrr', show: (x) => (x === null ? '–' : x.toFixed(3)) },
  { head: (k) => `chunk R@${k} %`, id: 'chunkRecall', show: pct },
  { head: (k) => `answer in context@${k} %`, id: 'answerInContext', show: pct },
];

/**
 * Retrieval of each pipeline with retrieval, beside recall by document: chunk recall (a gold
 * document's retrieved chunk holds the answer) and answer in context (any retrieved chunk does),
 * so a document hit whose answer chunk was missed shows. Empty without retrieval.
 */
export function formatRetrievalTable(result: RunResult): string {
  const retrieving = result.pipelines.filter((p) => p.retrieval);
  if (retrieving.length === 0) return '';
  const k = retrieving[0]!.summary.retrievalK ?? 5;
  const mode = (result.run.config as { retrieval?: { mode?: string } }).retrieval?.mode ?? 'dense';
  const table = terminalTable([`retrieval: ${mode}`, ...RETRIEVAL_COLUMNS.map((c) => c.head(k))]);
  for (const p of retrieving) table.push([p.name, ...RETRIEVAL_COLUMNS.map((c) => c.show(value(p.summary, c.id)))]);
  return table.toString();
}

/** Accuracy % per category (abstention accuracy for unanswerable), pipelines as rows. */
export function formatCategoryTable(result: RunResult): string {
  const first = result.pipelines[0]?.summary.byCategory;
  const head = CATEGORIES.map((c) => `${c === 'unanswerable' ? 'unans.: abstain' : c} n=${first?.[c]?.questions ?? 0}`);
  const table = terminalTable(['acc % by category', ...head]);
  for (const p of result.pipelines) {
    table.push([p.name, ...CATEGORIES.map((c) => pct(p.summary.byCategory[c]?.metrics[c === 'unanswerable' ? 'abstentionAccuracy' : 'accuracy']?.value))]);
  }
  return table.toString();
}

/** Footnotes a reader needs to read the tables right. */
export function formatNotes(result: RunResult): string {
  const lines: string[] = [];
  const scoring = result.run.scoring;
  lines.push(
    `acc: ${metric('accuracy').description.replace('the primary scorer', `the ${scoring.primary} scorer`)} F1: strict SQuAD F1 on answerable questions. ` +
      'abstain/halluc: unanswerable questions declined / answered anyway.',
  );
  lines.push('stale: updated questions answered with the pre-update value; missing: post-cutoff questions abstained on (calls that failed are left out of both).');
  lines.push(`models: ${result.pipelines.map((p) => `${p.name} ${p.model}`).join(', ')}`);
  if (scoring.judge) {
    const j = scoring.judge;
    const kappa = j.agreement.lenient.kappa === null ? '–' : j.agreement.lenient.kappa.toFixed(2);
    lines.push(`judge ${j.model}: ${j.calls} calls (${j.errors} errors, ${j.cached} cached), cost ${usd(j.usd)}; agreement with lenient κ ${kappa} on ${j.agreement.lenient.n}.`);
  }
  const cached = result.pipelines.reduce((a, p) => a + p.summary.cached, 0);
  if (cached) lines.push(`${cached} answers came from the response cache; latency percentiles use the ${result.records.length - cached} measured calls only.`);
  const embedCached = result.pipelines.filter((p) => p.summary.cachedEmbeddings > 0).map((p) => `${p.name} ${p.summary.cachedEmbeddings}`);
  if (embedCached.length) lines.push(`query embeddings from the embedding cache: ${embedCached.join(', ')}; embed-stage latency (stageLatencyMs.embed) counts computed ones only.`);
  const truncated = result.pipelines.filter((p) => p.summary.truncated > 0).map((p) => `${p.name} ${p.summary.truncated}`);
  if (truncated.length) lines.push(`answers cut by the output-token limit: ${truncated.join(', ')}.`);
  const local = result.pipelines.filter((p) => isLocal(p.model));
  if (local.length) {
    const secs = local.map((p) => {
      const c = p.summary.costUsd.localCpuSeconds;
      return `${p.name} ${c.inference === null ? '–' : `${c.inference.toFixed(2)}s`}${c.fineTuning ? ` (+${c.fineTuning.toFixed(1)}s training)` : ''}`;
    });
    lines.push(`Local models have no token price; CPU time of their computation instead: ${secs.join(', ')}.`);
  }
  for (const w of result.run.warnings) lines.push(`warning: ${w}`);
  return lines.map((l) => wrap(l)).join('\n');
}
