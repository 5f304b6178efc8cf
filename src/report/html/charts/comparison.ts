/** With --baseline: the change in accuracy per pipeline (this run minus the baseline) with its paired interval. */
import type { Comparison } from '../../../compare/compare.js';
import { baseSpec, type Chart, pipelineColor, WIDTH } from './chart.js';

export interface DeltaRow {
  pipeline: string;
  delta: number;
  lo: number;
  hi: number;
  significant: boolean;
}

export function deltaRows(c: Comparison): DeltaRow[] {
  return c.pipelines.flatMap((p) => {
    const m = p.metrics.accuracy;
    return m && m.delta !== null && m.lo !== null && m.hi !== null ? [{ pipeline: p.pipeline, delta: m.delta, lo: m.lo, hi: m.hi, significant: m.significant }] : [];
  });
}

/** `pipelines`: this run's pipelines in order, so each keeps its colour from the other charts. */
export function comparisonChart(c: Comparison, pipelines: readonly string[]): Chart {
  const id = 'comparison';
  const title = 'Accuracy change against the baseline';
  const rows = deltaRows(c);
  if (rows.length === 0) return { id, title, unavailable: 'no pipeline of this run has answerable questions in common with the baseline' };
  const colors = pipelineColor(pipelines);
  const level = Math.round(c.method.level * 100);
  const y = { field: 'pipeline', type: 'nominal', sort: [...pipelines], title: null } as const;
  return {
    id,
    title,
    caption: `This run minus the baseline on the same questions; bar: ${level}% paired-bootstrap interval; filled dot: significant (McNemar exact, α = ${c.method.alpha}).`,
    spec: {
      ...baseSpec(),
      width: WIDTH - 100,
      height: { step: 28 },
      layer: [
        { data: { values: [{ zero: 0 }] }, mark: { type: 'rule', color: '#888' }, encoding: { x: { field: 'zero', type: 'quantitative' } } },
        { data: { values: rows }, mark: { type: 'rule', strokeWidth: 2 }, encoding: { y, x: { field: 'lo', type: 'quantitative', title: `Δ accuracy (${level}% CI)` }, x2: { field: 'hi' }, color: { field: 'pipeline', type: 'nominal', scale: colors, legend: null } } },
        {
          data: { values: rows.map((r) => ({ ...r, filled: r.significant ? 1 : 0 })) },
          mark: { type: 'point', size: 70, strokeWidth: 2 },
          encoding: {
            y,
            x: { field: 'delta', type: 'quantitative' },
            color: { field: 'pipeline', type: 'nominal', scale: colors, legend: null },
            fillOpacity: { field: 'filled', type: 'quantitative', scale: null },
            fill: { field: 'pipeline', type: 'nominal', scale: colors, legend: null },
          },
        },
      ],
    },
  };
}
