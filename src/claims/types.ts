/**
 * A claim from the RAG-versus-fine-tuning literature, tested on one run. Claims are a catalogue
 * (registry.ts), each entry one small object: what is claimed, the figures and statistical test
 * that decide it, and `evaluate`, which reads only the run's records and statistics.
 */
import type { ResultView } from '../results/view.js';
import type { PipelineRoles } from './roles.js';

/**
 * `supported`/`contradicted`: the interval of the deciding effect excludes "no effect" in one
 * direction or the other; `inconclusive`: it includes no effect; `not-measured`: the run lacks the
 * pipelines or questions the test needs (`missing` says which).
 */
export type ClaimVerdict = 'supported' | 'contradicted' | 'inconclusive' | 'not-measured';

/** One figure behind a verdict, with its interval when it has one. */
export interface ClaimFigure {
  label: string;
  value: number | null;
  lo?: number;
  hi?: number;
  /** How to print it: a rate in [0,1], a ratio, milliseconds, USD, a count. */
  unit: 'rate' | 'ratio' | 'ms' | 'usd' | 'count';
}

export interface ClaimOutcome {
  verdict: ClaimVerdict;
  /** The deciding figure in a few words, for one-line views ("stale fine-tuned − rag +0.73 [0.64, 0.82]"); for `not-measured`, what is lacking. */
  headline: string;
  /** One sentence naming the figures that decided it (e.g. "stale 0.76 vs 0.04, diff +0.72 [0.62, 0.81]"). */
  evidence: string;
  figures: ClaimFigure[];
  /** For `not-measured`: what the run would need (pipelines, categories, data). */
  missing?: string;
}

export interface ClaimContext {
  result: ResultView;
  roles: PipelineRoles;
  /** Bootstrap settings of the run's statistics, so claims use the same seed and level. */
  bootstrap: { seed: number; resamples: number; level: number };
}

export interface ClaimDef {
  /** Stable id, e.g. `rag-fresh-after-cutoff` (results and reports refer to it). */
  id: string;
  /** The claim as the articles make it. */
  claim: string;
  /** The figures and the test that decide it. */
  test: string;
  evaluate(ctx: ClaimContext): ClaimOutcome;
}

/** A claim with its outcome, as reports show it. */
export interface ClaimResult extends ClaimOutcome {
  id: string;
  claim: string;
  test: string;
  /** Set when the pipelines that decided it run on surrogate local models: the verdict is about them, not about LLMs. */
  scale: string | null;
}
