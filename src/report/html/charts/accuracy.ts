/** Accuracy by category per pipeline, with the run's bootstrap intervals (result.statistics). */
import { CATEGORIES } from '../../../dataset/schema.js';
import type { ResultView } from '../../../results/view.js';
import { baseSpec, type Chart, pipelineColor, WIDTH } from './chart.js';

export interface AccuracyRow {
  pipeline: string;
  category: string;
  mean: number;
  lo: number;
  hi: number;
  n: number;
}

/** On unanswerable questions "right" means abstaining: the metric says so in the label. */
const metricOf = (category: string) => (category === 'unanswerable' ? { id: 'abstentionAccuracy', label: 'unanswerable: abstains' } : { id: 'accuracy', label: category });

export function accuracyRows(result: ResultView): AccuracyRow[] {
  return result.statistics.pipelines.flatMap((p) =>
    CATEGORIES.flatMap((category) => {
      const m = metricOf(category);
      const ci = p.byCategory[category]?.metrics[m.id];
      return ci ? [{ pipeline: p.name, category: m.label, mean: ci.mean, lo: ci.lo, hi: ci.hi, n: ci.n }] : [];
    }),
  );
}

export function accuracyChart(result: ResultView): Chart {
  const id = 'accuracy';
  const title = 'Accuracy by category';
  const rows = accuracyRows(result);
  if (rows.length === 0) return { id, title, unavailable: 'the run has no per-category statistics' };
  const level = Math.round(result.statistics.method.level * 100);
  const pipelines = result.pipelines.map((p) => p.name);
  const categories = [...new Set(rows.map((r) => r.category))];
  const x = { field: 'category', type: 'nominal', sort: categories, title: null, axis: { labelAngle: 0, labelLimit: 0 } } as const;
  const xOffset = { field: 'pipeline', type: 'nominal', sort: pipelines } as const;
  return {
    id,
    title,
    caption: `Bars: share of questions answered correctly (unanswerable: declined) per category; whiskers: ${level}% percentile-bootstrap interval over questions.`,
    spec: {
      ...baseSpec(),
      width: WIDTH,
      height: 260,
      data: { values: rows },
      encoding: { x, xOffset },
      layer: [
        {
          mark: 'bar',
          encoding: {
            y: { field: 'mean', type: 'quantitative', title: `accuracy (${level}% CI)`, scale: { domain: [0, 1] } },
            color: { field: 'pipeline', type: 'nominal', scale: pipelineColor(pipelines), title: 'pipeline' },
          },
        },
        { mark: { type: 'rule', color: '#222' }, encoding: { y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' } } },
      ],
    },
  };
}
