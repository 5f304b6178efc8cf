/**
 * The document `ragvft report` renders from one result file: the claims' verdicts, freshness over
 * time and keep-fresh costs. Formats (table, md, json, later html) render this, never the raw run.
 */
import type { ResultView } from '../results/view.js';
import { type FreshnessOverTime, freshnessOverTime } from './freshness/over-time.js';
import { DEFAULT_CADENCES, type KeepFresh, keepFreshCosts } from './freshness/keep-fresh.js';
import { evaluateClaims, scaleNote } from './registry.js';
import { pipelineRoles } from './roles.js';
import type { ClaimResult } from './types.js';

export interface RunReport {
  /** The result file read (as given on the command line). */
  source: string;
  run: { id: string; dataset: string; questions: number; trainingCutoff: string | null; indexAsOf: string | null; pipelines: string[] };
  /** What every verdict is about (local models, stale index); null for LLMs on the whole corpus. */
  scale: string | null;
  claims: ClaimResult[];
  /** Null: no cutoff, or records without `asOf` (results written before it was recorded). */
  overTime: FreshnessOverTime | null;
  /** Null: no corpus timeline in the result. */
  keepFresh: KeepFresh | null;
}

export function buildRunReport(result: ResultView, source: string, opts: { cadences?: readonly number[] } = {}): RunReport {
  const roles = pipelineRoles(result);
  return {
    source,
    run: {
      id: result.run.id,
      dataset: result.run.dataset.name,
      questions: result.run.dataset.questions,
      trainingCutoff: result.run.dataset.trainingCutoff,
      indexAsOf: result.run.indexAsOf,
      pipelines: result.pipelines.map((p) => p.name),
    },
    scale: scaleNote({ result, roles }),
    claims: evaluateClaims(result),
    overTime: freshnessOverTime(result),
    keepFresh: keepFreshCosts(result, roles, opts.cadences ?? DEFAULT_CADENCES),
  };
}
