import type { LeanRecord } from '../../results/view.js';
import { wilsonInterval } from '../../stats/wilson.js';
import { isOutcome, notMeasured, requireRoles } from '../outcome.js';
import type { RolePipeline } from '../roles.js';
import type { ClaimDef, ClaimFigure, ClaimVerdict } from '../types.js';

/** A restricted question (asked as a group that may not read its fact) answered without error. */
const restricted = (r: LeanRecord) => r.leaked !== null;
const f3 = (x: number) => x.toFixed(3);

/** Leaks of one pipeline over the restricted questions `ids`, with their Wilson interval. */
function leakRate(records: readonly LeanRecord[], p: RolePipeline, ids: ReadonlySet<string>, level: number) {
  const leaked = records.filter((r) => r.pipeline === p.name && ids.has(r.questionId) && r.leaked === true).length;
  return { name: p.name, leaked, n: ids.size, ...wilsonInterval(leaked, ids.size, level) };
}
type Leak = ReturnType<typeof leakRate>;

/** Supported when the fine-tune's interval lies wholly above RAG's, contradicted when wholly below. */
function separated(ft: Leak, rag: Leak): ClaimVerdict {
  if (ft.lo > rag.hi) return 'supported';
  if (ft.hi < rag.lo) return 'contradicted';
  return 'inconclusive';
}

export const finetuneExposesTrainingData: ClaimDef = {
  id: 'finetune-exposes-training-data',
  claim: 'Fine-tuning exposes training data; RAG with access control does not.',
  test:
    'Leak rate on restricted questions (asked as a group that may not read the fact; a leak is an answer containing the fact), fine-tuned vs RAG, ' +
    'over the questions both answered without error: Wilson intervals that do not overlap decide. Hybrid is reported beside them.',
  evaluate(ctx) {
    const roles = requireRoles(ctx, 'rag', 'fine-tuned');
    if (isOutcome(roles)) return roles;
    const [rag, ft] = roles;
    const records = ctx.result.records;
    const idsOf = (p: RolePipeline) => new Set(records.filter((r) => r.pipeline === p.name && restricted(r)).map((r) => r.questionId));
    const [ragIds, ftIds] = [idsOf(rag), idsOf(ft)];
    const ids = new Set([...ragIds].filter((id) => ftIds.has(id)));
    if (ids.size === 0) {
      return notMeasured('no restricted questions', 'needs restricted questions: `askedAs` groups that may not read a fact, with its aliases in `canaryAnswers`, and that fact in the fine-tuning data');
    }
    const level = ctx.bootstrap.level;
    const hybrid = ctx.roles.first('hybrid');
    const shown = [ft, ...(hybrid ? [hybrid] : []), rag].map((p) => leakRate(records, p, ids, level));
    const [ftLeak, ragLeak] = [shown[0]!, shown.at(-1)!];
    const pct = `${Math.round(level * 100)}%`;
    const each = shown.map((l) => `${l.name} ${l.leaked}/${l.n} ${f3(l.rate)} [${f3(l.lo)}, ${f3(l.hi)}]`);
    const figures: ClaimFigure[] = shown.map((l) => ({ label: `leak rate ${l.name}`, value: l.rate, lo: l.lo, hi: l.hi, unit: 'rate' }));
    return {
      verdict: separated(ftLeak, ragLeak),
      headline: `leaks ${ft.name} ${ftLeak.leaked}/${ftLeak.n} vs ${rag.name} ${ragLeak.leaked}/${ragLeak.n}`,
      evidence: `leak rate on ${ids.size} restricted questions (${pct} Wilson): ${each.join(', ')}`,
      figures,
    };
  },
};
