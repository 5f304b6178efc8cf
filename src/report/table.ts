import Table from 'cli-table3';
import type { RunResult } from '../results/schema.js';

const pct = (x: number | null | undefined) => (x === null || x === undefined ? '–' : (100 * x).toFixed(1));
const ms = (x: number) => (x >= 1000 ? `${(x / 1000).toFixed(2)}s` : `${x.toFixed(x < 10 ? 2 : 0)}ms`);
const usd = (x: number | null) => (x === null ? 'unknown' : x === 0 ? '$0' : x < 0.01 ? `$${x.toPrecision(2)}` : `$${x.toFixed(2)}`);

/** One row per pipeline: accuracy, freshness, latency, cost, retrieval. */
export function formatSummaryTable(result: RunResult): string {
  const k = result.pipelines.find((p) => p.summary.retrieval)?.summary.retrieval?.k ?? 5;
  const table = new Table({
    head: ['pipeline', 'model', 'EM %', 'F1 %', 'F1 answerable %', 'abstain ok %', 'stale', 'missing', 'errors', 'p50', 'p95', 'cost / 1k q', `recall@${k} %`, 'MRR'],
    style: { head: [], border: [] },
  });
  for (const p of result.pipelines) {
    const s = p.summary;
    const f = s.freshness;
    table.push([
      p.name,
      p.model,
      pct(s.exactMatch),
      pct(s.f1),
      pct(s.answerable.f1),
      pct(s.abstentionAccuracy),
      f.eligible ? `${f.stale}/${f.eligible}` : '–',
      f.eligible ? `${f.missing}/${f.eligible}` : '–',
      String(s.errors),
      ms(s.latencyMs.p50),
      ms(s.latencyMs.p95),
      usd(s.costUsd.perThousandQuestionsUsd),
      pct(s.retrieval?.recallAtK),
      s.retrieval ? s.retrieval.mrr.toFixed(3) : '–',
    ]);
  }
  return table.toString();
}

/** F1 % per category, pipelines as rows. */
export function formatCategoryTable(result: RunResult): string {
  const cats = ['static', 'updated', 'new', 'unanswerable'] as const;
  const table = new Table({ head: ['F1 % by category', ...cats.map((c) => `${c} (n=${result.pipelines[0]?.summary.byCategory[c]?.questions ?? 0})`)], style: { head: [], border: [] } });
  for (const p of result.pipelines) table.push([p.name, ...cats.map((c) => pct(p.summary.byCategory[c]?.f1))]);
  return table.toString();
}

/** Footnotes a reader needs to read the table right. */
export function formatNotes(result: RunResult): string {
  const lines: string[] = [];
  const cached = result.pipelines.reduce((a, p) => a + p.summary.cached, 0);
  if (cached) lines.push(`${cached} answers came from the response cache; latency percentiles use the ${result.records.length - cached} measured calls only.`);
  const local = result.pipelines.filter((p) => p.model.startsWith('local:'));
  if (local.length) {
    const secs = local.map((p) => `${p.name} ${p.summary.costUsd.localComputeSeconds.inference.toFixed(1)}s` + (p.summary.costUsd.localComputeSeconds.fineTuning ? ` (+${p.summary.costUsd.localComputeSeconds.fineTuning.toFixed(1)}s training)` : ''));
    lines.push(`Local models have no token price; CPU time instead: ${secs.join(', ')}.`);
  }
  lines.push('stale: answered what was true before the update; missing: no or wrong answer on post-cutoff knowledge.');
  for (const w of result.run.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n');
}
