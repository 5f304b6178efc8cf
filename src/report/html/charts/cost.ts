/**
 * Cost per 1,000 questions as a function of query volume: inference per question plus the one-off
 * fine-tuning cost spread over the volume. Where a fine-tuned pipeline's curve crosses RAG's, its
 * training has paid for itself: the break-even volume. Local models have no price, so a run of
 * them is drawn in CPU seconds (inference and training on this machine) instead of USD.
 */
import { pipelineRoles } from '../../../claims/roles.js';
import type { PipelineResult } from '../../../results/schema.js';
import type { ResultView } from '../../../results/view.js';
import { baseSpec, type Chart, type ChartSpec, pipelineColor, WIDTH } from './chart.js';

export interface CostModel {
  pipeline: string;
  /** Per 1,000 questions, in `unit`. */
  inferencePerThousand: number;
  /** One-off, in `unit`. */
  training: number;
}

export type CostUnit = 'usd' | 'cpu-seconds';

export interface BreakEven {
  pipeline: string;
  against: string;
  /** Questions after which the pipeline's training is paid back; null when it never is. */
  volume: number | null;
}

/** Cost per 1,000 questions at `volume` queries. */
export function perThousandAt(m: CostModel, volume: number): number {
  return m.inferencePerThousand + (m.training * 1000) / volume;
}

/** Volume where `trained` (training + cheaper inference) costs the same in total as `reference`. */
export function breakEvenVolume(trained: CostModel, reference: CostModel): number | null {
  const saving = reference.inferencePerThousand - trained.inferencePerThousand;
  return saving > 0 ? (trained.training * 1000) / saving : null;
}

function usdModel(p: PipelineResult): CostModel | null {
  const c = p.summary.costUsd;
  if (c.inferenceUsd === null || c.fineTuningUsd === null || p.summary.questions === 0) return null;
  return { pipeline: p.name, inferencePerThousand: (c.inferenceUsd / p.summary.questions) * 1000, training: c.fineTuningUsd };
}

function cpuModel(p: PipelineResult): CostModel | null {
  const c = p.summary.costUsd.localCpuSeconds;
  if (c.inference === null || p.summary.questions === 0) return null;
  return { pipeline: p.name, inferencePerThousand: (c.inference / p.summary.questions) * 1000, training: c.fineTuning };
}

/** USD when the run priced anything; otherwise the CPU seconds of local models; null when neither is known. */
export function costModels(result: ResultView): { unit: CostUnit; models: CostModel[] } | null {
  const positive = (ms: CostModel[]) => ms.some((m) => m.inferencePerThousand > 0 || m.training > 0);
  const usd = result.pipelines.map(usdModel).filter((m) => m !== null);
  if (positive(usd)) return { unit: 'usd', models: usd };
  const cpu = result.pipelines.map(cpuModel).filter((m) => m !== null);
  if (positive(cpu)) return { unit: 'cpu-seconds', models: cpu };
  return null;
}

/** Each pipeline that was trained, against the run's first RAG pipeline. */
export function breakEvens(result: ResultView, models: CostModel[]): BreakEven[] {
  const rag = pipelineRoles(result).first('rag');
  const reference = models.find((m) => m.pipeline === rag?.name);
  if (!reference) return [];
  return models.filter((m) => m.training > 0).map((m) => ({ pipeline: m.pipeline, against: reference.pipeline, volume: breakEvenVolume(m, reference) }));
}

const POINTS_PER_DECADE = 8;

function volumes(upTo: number): number[] {
  const decades = Math.max(3, Math.ceil(Math.log10(upTo)));
  return Array.from({ length: (decades - 1) * POINTS_PER_DECADE + 1 }, (_, i) => 10 ** (1 + i / POINTS_PER_DECADE));
}

const UNIT = {
  usd: { axis: 'USD per 1,000 questions', format: '$,.3~r', text: (x: number) => `$${x.toPrecision(3)}` },
  'cpu-seconds': { axis: 'CPU seconds per 1,000 questions', format: ',.3~r', text: (x: number) => `${x.toPrecision(3)} s` },
};

function breakEvenTable(unit: CostUnit, models: CostModel[], evens: BreakEven[]): ChartSpec['table'] {
  if (evens.length === 0) return undefined;
  const f = UNIT[unit].text;
  const of = (name: string) => models.find((m) => m.pipeline === name)!;
  return {
    head: ['pipeline', 'training (once)', 'inference per 1,000', 'against', 'its inference per 1,000', 'break-even volume'],
    rows: evens.map((b) => [
      b.pipeline,
      f(of(b.pipeline).training),
      f(of(b.pipeline).inferencePerThousand),
      b.against,
      f(of(b.against).inferencePerThousand),
      b.volume === null ? 'never (inference no cheaper)' : `${Math.round(b.volume).toLocaleString('en-US')} questions`,
    ]),
  };
}

export function costChart(result: ResultView): Chart {
  const id = 'cost';
  const title = 'Cost per 1,000 questions vs query volume';
  const found = costModels(result);
  if (!found) return { id, title, unavailable: 'no cost is known: the models have no price (set `cost.prices`) and no local CPU time was measured' };
  const { unit, models } = found;
  const queryVolume = result.pipelines[0]?.summary.costUsd.queryVolume ?? 100_000;
  const evens = breakEvens(result, models);
  const furthest = Math.max(queryVolume, ...evens.map((b) => b.volume ?? 0));
  const lines = volumes(furthest * 10).flatMap((volume) => models.map((m) => ({ pipeline: m.pipeline, volume, cost: perThousandAt(m, volume) })));
  const points = evens.flatMap((b) => {
    if (b.volume === null) return [];
    const m = models.find((x) => x.pipeline === b.pipeline)!;
    return [{ ...b, cost: perThousandAt(m, b.volume) }];
  });
  const logY = lines.every((l) => l.cost > 0);
  const pipelines = result.pipelines.map((p) => p.name);
  const x = { field: 'volume', type: 'quantitative', scale: { type: 'log' }, title: 'questions answered (query volume)', axis: { format: '~s' } } as const;
  const y = { field: 'cost', type: 'quantitative', scale: { type: logY ? 'log' : 'linear' }, title: UNIT[unit].axis, axis: { format: UNIT[unit].format } } as const;
  return {
    id,
    title,
    caption: [
      unit === 'usd'
        ? 'Inference per question plus the one-off fine-tuning cost spread over the volume.'
        : 'The models are local and have no price, so cost is CPU time on this machine: inference per question plus the one-off training time spread over the volume.',
      points.length > 0 ? `Dots: break-even against ${points[0]!.against}, where training has paid for itself (table below).` : '',
      `Dashed line: the configured volume (cost.queryVolume = ${queryVolume.toLocaleString('en-US')}).`,
    ]
      .filter(Boolean)
      .join(' '),
    table: breakEvenTable(unit, models, evens),
    spec: {
      ...baseSpec(),
      width: WIDTH,
      height: 280,
      layer: [
        {
          data: { values: lines },
          mark: { type: 'line', strokeWidth: 2 },
          encoding: { x, y, color: { field: 'pipeline', type: 'nominal', scale: pipelineColor(pipelines), title: 'pipeline' } },
        },
        { data: { values: [{ volume: queryVolume }] }, mark: { type: 'rule', strokeDash: [4, 4], color: '#666' }, encoding: { x } },
        { data: { values: points }, mark: { type: 'point', filled: true, size: 80, color: '#000' }, encoding: { x, y } },
      ],
    },
  };
}
