/**
 * The per-question explorer: one row per question with its text, gold and stale answers (from the
 * dataset, when the report has it) and every pipeline's answer, scores and retrieved documents.
 * Rows are rendered here, escaped; the page's script only hides and shows them (data-* attributes).
 */
import { CATEGORIES, type Dataset } from '../../dataset/schema.js';
import type { ResultRecord } from '../../results/schema.js';
import type { ResultView } from '../../results/view.js';
import { fmtNum } from '../../stats/format.js';
import { type Html, html } from './escape.js';

export interface ExplorerRow {
  questionId: string;
  category: string;
  /** Some pipelines got it right and others did not (primary scorer; failed calls are wrong). */
  disagree: boolean;
  records: (ResultRecord | null)[];
}

const right = (r: Pick<ResultRecord, 'error' | 'correct'>) => r.error === null && r.correct;

/** What the explorer shows: its rows, and how many questions the run has in all. */
export interface ExplorerRows {
  rows: ExplorerRow[];
  questions: number;
}

/**
 * Which questions the explorer shows when the run has more than `limit`: those whose outcome
 * flipped against the baseline (the comparison links to them), then those where pipelines
 * disagree, then the rest, each in run order. Null: all of them. Reads lean records only.
 */
export function explorerQuestions(result: ResultView, limit: number, flipped: Iterable<string> = []): Set<string> | null {
  const outcomes = new Map<string, number>();
  for (const r of result.records) outcomes.set(r.questionId, (outcomes.get(r.questionId) ?? 0) | (right(r) ? 1 : 2));
  if (outcomes.size <= limit) return null;
  const chosen = new Set<string>();
  const take = (ids: Iterable<string>) => {
    for (const id of ids) {
      if (chosen.size >= limit) return;
      if (outcomes.has(id)) chosen.add(id);
    }
  };
  take(flipped);
  take([...outcomes].filter(([, o]) => o === 3).map(([id]) => id));
  take(outcomes.keys());
  return chosen;
}

/**
 * Questions in the order the run answered them, with one slot per pipeline (null: no record),
 * from one pass over the records; only the `chosen` questions' records are kept (null: all).
 */
export async function explorerRows(pipelines: readonly string[], records: AsyncIterable<ResultRecord> | Iterable<ResultRecord>, chosen: ReadonlySet<string> | null): Promise<ExplorerRows> {
  const byQuestion = new Map<string, Map<string, ResultRecord>>();
  const seen = new Set<string>();
  for await (const r of records) {
    seen.add(r.questionId);
    if (chosen && !chosen.has(r.questionId)) continue;
    const m = byQuestion.get(r.questionId) ?? new Map<string, ResultRecord>();
    m.set(r.pipeline, r);
    byQuestion.set(r.questionId, m);
  }
  const rows = [...byQuestion].map(([questionId, m]) => {
    const slots = pipelines.map((p) => m.get(p) ?? null);
    const outcomes = new Set(slots.filter((r) => r !== null).map(right));
    return { questionId, category: m.values().next().value!.category, disagree: outcomes.size > 1, records: slots };
  });
  return { rows, questions: seen.size };
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

/** The ids the answer cites: gold ones starred, ones it was never shown (fabricated) marked. */
function citationsLine(r: ResultRecord, { gold }: CellContext): Html | '' {
  if (!r.citations || r.citations.length === 0) return '';
  const shown = new Set(r.retrievedDocIds ?? []);
  const items = r.citations.map((id, i) => html`${i > 0 ? ', ' : ''}<span class="${shown.has(id) ? 'cite' : 'cite fabricated'}">${id}${gold.has(id) ? ' ★' : ''}${shown.has(id) ? '' : ' (not in context)'}</span>`);
  return html`<div class="citations">cites ${items}</div>`;
}

function answerCell(r: ResultRecord | null, ctx: CellContext): Html {
  if (r === null) return html`<td class="answer"><span class="note">no record</span></td>`;
  const text = r.error ? html`<span class="note">${r.error.message}</span>` : html`<span class="answer-text">${r.answer ?? ''}</span>`;
  // Right/wrong/abstained already say current/wrong/missing; only "stale" adds something.
  const fresh = r.freshness === 'stale' ? html` <span class="badge f-stale">stale</span>` : '';
  return html`<td class="answer">${text}<div class="scores">${outcome(r)}${fresh} <span class="f1">F1 ${fmtNum(r.scores.strict.f1, 2)}</span></div>${citationsLine(r, ctx)}${docsList(r, ctx)}</td>`;
}

function list(values: readonly string[]): Html {
  return html`${values.map((v, i) => html`${i > 0 ? ' / ' : ''}<span class="gold-answer">${v}</span>`)}`;
}

/** The anchor of a question's row, so other sections (flipped questions) can link to it. */
export const questionAnchor = (id: string) => `q-${id}`;

export function explorer(result: ResultView, { rows, questions: total }: ExplorerRows, dataset: Dataset | null): Html {
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
${rows.length < total ? html`<p class="note">The run has ${total} questions; the explorer shows ${rows.length} of them: those that flipped against the baseline, then those where pipelines disagree, then the rest (<code>--max-questions</code> shows more).</p>` : ''}
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
