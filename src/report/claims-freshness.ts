/**
 * Freshness over time and keep-fresh costs as tables (terminal and Markdown rows), each with the
 * lines a reader needs to read it: what a cell holds, and every assumption behind a cost.
 */
import type { KeepFresh, KeepFreshRow } from '../claims/freshness/keep-fresh.js';
import type { FreshnessOverTime, OverTimeCell } from '../claims/freshness/over-time.js';

export interface TableParts {
  title: string;
  head: string[];
  rows: string[][];
  notes: string[];
}

const pct = (x: number | null | undefined) => (x === null || x === undefined ? '–' : (100 * x).toFixed(1));
const cell = (c: OverTimeCell) => `${pct(c.accuracy?.value)} ${c.stale ? `${Math.round(c.stale.sum)}/${c.stale.n}` : '–'}`;

export function overTimeParts(t: FreshnessOverTime): TableParts {
  const months = (b: FreshnessOverTime['buckets'][number]) => (b.label === 'before' ? 'before cutoff' : `${b.label} mo`);
  return {
    title: `Freshness over time: months from the training cutoff (${t.trainingCutoff}) to each question's asOf`,
    // Two header lines, so seven buckets still fit 100 columns.
    head: ['pipeline', ...t.buckets.map((b) => `${months(b)}\nn=${b.questions}`)],
    rows: t.pipelines.map((p) => [p.name, ...p.cells.map(cell)]),
    notes: [
      'cells: accuracy % on answerable questions, then stale / updated questions answered without error',
      ...(t.undated ? [`${t.undated} question(s) without an asOf are left out`] : []),
    ],
  };
}

const int = (x: number) => Math.round(x).toLocaleString('en-US');
const usd = (x: number) => (x === 0 ? '$0' : x < 0.01 ? `$${x.toPrecision(2)}` : `$${x.toFixed(2)}`);
const seconds = (x: number) => (x < 10 ? x.toFixed(2) : x.toFixed(0));

function cost(r: KeepFreshRow): string {
  if (r.usd !== null) return usd(r.usd);
  if (r.localSeconds !== null) return `${seconds(r.localSeconds)} s local`;
  return 'unknown';
}

const cadence = (r: KeepFreshRow) => (r.cadenceMonths === null ? 'on change' : r.cadenceMonths === 1 ? 'monthly' : r.cadenceMonths === 12 ? 'yearly' : `${r.cadenceMonths} months`);

export function keepFreshParts(k: KeepFresh): TableParts {
  const c = k.changes;
  const every = c.meanIntervalDays === null ? '' : ` (one every ${c.meanIntervalDays.toFixed(0)} days)`;
  return {
    title: `Keeping fresh ${k.from} → ${k.to} (${k.months.toFixed(1)} months): ${c.documents} document version(s) changed on ${c.dates} day(s)${every}`,
    head: ['approach', 'cadence', 'updates', 'tokens', 'cost', 'stale days'],
    rows: k.rows.map((r) => [`${r.subject} ${r.action}`, cadence(r), String(r.updates), int(r.tokens), cost(r), r.staleDays.toFixed(1)]),
    notes: k.assumptions.map((a) => `assumption: ${a}`),
  };
}
