/**
 * Keeping fresh: what each approach costs over the corpus timeline against how long a changed
 * fact stays unknown to it — re-embedding the changed documents (RAG) or re-training at each
 * cadence (fine-tunes), from keepFreshCosts (src/claims/freshness/keep-fresh.ts).
 */
import { keepFreshCosts, type KeepFreshRow } from '../../../claims/freshness/keep-fresh.js';
import { pipelineRoles } from '../../../claims/roles.js';
import type { ResultView } from '../../../results/view.js';
import { baseSpec, type Chart, WIDTH } from './chart.js';

export interface KeepFreshPoint {
  approach: string;
  label: string;
  cost: number;
  staleDays: number;
}

const label = (r: KeepFreshRow) => (r.cadenceMonths === null ? 'on every change' : `every ${r.cadenceMonths} month${r.cadenceMonths === 1 ? '' : 's'}`);

/**
 * USD when every row has a price, else CPU seconds for the rows that have them (a BM25 run, for
 * one, measures no embedding time to cost re-embedding with); rows without a figure are named in
 * `uncosted`. Null when no row has one.
 */
export function keepFreshPoints(rows: readonly KeepFreshRow[]): { unit: 'USD' | 'CPU seconds'; points: KeepFreshPoint[]; uncosted: string[] } | null {
  const unit = rows.length > 0 && rows.every((r) => r.usd !== null) ? 'USD' : 'CPU seconds';
  const costOf = (r: KeepFreshRow) => (unit === 'USD' ? r.usd : r.localSeconds);
  const points = rows.filter((r) => costOf(r) !== null).map((r) => ({ approach: `${r.action} ${r.subject}`, label: label(r), cost: costOf(r)!, staleDays: r.staleDays }));
  if (points.length === 0) return null;
  return { unit, points, uncosted: rows.filter((r) => costOf(r) === null).map((r) => `${r.action} ${r.subject} (${label(r)})`) };
}

export function keepFreshChart(result: ResultView, cadences?: readonly number[]): Chart {
  const id = 'keep-fresh';
  const title = 'Keeping fresh: cost vs days a change stays unknown';
  const kf = keepFreshCosts(result, pipelineRoles(result), cadences);
  if (!kf) return { id, title, unavailable: 'the run has no corpus timeline (no training cutoff, or a result written before 2.1)' };
  const found = keepFreshPoints(kf.rows);
  if (!found) return { id, title, unavailable: 'no cost of keeping fresh is known (no price, and no local time measured)' };
  const uncosted = found.uncosted.length ? ` Not costed (no price or measured time): ${found.uncosted.join(', ')}.` : '';
  return {
    id,
    title,
    caption: `From ${kf.from} to ${kf.to}: ${kf.changes.documents} changed documents on ${kf.changes.dates} dates. Each point is one way to keep an approach current: its cost over the period (${found.unit}) against the mean days a changed document waits until the approach knows it.${uncosted} Assumptions: ${kf.assumptions.join(' ')}`,
    spec: {
      ...baseSpec(),
      width: WIDTH - 160,
      height: 240,
      data: { values: found.points },
      mark: { type: 'point', filled: true, size: 90 },
      encoding: {
        x: { field: 'staleDays', type: 'quantitative', title: 'mean days a change stays unknown' },
        y: { field: 'cost', type: 'quantitative', title: `${found.unit} over the period` },
        color: { field: 'approach', type: 'nominal', title: 'approach', legend: { labelLimit: 260 } },
        // Shape, not text labels: cadences of one approach sit close together on the x axis.
        shape: { field: 'label', type: 'nominal', title: 'when' },
      },
    },
    table: { head: ['approach', 'when', `${found.unit}`, 'days stale'], rows: found.points.map((p) => [p.approach, p.label, p.cost.toPrecision(3), p.staleDays.toFixed(1)]) },
  };
}
