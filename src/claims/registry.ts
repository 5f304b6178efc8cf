/**
 * The claims catalogue: every claim ragvft tests, in report order. Adding a claim is adding an
 * entry under catalogue/ and listing it here; reports, the bench summary and the HTML read this.
 */
import type { ResultView } from '../results/view.js';
import { DEFAULT_LEVEL, DEFAULT_RESAMPLES, DEFAULT_SEED } from '../stats/bootstrap.js';
import { finetuneExposesTrainingData } from './catalogue/finetune-exposes-training-data.js';
import { finetuneSpecializes } from './catalogue/finetune-specializes.js';
import { hybridCombines } from './catalogue/hybrid-combines.js';
import { paraphraseHelpsFinetuning } from './catalogue/paraphrase-helps-finetuning.js';
import { ragAddsLatency } from './catalogue/rag-adds-latency.js';
import { ragCitesSources } from './catalogue/rag-cites-sources.js';
import { ragCostsMore } from './catalogue/rag-costs-more.js';
import { ragFreshAfterCutoff } from './catalogue/rag-fresh-after-cutoff.js';
import { ragNeedsRetrieval } from './catalogue/rag-needs-retrieval.js';
import { ragNewKnowledge } from './catalogue/rag-new-knowledge.js';
import { retrievalCurbsHallucination } from './catalogue/retrieval-curbs-hallucination.js';
import { pipelineRoles } from './roles.js';
import type { ClaimContext, ClaimDef, ClaimResult } from './types.js';

export const CLAIMS: readonly ClaimDef[] = [
  ragFreshAfterCutoff,
  ragNewKnowledge,
  finetuneSpecializes,
  ragNeedsRetrieval,
  ragAddsLatency,
  ragCostsMore,
  hybridCombines,
  retrievalCurbsHallucination,
  paraphraseHelpsFinetuning,
  finetuneExposesTrainingData,
  ragCitesSources,
];

/**
 * What a verdict is about: on local surrogate models it is about them, not about LLMs, and with
 * `--index-as-of` RAG retrieved from a stale index. Reports print it once.
 */
export function scaleNote(ctx: Pick<ClaimContext, 'result' | 'roles'>): string | null {
  const notes: string[] = [];
  const local = ctx.roles.current.filter((p) => p.local).map((p) => p.name);
  if (local.length > 0) notes.push(`tested on this project's small local models (${local.join(', ')}), not on LLMs: it shows the harness's measurement, not how an LLM would fare`);
  const asOf = ctx.result.run.indexAsOf;
  if (asOf) notes.push(`RAG retrieved from an index as of ${asOf} (a stale index), not from the whole corpus`);
  return notes.length ? notes.join('; ') : null;
}

export function evaluateClaims(result: ResultView, claims: readonly ClaimDef[] = CLAIMS): ClaimResult[] {
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
