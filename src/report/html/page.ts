/**
 * Assembles the HTML report: one self-contained file (inline CSS, inline SVG charts, one inline
 * script for the explorer's filters), which needs no network to view. A Content-Security-Policy
 * forbids every request and every script but ours (by hash), so even markup that slipped past
 * escaping could neither run nor phone home.
 */
import { createHash } from 'node:crypto';
import type { ClaimResult } from '../../claims/types.js';
import type { Comparison } from '../../compare/compare.js';
import type { Dataset } from '../../dataset/schema.js';
import type { ResultView } from '../../results/view.js';
import { accuracyChart } from './charts/accuracy.js';
import type { Chart } from './charts/chart.js';
import { comparisonChart } from './charts/comparison.js';
import { costChart } from './charts/cost.js';
import { keepFreshChart } from './charts/keep-fresh.js';
import { freshnessChart } from './charts/freshness.js';
import { latencyChart } from './charts/latency.js';
import { timeSinceCutoffChart } from './charts/time-since-cutoff.js';
import { claimsTable } from './claims-table.js';
import { comparisonSection } from './comparison-section.js';
import { Html, html } from './escape.js';
import { EXPLORER_SCRIPT, type ExplorerRows, explorer } from './explorer.js';
import { renderSvg } from './svg.js';

export interface HtmlReportInput {
  result: ResultView;
  /** The explorer's rows (possibly a chosen part of the run's questions). */
  explorer: ExplorerRows;
  claims: readonly ClaimResult[];
  /** The run's dataset (question text, gold and stale answers, asOf, document titles); null when unavailable. */
  dataset: Dataset | null;
  /** The comparison against --baseline (baseline = A, this run = B). */
  comparison: Comparison | null;
  /** What the report had to leave out, shown at the top. */
  notes: readonly string[];
}

const CSS = `
:root { color-scheme: light; --fg: #1d1d1f; --muted: #666; --line: #ddd; }
body { font: 14px/1.45 system-ui, sans-serif; color: var(--fg); margin: 0 auto; padding: 1rem 1.5rem 3rem; max-width: 1280px; }
h1 { font-size: 1.5rem; margin: .5rem 0; } h2 { margin-top: 2.5rem; border-bottom: 1px solid var(--line); } h3 { margin-bottom: .3rem; }
nav a { margin-right: 1rem; } code { font-size: .9em; }
.meta { color: var(--muted); margin: 0; } .note { color: var(--muted); }
table { border-collapse: collapse; margin: .5rem 0; } th, td { border: 1px solid var(--line); padding: .3rem .5rem; vertical-align: top; text-align: left; }
th { background: #f6f6f6; }
.chart figure { margin: 0; } .chart svg { max-width: 100%; height: auto; } figcaption { color: var(--muted); max-width: 60rem; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(600px, 1fr)); gap: 0 2rem; }
.verdict, .badge { display: inline-block; border-radius: 3px; padding: 0 .35rem; font-size: .85em; white-space: nowrap; }
.v-supported { background: #d8f0d2; } .v-contradicted { background: #f8d3d3; } .v-inconclusive { background: #fbeccb; } .v-not-measured { background: #e6e6e6; }
.claims td { max-width: 30rem; } .claim-text { margin: 0; font-weight: 600; } .claim-id, .scale, .test { color: var(--muted); font-size: .9em; }
.figures { margin: .2rem 0; padding-left: 1.2rem; }
.b-right { background: #d8f0d2; } .b-wrong { background: #f8d3d3; } .b-error { background: #555; color: #fff; } .b-disagree { background: #e3dcf5; }
.f-current { background: #d8f0d2; } .f-stale { background: #fde0c2; } .f-missing { background: #e6e6e6; } .f-wrong { background: #f8d3d3; }
.c-static, .c-updated, .c-new, .c-unanswerable { background: #eef; }
.filters { display: flex; gap: 1.5rem; align-items: center; margin: .5rem 0; flex-wrap: wrap; }
.scroll { overflow-x: auto; }
#explorer td { min-width: 11rem; max-width: 18rem; overflow-wrap: anywhere; } #explorer td.question { min-width: 16rem; }
.question-text, .gold, .stale, .asof { margin: .2rem 0; } .stale, .asof { color: var(--muted); }
.answer-text { white-space: pre-wrap; } .scores { margin-top: .2rem; } .f1, .model { color: var(--muted); font-size: .85em; }
.docs { margin: .2rem 0; padding-left: 1.4rem; font-size: .85em; } .docs .gold { font-weight: 600; } .doc-title { color: var(--muted); }
tr[hidden] { display: none; }
.citations { font-size: .85em; color: var(--muted); } .cite.fabricated { color: #b42318; }
.compare td.significant { font-weight: 600; } .delta { color: var(--muted); font-size: .9em; }
`;

async function chartSection(chart: Chart): Promise<Html> {
  if ('unavailable' in chart) return html`<section class="chart unavailable" id="chart-${chart.id}"><h3>${chart.title}</h3><p class="note">Not drawn: ${chart.unavailable}.</p></section>`;
  // Vega's SVG escapes every text it draws (labels come from the config and dataset).
  const svg = new Html(await renderSvg(chart.spec));
  const table = chart.table ? html`<table><thead><tr>${chart.table.head.map((h) => html`<th>${h}</th>`)}</tr></thead><tbody>${chart.table.rows.map((r) => html`<tr>${r.map((c) => html`<td>${c}</td>`)}</tr>`)}</tbody></table>` : '';
  return html`<section class="chart" id="chart-${chart.id}"><h3>${chart.title}</h3><figure>${svg}<figcaption>${chart.caption}</figcaption></figure>${table}</section>`;
}

function header(r: ResultView): Html {
  const run = r.run;
  return html`<h1>ragvft report: ${run.dataset.name}</h1>
<p class="meta">run ${run.id} · ${run.startedAt} to ${run.finishedAt} · ragvft ${run.harnessVersion}${run.gitCommit ? ` · commit ${run.gitCommit.slice(0, 10)}` : ''} · ${run.dataset.questions} questions, ${run.dataset.documents} documents${run.dataset.trainingCutoff ? ` · training cutoff ${run.dataset.trainingCutoff}` : ''} · scorer ${run.scoring.primary}</p>
<p class="meta">pipelines: ${r.pipelines.map((p, i) => html`${i > 0 ? ', ' : ''}<b>${p.name}</b> ${p.model}${p.retrieval ? ' + retrieval' : ''}`)}</p>`;
}

export async function buildHtmlReport(input: HtmlReportInput): Promise<string> {
  const { result, dataset, comparison } = input;
  const asOf = dataset ? new Map(dataset.questions.flatMap((q) => (q.asOf ? [[q.id, q.asOf] as const] : []))) : null;
  const charts = [accuracyChart(result), freshnessChart(result), timeSinceCutoffChart(result, asOf), latencyChart(result), costChart(result), keepFreshChart(result)];
  const chartHtml = await Promise.all(charts.map(chartSection));
  const compareHtml = comparison ? comparisonSection(comparison, await chartSection(comparisonChart(comparison, result.pipelines.map((p) => p.name)))) : null;
  const scriptHash = createHash('sha256').update(EXPLORER_SCRIPT).digest('base64');
  // Ours and constant (no data in it); its quotes must stay quotes.
  const csp = `default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-${scriptHash}'; img-src data:`;
  const page = html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${new Html(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ragvft report: ${result.run.dataset.name} (${result.run.id})</title>
<style>${new Html(CSS)}</style>
</head>
<body>
<header>${header(result)}
<nav><a href="#claims">Claims</a><a href="#charts">Charts</a>${compareHtml ? html`<a href="#comparison">Comparison</a>` : ''}<a href="#questions">Questions</a></nav>
${input.notes.length > 0 ? html`<ul class="notes">${input.notes.map((n) => html`<li class="note">${n}</li>`)}</ul>` : ''}
</header>
<main>
<h2 id="claims">Claims</h2>
${claimsTable(input.claims)}
<h2 id="charts">Charts</h2>
<div class="charts">${chartHtml}</div>
${compareHtml ? html`<h2 id="comparison">Comparison with the baseline</h2>${compareHtml}` : ''}
<h2 id="questions">Questions</h2>
${explorer(result, input.explorer, dataset)}
</main>
<script>${new Html(EXPLORER_SCRIPT)}</script>
</body>
</html>
`;
  return page.value;
}
