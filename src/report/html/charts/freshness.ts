/** Freshness of answers to post-cutoff questions (updated, new): current/stale/missing/wrong, stacked per pipeline. */
import { CATEGORIES } from '../../../dataset/schema.js';
import type { Freshness } from '../../../results/schema.js';
import type { ResultView } from '../../../results/view.js';
import { baseSpec, type Chart, WIDTH } from './chart.js';

export interface FreshnessRow {
  pipeline: string;
  /** "updated (90 questions)": the row header carries the denominator. */
  category: string;
  freshness: Freshness;
  count: number;
}

const STATES: { state: Freshness; color: string }[] = [
  { state: 'current', color: '#59a14f' },
  { state: 'stale', color: '#f28e2b' },
  { state: 'missing', color: '#bab0ac' },
  { state: 'wrong', color: '#e15759' },
  { state: 'error', color: '#555555' },
];

/** Rows in dataset category order (updated before new). */
export function freshnessRows(result: ResultView): FreshnessRow[] {
  const counts = new Map<string, FreshnessRow>();
  const questions = new Map<string, Set<string>>(CATEGORIES.map((c) => [c, new Set()]));
  for (const r of result.records) if (r.freshness !== null) questions.get(r.category)!.add(r.questionId);
  const records = [...result.records].sort((a, b) => CATEGORIES.indexOf(a.category) - CATEGORIES.indexOf(b.category));
  for (const r of records) {
    if (r.freshness === null) continue;
    const category = `${r.category} (${questions.get(r.category)!.size} questions)`;
    const key = `${r.pipeline}\u0000${category}\u0000${r.freshness}`;
    const row = counts.get(key) ?? { pipeline: r.pipeline, category, freshness: r.freshness, count: 0 };
    row.count += 1;
    counts.set(key, row);
  }
  return [...counts.values()];
}

export function freshnessChart(result: ResultView): Chart {
  const id = 'freshness';
  const title = 'Freshness of post-cutoff answers';
  const rows = freshnessRows(result);
  if (rows.length === 0) return { id, title, unavailable: 'the run has no updated or new questions (a dataset without a training cutoff has no freshness)' };
  const present = STATES.filter((s) => s.state !== 'error' || rows.some((r) => r.freshness === 'error'));
  const order = present.map((s) => s.state);
  return {
    id,
    title,
    caption: 'Share of each pipeline\'s answers to questions whose answer changed (updated) or appeared (new) after the training cutoff: current (right), stale (what was true before the update), missing (declined), wrong (something else).',
    spec: {
      ...baseSpec(),
      width: WIDTH - 60,
      data: { values: rows.map((r) => ({ ...r, order: order.indexOf(r.freshness) })) },
      mark: 'bar',
      encoding: {
        row: { field: 'category', type: 'nominal', sort: [...new Set(rows.map((r) => r.category))], title: null, header: { labelAngle: 0, labelOrient: 'top', labelAnchor: 'start', labelFontWeight: 'bold' } },
        y: { field: 'pipeline', type: 'nominal', sort: result.pipelines.map((p) => p.name), title: null },
        x: { field: 'count', type: 'quantitative', stack: 'normalize', title: 'share of answers', axis: { format: '%' } },
        color: { field: 'freshness', type: 'nominal', title: 'answer', scale: { domain: order, range: present.map((s) => s.color) } },
        order: { field: 'order', type: 'quantitative' },
      },
    },
  };
}
