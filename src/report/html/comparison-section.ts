/**
 * With --baseline: the paired comparison (compare/compare.ts) of the baseline (A) and this run (B)
 * as tables, and the questions whose outcome flipped, each with both answers.
 */
import type { Comparison, Flip, FlipKind, PipelineComparison, RunRef } from '../../compare/compare.js';
import { METRICS } from '../../metrics/registry.js';
import { fmtInterval, fmtNum, fmtRatio, fmtSigned, pText } from '../../stats/format.js';
import { Html, html } from './escape.js';
import { questionAnchor } from './explorer.js';

const FLIP: Record<FlipKind, string> = { 'right-to-wrong': 'right → wrong', 'wrong-to-right': 'wrong → right', 'current-to-stale': 'current → stale' };

function ref(r: RunRef): Html {
  return html`<b>${r.label}</b> (run ${r.runId}, ${r.startedAt}${r.gitCommit ? `, commit ${r.gitCommit.slice(0, 10)}` : ''})`;
}

function side(s: Flip['a']): Html {
  if (s.error) return html`<span class="note">error: ${s.error}</span>`;
  return html`<span class="answer-text">${s.answer ?? ''}</span> <span class="badge ${s.correct ? 'b-right' : 'b-wrong'}">${s.correct ? 'right' : 'wrong'}</span>${s.freshness === 'stale' ? html` <span class="badge f-stale">stale</span>` : ''}`;
}

/** Metrics as rows, pipelines as columns: baseline → this run, then the change with its interval. */
function metricsTable(c: Comparison): Html {
  const pipelines = c.pipelines;
  const metricRows = METRICS.filter((m) => pipelines.some((p) => p.metrics[m.id])).map(
    (m) => html`<tr><th>${m.label}</th>${pipelines.map((p) => {
      const x = p.metrics[m.id];
      if (!x) return html`<td>–</td>`;
      const ci = x.lo === null || x.hi === null ? '' : ` ${fmtInterval({ lo: x.lo, hi: x.hi }, true)}`;
      const test = x.pValue !== null ? `, ${pText(x.pValue)}` : '';
      return html`<td class="${x.significant ? 'significant' : ''}">${fmtNum(x.a)} → ${fmtNum(x.b)}<br><span class="delta">Δ ${fmtSigned(x.delta)}${ci}${test}</span></td>`;
    })}</tr>`,
  );
  const ratios = (
    [
      ['p50 latency (ms)', (p: PipelineComparison) => p.latencyMs.p50, 0],
      ['p95 latency (ms)', (p: PipelineComparison) => p.latencyMs.p95, 0],
      ['cost / 1k questions (USD)', (p: PipelineComparison) => p.costUsd.perThousandQuestions, 4],
    ] as const
  ).map(([label, pick, digits]) => html`<tr><th>${label}</th>${pipelines.map((p) => html`<td>${fmtNum(pick(p).a, digits)} → ${fmtNum(pick(p).b, digits)}<br><span class="delta">${fmtRatio(pick(p).ratio)}</span></td>`)}</tr>`);
  return html`<table class="compare"><thead><tr><th>metric</th>${pipelines.map((p) => html`<th>${p.pipeline}</th>`)}</tr></thead><tbody>${metricRows}${ratios}</tbody></table>
<p class="note">Each cell: baseline → this run, then Δ with its ${Math.round(c.method.level * 100)}% interval (and McNemar's p for right/wrong metrics); bold: significant.</p>`;
}

/** Categories with more flips than this start folded. */
const OPEN_FLIPS = 20;

function flipsTables(c: Comparison): Html {
  const total = c.flips.reduce((n, g) => n + g.flips.length, 0);
  if (total === 0) return html`<p>No question flipped.</p>`;
  return html`<h3>Flipped questions (${total})</h3>${c.flips.map(
    (g) => html`<details${g.flips.length <= OPEN_FLIPS ? new Html(' open') : ''}><summary>${g.category} (${g.flips.length})</summary><table class="flips"><thead><tr><th>question</th><th>pipeline</th><th>change</th><th>baseline answer</th><th>this run's answer</th></tr></thead><tbody>${g.flips.map(
      (f) => html`<tr><td><a href="#${encodeURIComponent(questionAnchor(f.questionId))}">${f.questionId}</a></td><td>${f.pipeline}</td><td>${f.kinds.map((k) => FLIP[k]).join(', ')}</td><td>${side(f.a)}</td><td>${side(f.b)}</td></tr>`,
    )}</tbody></table></details>`,
  )}`;
}

export function comparisonSection(c: Comparison, chart: Html): Html {
  return html`<p>Baseline (A): ${ref(c.a)}<br>This run (B): ${ref(c.b)}<br>${c.questions.common} paired questions; Δ = this run − baseline, ${c.method.resamples} paired-bootstrap resamples (seed ${c.method.seed}); 0/1 metrics: McNemar exact test. Latency and cost: ratio this run / baseline.</p>
${c.added.length > 0 ? html`<p>Added pipelines: ${c.added.join(', ')}</p>` : ''}${c.removed.length > 0 ? html`<p>Removed pipelines: ${c.removed.join(', ')}</p>` : ''}
${chart}
${metricsTable(c)}
${flipsTables(c)}
${c.notes.length > 0 ? html`<ul class="notes">${c.notes.map((n) => html`<li>${n}</li>`)}</ul>` : ''}`;
}
