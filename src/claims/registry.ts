/**
 * The claims catalogue: every claim ragvft tests, in report order. Adding a claim is adding an
 * entry under catalogue/ and listing it here; reports, the bench summary and the HTML read this.
 */
import type { RunResult } from '../results/schema.js';
import { DEFAULT_LEVEL, DEFAULT_RESAMPLES, DEFAULT_SEED } from '../stats/bootstrap.js';
import { ragFreshAfterCutoff } from './catalogue/rag-fresh-after-cutoff.js';
import { pipelineRoles } from './roles.js';
import type { ClaimContext, ClaimDef, ClaimResult } from './types.js';

export const CLAIMS: readonly ClaimDef[] = [ragFreshAfterCutoff];

/** Where a verdict rests on local surrogate models, it is about them: reports say so. */
function scaleNote(ctx: ClaimContext): string | null {
  const local = ctx.roles.pipelines.filter((p) => p.local).map((p) => p.name);
  if (local.length === 0) return null;
  return `tested on this project's small local models (${local.join(', ')}), not on LLMs: it shows the harness's measurement, not how an LLM would fare`;
}

export function evaluateClaims(result: RunResult, claims: readonly ClaimDef[] = CLAIMS): ClaimResult[] {
  const m = result.statistics.method;
  const ctx: ClaimContext = {
    result,
    roles: pipelineRoles(result),
    bootstrap: { seed: m?.seed ?? DEFAULT_SEED, resamples: m?.resamples ?? DEFAULT_RESAMPLES, level: m?.level ?? DEFAULT_LEVEL },
  };
  const scale = scaleNote(ctx);
  return claims.map((c) => {
    const outcome = c.evaluate(ctx);
    return { id: c.id, claim: c.claim, test: c.test, ...outcome, scale: outcome.verdict === 'not-measured' ? null : scale };
  });
}
