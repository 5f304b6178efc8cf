import { metric } from '../../metrics/registry.js';
import type { LeanRecord } from '../../results/view.js';
import { mean } from '../../stats/bootstrap.js';
import { independentDiffCI } from '../../stats/two-sample.js';
import { headlineDiff, notMeasured } from '../outcome.js';
import { describeDiff, verdictOf } from '../paired.js';
import type { ClaimDef } from '../types.js';

const accuracy = metric('accuracy');
/** Fewer questions than this in a group: its bootstrap interval says nothing (one question has no variance). */
export const MIN_GROUP = 10;
const f3 = (x: number) => x.toFixed(3);

/**
 * Whether retrieval delivered the answer, per record: `answerInContext` (a gold answer is in the
 * retrieved text) when the run recorded it, else whether a gold document was retrieved — results
 * written before `answerInContext` existed have only the latter.
 */
function retrievalHit(records: LeanRecord[]): { hit: (r: LeanRecord) => boolean | null; by: string; short: string } {
  if (records.some((r) => r.answerInContext !== null)) return { hit: (r) => r.answerInContext, by: 'a gold answer in the retrieved context', short: 'answer in context' };
  return { hit: (r) => (r.retrieval === null ? null : r.retrieval.recall > 0), by: 'a gold document retrieved (answer-in-context not recorded)', short: 'gold doc retrieved' };
}

export const ragNeedsRetrieval: ClaimDef = {
  id: 'rag-needs-retrieval',
  claim: "RAG's answers depend on retrieval quality.",
  test: 'RAG accuracy on answerable questions whose answer was in the retrieved context minus on those whose answer was not (two independent samples, bootstrap CI); falls back to "a gold document was retrieved" when the run did not record answer-in-context.',
  evaluate(ctx) {
    const rag = ctx.roles.first('rag');
    if (!rag) return notMeasured('no RAG pipeline', 'needs a RAG pipeline (has no RAG pipeline)');
    const records = ctx.result.records.filter((r) => r.pipeline === rag.name && r.category !== 'unanswerable' && r.error === null);
    const { hit, by, short } = retrievalHit(records);
    const inside = records.filter((r) => hit(r) === true).map(accuracy.value);
    const outside = records.filter((r) => hit(r) === false).map(accuracy.value);
    if (inside.length === 0 && outside.length === 0) return notMeasured('no retrieval scores', `needs answerable questions with retrieval scores (${rag.name} has none)`);
    if (Math.min(inside.length, outside.length) < MIN_GROUP) {
      return notMeasured(
        `too few ${inside.length < outside.length ? 'hits' : 'misses'}: ${inside.length} with, ${outside.length} without`,
        `needs at least ${MIN_GROUP} answerable questions both with and without ${by} (has ${inside.length} with, ${outside.length} without): a smaller group has no variance to bootstrap`,
      );
    }
    const e = independentDiffCI(outside, inside, ctx.bootstrap);
    return {
      verdict: verdictOf(e, 1),
      headline: headlineDiff(`${rag.name} acc`, short, 'not', e),
      evidence: `${rag.name} accuracy with ${by} ${f3(mean(inside))} (${inside.length} questions) vs without ${f3(mean(outside))} (${outside.length}): ${describeDiff(e, ctx.bootstrap.level)}`,
      figures: [
        { label: 'accuracy, answer retrieved', value: mean(inside), unit: 'rate' },
        { label: 'accuracy, answer not retrieved', value: mean(outside), unit: 'rate' },
        { label: 'difference', value: e.diff, lo: e.lo, hi: e.hi, unit: 'rate' },
      ],
    };
  },
};
