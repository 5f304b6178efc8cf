/**
 * The per-question explorer: one row per question with its text, gold and stale answers (from the
 * dataset, when the report has it) and every pipeline's answer, scores and retrieved documents.
 * Rows are rendered here, escaped; the page's script only hides and shows them (data-* attributes).
 */
import { CATEGORIES, type Dataset } from '../../dataset/schema.js';
import type { ResultRecord, RunResult } from '../../results/schema.js';
import { fmtNum } from '../../stats/format.js';
import { type Html, html } from './escape.js';

export interface ExplorerRow {
  questionId: string;
  category: string;
  /** Some pipelines got it right and others did not (primary scorer; failed calls are wrong). */
  disagree: boolean;
  records: (ResultRecord | null)[];
}

const right = (r: ResultRecord) => r.error === null && r.correct;

/** Questions in the order the run answered them, with one slot per pipeline (null: no record). */
export function explorerRows(result: RunResult): ExplorerRow[] {
  const pipelines = result.pipelines.map((p) => p.name);
  const byQuestion = new Map<string, Map<string, ResultRecord>>();
  for (const r of result.records) {
    const m = byQuestion.get(r.questionId) ?? new Map<string, ResultRecord>();
    m.set(r.pipeline, r);
    byQuestion.set(r.questionId, m);
  }
  return [...byQuestion].map(([questionId, m]) => {
    const records = pipelines.map((p) => m.get(p) ?? null);
    const outcomes = new Set(records.filter((r) => r !== null).map(right));
    return { questionId, category: m.values().next().value!.category, disagree: outcomes.size > 1, records };
  });
}

function outcome(r: ResultRecord): Html {
  if (r.error) return html`<span class="badge b-error">error: ${r.error.kind}</span>`;
  if (right(r)) return html`<span class="badge b-right">${r.abstained ? 'right (abstained)' : 'right'}</span>`;
  return html`<span class="badge b-wrong">${r.abstained ? 'abstained' : 'wrong'}</span>`;
}

/** What every cell of a question needs: document titles (from the dataset) and the question's gold documents. */
interface CellContext {
  titles: ReadonlyMap<string, string>;
  gold: ReadonlySet<string>;
}

function docsList(r: ResultRecord, { titles, gold }: CellContext): Html | '' {
  if (r.retrievedDocIds === null) return '';
  const items = r.retrievedDocIds.map((id) => {
    const title = titles.get(id);
    return html`<li class="${gold.has(id) ? 'gold' : ''}">${id}${title ? html` <span class="doc-title">(${title})</span>` : ''}${gold.has(id) ? ' ★' : ''}</li>`;
  });
  const recall = r.retrieval ? html` · recall ${fmtNum(r.retrieval.recall, 2)}` : '';
  const inContext = r.answerInContext === null ? '' : r.answerInContext ? ' · answer in context' : ' · answer not in context';
  return html`<details><summary>${r.retrievedDocIds.length} retrieved${recall}${inContext}</summary><ol class="docs">${items}</ol></details>`;
}

function answerCell(r: ResultRecord | null, ctx: CellContext): Html {
  if (r === null) return html`<td class="answer"><span class="note">no record</span></td>`;
  const text = r.error ? html`<span class="note">${r.error.message}</span>` : html`<span class="answer-text">${r.answer ?? ''}</span>`;
  // Right/wrong/abstained already say current/wrong/missing; only "stale" adds something.
  const fresh = r.freshness === 'stale' ? html` <span class="badge f-stale">stale</span>` : '';
  return html`<td class="answer">${text}<div class="scores">${outcome(r)}${fresh} <span class="f1">F1 ${fmtNum(r.scores.strict.f1, 2)}</span></div>${docsList(r, ctx)}</td>`;
}

function list(values: readonly string[]): Html {
  return html`${values.map((v, i) => html`${i > 0 ? ' / ' : ''}<span class="gold-answer">${v}</span>`)}`;
}

/** The anchor of a question's row, so other sections (flipped questions) can link to it. */
export const questionAnchor = (id: string) => `q-${id}`;

export function explorer(result: RunResult, dataset: Dataset | null): Html {
  const rows = explorerRows(result);
  const questions = new Map(dataset?.questions.map((q) => [q.id, q]));
  const titles = new Map(dataset?.documents.map((d) => [d.id, d.title]));
  const categories = CATEGORIES.filter((c) => rows.some((r) => r.category === c));
  const body = rows.map((row) => {
    const q = questions.get(row.questionId);
    const ctx: CellContext = { titles, gold: new Set(q?.sourceDocIds) };
    return html`<tr id="${questionAnchor(row.questionId)}" data-category="${row.category}" data-disagree="${String(row.disagree)}">
<td class="question"><div><b>${row.questionId}</b> <span class="badge c-${row.category}">${row.category}</span>${row.disagree ? html` <span class="badge b-disagree">disagree</span>` : ''}</div>${
      q
        ? html`<p class="question-text">${q.question}</p><p class="gold">${q.answers.length > 0 ? html`gold: ${list(q.answers)}` : 'no answer (unanswerable)'}</p>${q.staleAnswers ? html`<p class="stale">stale: ${list(q.staleAnswers)}</p>` : ''}${q.asOf ? html`<p class="asof">as of ${q.asOf}</p>` : ''}`
        : ''
    }</td>
${row.records.map((r) => answerCell(r, ctx))}
</tr>`;
  });
  return html`<div class="filters">
<label>category <select id="f-category"><option value="">all</option>${categories.map((c) => html`<option value="${c}">${c}</option>`)}</select></label>
<label><input type="checkbox" id="f-disagree"> only questions where pipelines disagree (some right, some wrong)</label>
<span class="count"><span id="f-shown">${rows.length}</span> of ${rows.length} questions</span>
</div>
${dataset ? '' : html`<p class="note">The result does not hold the questions' text, gold and stale answers; they come from the dataset: pass <code>--dataset &lt;dir&gt;</code> to show them.</p>`}
<div class="scroll"><table id="explorer"><thead><tr><th>question</th>${result.pipelines.map((p) => html`<th>${p.name}<br><span class="model">${p.model}</span></th>`)}</tr></thead>
<tbody>${body}</tbody></table></div>`;
}

/** Filters the explorer's rows by category and disagreement; reads only the DOM, never data. */
export const EXPLORER_SCRIPT = `(() => {
  const rows = Array.from(document.querySelectorAll('#explorer tbody tr'));
  const category = document.getElementById('f-category');
  const disagree = document.getElementById('f-disagree');
  const shown = document.getElementById('f-shown');
  const apply = () => {
    let n = 0;
    for (const tr of rows) {
      const show = (category.value === '' || tr.dataset.category === category.value) && (!disagree.checked || tr.dataset.disagree === 'true');
      tr.hidden = !show;
      if (show) n++;
    }
    shown.textContent = String(n);
  };
  category.addEventListener('change', apply);
  disagree.addEventListener('change', apply);
  apply();
})();`;
