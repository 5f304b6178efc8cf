/**
 * What every chart module returns: a Vega-Lite spec with its title and caption, or the reason the
 * run cannot draw it (shown in its place, so a missing chart is never silent).
 */
import type { TopLevelSpec } from 'vega-lite';

export interface ChartSpec {
  id: string;
  title: string;
  /** One or two sentences: what is plotted and how to read it. */
  caption: string;
  spec: TopLevelSpec;
  /** Figures shown under the chart as a table (plain text; the page escapes it). */
  table?: { head: string[]; rows: string[][] };
}

export interface ChartUnavailable {
  id: string;
  title: string;
  unavailable: string;
}

export type Chart = ChartSpec | ChartUnavailable;

export const WIDTH = 560;

/** Tableau 10: distinguishable, colour-blind tolerant, and the same pipeline gets the same colour in every chart. */
const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

export function pipelineColor(pipelines: readonly string[]) {
  return { domain: [...pipelines], range: pipelines.map((_, i) => PALETTE[i % PALETTE.length]!) };
}

/** Shared look; data always travels in `data.values`, never inside an expression string. */
export function baseSpec(): Pick<TopLevelSpec, '$schema' | 'background' | 'config'> {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    background: 'white',
    config: { font: 'system-ui, sans-serif', view: { stroke: null }, axis: { labelFontSize: 11, titleFontSize: 12 }, legend: { labelFontSize: 11, titleFontSize: 12 } },
  };
}
