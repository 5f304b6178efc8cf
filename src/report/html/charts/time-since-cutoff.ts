/**
 * Accuracy by months between the training cutoff and the day each question is asked (`asOf`),
 * per pipeline: a fine-tune should decay as the world moves on, RAG should not. The result does
 * not record `asOf`, so the dates come from the dataset (passed in by question id).
 */
import { metric } from '../../../metrics/registry.js';
import type { ResultView } from '../../../results/view.js';
import { bootstrapMeanCI } from '../../../stats/bootstrap.js';
import { baseSpec, type Chart, pipelineColor, WIDTH } from './chart.js';

/** Whole months from `from` to `to` (ISO dates), negative when `to` is earlier. */
export function monthsBetween(from: string, to: string): number {
  const [y1, m1, d1] = from.split('-').map(Number) as [number, number, number];
  const [y2, m2, d2] = to.split('-').map(Number) as [number, number, number];
  const months = (y2 - y1) * 12 + (m2 - m1);
  if (months > 0 && d2 < d1) return months - 1;
  if (months < 0 && d2 > d1) return months + 1;
  return months;
}

const WIDTHS = [1, 2, 3, 6, 12, 24, 60, 120];
/** Few enough that each group holds a useful number of questions. */
const MAX_BUCKETS = 6;

/** The narrowest bucket width (in months) that keeps the span in at most MAX_BUCKETS buckets. */
export function bucketWidth(min: number, max: number): number {
  return WIDTHS.find((w) => Math.floor(max / w) - Math.floor(min / w) + 1 <= MAX_BUCKETS) ?? WIDTHS.at(-1)!;
}

export interface TimeRow {
  pipeline: string;
  /** The bucket: months start to start + width - 1 after the cutoff. */
  start: number;
  width: number;
  mean: number;
  lo: number;
  hi: number;
  n: number;
}

export function timeRows(result: ResultView, asOf: ReadonlyMap<string, string>): TimeRow[] {
  const cutoff = result.run.dataset.trainingCutoff;
  if (cutoff === null) return [];
  const accuracy = metric('accuracy');
  const dated = result.records.flatMap((r) => {
    const day = asOf.get(r.questionId);
    return day !== undefined && accuracy.eligible(r) ? [{ r, months: monthsBetween(cutoff, day) }] : [];
  });
  if (dated.length === 0) return [];
  const width = bucketWidth(Math.min(...dated.map((d) => d.months)), Math.max(...dated.map((d) => d.months)));
  const groups = new Map<string, { pipeline: string; start: number; values: number[] }>();
  for (const { r, months } of dated) {
    const start = Math.floor(months / width) * width;
    const key = `${r.pipeline}\u0000${start}`;
    const g = groups.get(key) ?? { pipeline: r.pipeline, start, values: [] };
    g.values.push(accuracy.value(r));
    groups.set(key, g);
  }
  const m = result.statistics.method;
  return [...groups.values()]
    .sort((a, b) => a.start - b.start)
    .map((g) => {
      const ci = bootstrapMeanCI(g.values, { seed: m.seed, resamples: m.resamples, level: m.level });
      return { pipeline: g.pipeline, start: g.start, width, mean: ci.mean, lo: ci.lo, hi: ci.hi, n: g.values.length };
    });
}

export function timeSinceCutoffChart(result: ResultView, asOf: ReadonlyMap<string, string> | null): Chart {
  const id = 'time-since-cutoff';
  const title = 'Accuracy vs months since the training cutoff';
  if (result.run.dataset.trainingCutoff === null) return { id, title, unavailable: 'the dataset has no training cutoff' };
  if (asOf === null) return { id, title, unavailable: 'needs the questions\' asOf dates, which live in the dataset: pass --dataset <dir>' };
  const rows = timeRows(result, asOf);
  if (rows.length === 0) return { id, title, unavailable: 'no answerable question has an asOf date' };
  const width = rows[0]!.width;
  const level = Math.round(result.statistics.method.level * 100);
  const pipelines = result.pipelines.map((p) => p.name);
  const x = { field: 'start', type: 'ordinal', title: 'months after cutoff', axis: { labelAngle: 0 } } as const;
  const color = { field: 'pipeline', type: 'nominal', scale: pipelineColor(pipelines), legend: null } as const;
  const starts = [...new Set(rows.map((r) => r.start))];
  const label = (start: number) => (width === 1 ? `${start}` : `${start}–${start + width - 1}`);
  const counts = starts.map((s) => `${label(s)}: ${Math.max(...rows.filter((r) => r.start === s).map((r) => r.n))}`).join(', ');
  return {
    id,
    title,
    caption: `Accuracy on answerable questions, one panel per pipeline, grouped by how many months after the cutoff (${result.run.dataset.trainingCutoff}) each question is asked (its asOf${width > 1 ? `; groups of ${width} months, labelled by their first` : ''}); band: ${level}% bootstrap interval. Questions per group (months): ${counts}.`,
    spec: {
      ...baseSpec(),
      data: { values: rows },
      columns: 3,
      facet: { field: 'pipeline', type: 'nominal', sort: pipelines, title: null, header: { labelFontWeight: 'bold', labelFontSize: 12 } },
      spec: {
        width: Math.floor(WIDTH / 3) - 20,
        height: 130,
        encoding: { x, color },
        layer: [
          { mark: { type: 'area', opacity: 0.25 }, encoding: { y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' } } },
          { mark: { type: 'line', point: true }, encoding: { y: { field: 'mean', type: 'quantitative', title: `accuracy (${level}% CI)`, scale: { domain: [0, 1] } } } },
        ],
      },
    },
  };
}
