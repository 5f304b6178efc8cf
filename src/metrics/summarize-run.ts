/**
 * A run's per-pipeline summaries and statistics from its records: the one computation behind
 * `bench` and `merge`, so a merged result's figures are those of the whole run, never averages
 * of shards.
 */
import type { PipelineResult, RunResult } from '../results/schema.js';
import type { LeanRecord } from '../results/view.js';
import { computeRunStatistics } from '../stats/run-statistics.js';
import { type CostInputs, summarize } from './summarize.js';

export interface PipelineSummaryInputs extends Omit<PipelineResult, 'summary'> {
  /** Retrieval depth; null without retrieval. */
  k: number | null;
  cost: CostInputs;
}

export function summarizeRun(pipelines: readonly PipelineSummaryInputs[], records: readonly LeanRecord[]): Pick<RunResult, 'pipelines' | 'statistics'> {
  const byPipeline = new Map<string, LeanRecord[]>(pipelines.map((p) => [p.name, []]));
  for (const r of records) byPipeline.get(r.pipeline)?.push(r);
  const results = pipelines.map(({ k, cost, ...p }) => ({ ...p, summary: summarize(byPipeline.get(p.name)!, { k, cost }) }));
  return { pipelines: results, statistics: computeRunStatistics({ pipelines: results, records }) };
}
