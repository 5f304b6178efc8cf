/** Latency per stage (embed, search, generate) stacked per pipeline, at p50 and p95, with the total's percentiles. */
import type { ResultView } from '../../../results/view.js';
import { baseSpec, type Chart, WIDTH } from './chart.js';

const STAGES = ['embed', 'search', 'generate'] as const;
const PERCENTILES = ['p50', 'p95'] as const;

export interface LatencyRow {
  pipeline: string;
  percentile: (typeof PERCENTILES)[number];
  stage: (typeof STAGES)[number];
  ms: number;
}

export interface LatencyTotal {
  pipeline: string;
  percentile: (typeof PERCENTILES)[number];
  ms: number;
}

/** Summaries count non-cached calls only; a pipeline whose every answer came from the cache has no latency. */
export function latencyData(result: ResultView): { stages: LatencyRow[]; totals: LatencyTotal[] } {
  const measured = result.pipelines.filter((p) => p.summary.latencyMs.count > 0);
  return {
    stages: measured.flatMap((p) =>
      PERCENTILES.flatMap((percentile) =>
        STAGES.flatMap((stage) => {
          const s = p.summary.stageLatencyMs[stage];
          return s ? [{ pipeline: p.name, percentile, stage, ms: s[percentile] }] : [];
        }),
      ),
    ),
    totals: measured.flatMap((p) => PERCENTILES.map((percentile) => ({ pipeline: p.name, percentile, ms: p.summary.latencyMs[percentile] }))),
  };
}

export function latencyChart(result: ResultView): Chart {
  const id = 'latency';
  const title = 'Latency per stage';
  const { stages, totals } = latencyData(result);
  if (totals.length === 0) return { id, title, unavailable: 'no pipeline has a non-cached call (cached answers measure no model)' };
  const pipelines = result.pipelines.map((p) => p.name);
  const y = { field: 'pipeline', type: 'nominal', sort: pipelines, title: null } as const;
  const yOffset = { field: 'percentile', type: 'nominal', sort: [...PERCENTILES] } as const;
  return {
    id,
    title,
    caption: 'Per pipeline, the upper bar stacks each stage\'s median (p50), the lower one each stage\'s p95; the black tick is the p50 / p95 of the whole call. Stage percentiles do not add up to the total\'s exactly. Cached answers are left out.',
    spec: {
      ...baseSpec(),
      width: WIDTH - 60,
      height: { step: 16 },
      encoding: { y, yOffset },
      layer: [
        {
          // Stacked in pipeline order: embed, then search, then generate.
          data: { values: stages.map((r) => ({ ...r, order: STAGES.indexOf(r.stage) })) },
          mark: 'bar',
          encoding: {
            x: { field: 'ms', type: 'quantitative', stack: 'zero', title: 'milliseconds' },
            color: { field: 'stage', type: 'nominal', scale: { domain: [...STAGES], range: ['#76b7b2', '#edc948', '#4e79a7'] }, title: 'stage', legend: { orient: 'bottom' } },
            order: { field: 'order', type: 'quantitative' },
          },
        },
        {
          data: { values: totals },
          mark: { type: 'tick', color: '#000', thickness: 2 },
          encoding: { x: { field: 'ms', type: 'quantitative' } },
        },
        {
          data: { values: totals },
          mark: { type: 'text', align: 'left', dx: 4, fontSize: 10 },
          encoding: { x: { field: 'ms', type: 'quantitative' }, text: { field: 'label' } },
          transform: [{ calculate: "datum.percentile + ' ' + format(datum.ms, '.3~s') + ' ms'", as: 'label' }],
        },
      ],
    },
  };
}
