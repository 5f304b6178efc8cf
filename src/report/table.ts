import { clipLine, terminalTable, WIDTH, widthOf, wrap } from './terminal-table.js';
import { CATEGORIES } from '../dataset/schema.js';
import { type MetricId, metric } from '../metrics/registry.js';
import type { PipelineResult, Summary } from '../results/schema.js';
import type { ResultView } from '../results/view.js';
import { isLocal } from '../models/registry.js';

const pct = (x: number | null | undefined) => (x === null || x === undefined ? '–' : (100 * x).toFixed(1));
const ms = (x: number) => (x >= 1000 ? `${(x / 1000).toFixed(2)}s` : `${x.toFixed(x < 10 ? 2 : 0)}ms`);
const usd = (x: number | null) => (x === null ? 'unknown' : x === 0 ? '$0' : x < 0.01 ? `$${x.toPrecision(2)}` : `$${x.toFixed(2)}`);
const secs = (x: number) => x.toFixed(x < 10 ? 2 : x < 100 ? 1 : 0);
const value = (s: Pick<Summary, 'metrics'>, id: MetricId) => s.metrics[id]?.value ?? null;
/** "22/30": the count behind a rate, so a reader sees its denominator. */
const count = (s: Pick<Summary, 'metrics'>, id: MetricId) => {
  const m = s.metrics[id];
  return m ? `${Math.round(m.sum)}/${m.n}` : '–';
};
/** A latency percentile; "–" when no call was measured (all cached or failed). */
const latency = (s: Summary, q: 'p50' | 'p95') => (s.latencyMs.count === 0 ? '–' : ms(s.latencyMs[q]));
const retrievalK = (result: ResultView) => result.pipelines.find((p) => p.summary.retrievalK)?.summary.retrievalK ?? 5;
const localPipelines = (result: ResultView) => result.pipelines.filter((p) => isLocal(p.model));

/**
 * Cost per 1,000 questions: USD (inference plus fine-tuning amortized), or for a local model,
 * which has no token price, the CPU seconds of its computation (mean CPU ms of a computed call is
 * CPU s per 1,000; cached answers computed nothing and are left out).
 */
export function costPerThousand(result: ResultView, p: PipelineResult): string {
  if (!isLocal(p.model)) return usd(p.summary.costUsd.perThousandQuestionsUsd);
  const cpu = result.records.filter((r) => r.pipeline === p.name && r.cpuMs !== null);
  return cpu.length ? `${secs(cpu.reduce((a, r) => a + r.cpuMs!, 0) / cpu.length)} CPU s` : '–';
}

function headlineTable(result: ResultView, withCi: boolean): string {
  const level = Math.round(100 * result.statistics.method.level);
  const table = terminalTable(['pipeline', withCi ? `acc % [${level}% CI]` : 'acc %', 'abstain %', 'stale', 'p50', 'cost/1k q', `R@${retrievalK(result)} %`]);
  for (const p of result.pipelines) {
    const s = p.summary;
    const ci = result.statistics.pipelines.find((x) => x.name === p.name)?.metrics.accuracy;
    const acc = pct(value(s, 'accuracy'));
    table.push([p.name, withCi && ci ? `${acc} [${pct(ci.lo)}, ${pct(ci.hi)}]` : acc, pct(value(s, 'abstentionAccuracy')), count(s, 'staleRate'), latency(s, 'p50'), costPerThousand(result, p), pct(value(s, 'recall'))]);
  }
  return table.toString();
}

/** Warnings shown under the headline; the rest are counted (all are in the details and the JSON). */
const HEADLINE_WARNINGS = 3;

/** The lines a reader needs to read the headline right, and only those. */
function headlineNotes(result: ResultView, withCi: boolean): string[] {
  const level = Math.round(100 * result.statistics.method.level);
  const lines = [
    `acc: answerable questions right under the ${result.run.scoring.primary} scorer${withCi ? ` (${level}% bootstrap CI)` : ''}; ` +
      'abstain: unanswerable questions declined; stale: updated questions answered with the pre-update value.',
  ];
  const local = localPipelines(result);
  if (local.length) {
    const training = new Map(local.filter((p) => p.summary.costUsd.localCpuSeconds.fineTuning > 0).map((p) => [p.model, p.summary.costUsd.localCpuSeconds.fineTuning]));
    const trained = [...training].map(([model, s]) => `${model} ${secs(s)} s`).join(', ');
    lines.push(`CPU s: local models have no token price; CPU seconds of their computation per 1,000 questions${trained ? ` (training: ${trained})` : ''}.`);
  }
  const failed = result.pipelines.filter((p) => p.summary.errors > 0);
  if (failed.length) {
    const kinds = (s: Summary) => Object.entries(s.errorsByKind).map(([kind, n]) => `${kind} ${n}`).join(', ');
    lines.push(`failed calls (counted wrong): ${failed.map((p) => `${p.name} ${p.summary.errors}/${p.summary.questions} (${kinds(p.summary)})`).join(', ')}.`);
  }
  const cached = cachedNote(result);
  if (cached) lines.push(cached);
  const warnings = result.run.warnings;
  const shown = warnings.slice(0, warnings.length > HEADLINE_WARNINGS ? HEADLINE_WARNINGS - 1 : HEADLINE_WARNINGS);
  const wrapped = lines.map((l) => wrap(l));
  return [...wrapped, ...shown.map((w) => clipLine(`warning: ${w}`)), ...(warnings.length > shown.length ? [`and ${warnings.length - shown.length} more warning(s): see --details`] : [])];
}

/**
 * The default view of a run: one row per pipeline with the figures that decide between them —
 * answerable accuracy (with its CI while the table fits 100 columns), abstention on unanswerable
 * questions, stale answers on updated ones, p50 latency, cost per 1,000 questions and recall —
 * and the few lines needed to read it. Everything else is in `formatDetails` and the JSON.
 */
export function formatHeadline(result: ResultView): string {
  const withCi = headlineTable(result, true);
  const ci = widthOf(withCi) <= WIDTH;
  return [ci ? withCi : headlineTable(result, false), ...headlineNotes(result, ci)].join('\n');
}

/**
 * One row per pipeline, every summary figure (details): answerable accuracy (primary scorer) and
 * strict F1, then unanswerable questions apart (abstained correctly, hallucinated), freshness,
 * failed calls, latency and cost. Recall is in the retrieval table.
 */
export function formatSummaryTable(result: ResultView): string {
  const table = terminalTable(['pipeline', 'acc %', 'F1 %', 'abstain%', 'halluc%', 'stale', 'missing', 'err', 'p50', 'p95', 'cost/1k q']);
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
      latency(s, 'p50'),
      latency(s, 'p95'),
      costPerThousand(result, p),
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
export function formatRetrievalTable(result: ResultView): string {
  const retrieving = result.pipelines.filter((p) => p.retrieval);
  if (retrieving.length === 0) return '';
  const k = retrieving[0]!.summary.retrievalK ?? 5;
  const mode = (result.run.config as { retrieval?: { mode?: string } }).retrieval?.mode ?? 'dense';
  const table = terminalTable([`retrieval: ${mode}`, ...RETRIEVAL_COLUMNS.map((c) => c.head(k))]);
  for (const p of retrieving) table.push([p.name, ...RETRIEVAL_COLUMNS.map((c) => c.show(value(p.summary, c.id)))]);
  return table.toString();
}

/** Accuracy % per category (abstention accuracy for unanswerable), pipelines as rows. */
export function formatCategoryTable(result: ResultView): string {
  const first = result.pipelines[0]?.summary.byCategory;
  const head = CATEGORIES.map((c) => `${c === 'unanswerable' ? 'unans.: abstain' : c} n=${first?.[c]?.questions ?? 0}`);
  const table = terminalTable(['acc % by category', ...head]);
  for (const p of result.pipelines) {
    table.push([p.name, ...CATEGORIES.map((c) => pct(p.summary.byCategory[c]?.metrics[c === 'unanswerable' ? 'abstentionAccuracy' : 'accuracy']?.value))]);
  }
  return table.toString();
}

/** Footnotes a reader needs to read the tables right. */
export function formatNotes(result: ResultView): string {
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
  const cached = cachedNote(result);
  if (cached) lines.push(cached);
  const embedCached = result.pipelines.filter((p) => p.summary.cachedEmbeddings > 0).map((p) => `${p.name} ${p.summary.cachedEmbeddings}`);
  if (embedCached.length) lines.push(`query embeddings from the embedding cache: ${embedCached.join(', ')}; embed-stage latency (stageLatencyMs.embed) counts computed ones only.`);
  const truncated = result.pipelines.filter((p) => p.summary.truncated > 0).map((p) => `${p.name} ${p.summary.truncated}`);
  if (truncated.length) lines.push(`answers cut by the output-token limit: ${truncated.join(', ')}.`);
  const local = localPipelines(result);
  if (local.length) {
    const totals = local.map((p) => {
      const c = p.summary.costUsd.localCpuSeconds;
      return `${p.name} ${c.inference === null ? '–' : `${c.inference.toFixed(2)}s`}${c.fineTuning ? ` (+${c.fineTuning.toFixed(1)}s training)` : ''}`;
    });
    lines.push(`Local models have no token price: their cost/1k q is CPU seconds of their computation per 1,000 questions; this run's CPU time: ${totals.join(', ')}.`);
  }
  for (const w of result.run.warnings) lines.push(`warning: ${w}`);
  return lines.map((l) => wrap(l)).join('\n');
}

/** Cached answers were not timed: said wherever latency is shown. */
function cachedNote(result: ResultView): string | null {
  const cached = result.pipelines.reduce((a, p) => a + p.summary.cached, 0);
  return cached ? `${cached} answers came from the response cache; latency percentiles use the ${result.records.length - cached} measured calls only.` : null;
}
