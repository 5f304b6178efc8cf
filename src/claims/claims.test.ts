import { describe, expect, it } from 'vitest';
import type { Category } from '../dataset/schema.js';
import { type AnswerFn, FOUR_PIPELINES, type FixtureQuestion, makeQuestions, makeRun, type Outcome, simulated, withChanges } from '../compare/test-fixtures.js';
import { deriveSeed, mulberry32 } from '../stats/rng.js';
import { HYBRID_MARGIN } from './catalogue/hybrid-combines.js';
import { dataVariant } from './catalogue/paraphrase-helps-finetuning.js';
import { MIN_GROUP } from './catalogue/rag-needs-retrieval.js';
import { CLAIMS, evaluateClaims } from './registry.js';
import { pipelineRoles } from './roles.js';
import type { ClaimResult } from './types.js';

const questions = makeQuestions(200);
const { config, models } = FOUR_PIPELINES;
const run = (pipelines: Record<string, AnswerFn>, over: { config?: Record<string, unknown>; models?: Record<string, string> } = {}) =>
  makeRun({ questions, pipelines, models: over.models ?? models, config: over.config ?? config });
const claim = (id: string, r: ReturnType<typeof run>) => evaluateClaims(r).find((c) => c.id === id)!;

/** Stale on updated questions with probability p (else current). */
const staleWith = (p: number, seed: number): AnswerFn => withChanges(simulated(0.7, seed), (q, i) => (q.category === 'updated' ? { correct: false, freshness: simulated(p, seed + 1)(q, i).correct ? 'stale' : 'current' } : undefined));

describe('pipeline roles', () => {
  it('reads retrieval and fine-tunes from the run config: local fine-tunes, remote ft: models', () => {
    const r = run({ 'closed-book': simulated(0.1, 1), rag: simulated(0.5, 2), 'fine-tuned': simulated(0.5, 3), hybrid: simulated(0.6, 4) });
    const roles = pipelineRoles(r);
    expect(roles.pipelines.map((p) => [p.name, p.role, p.finetuneData])).toEqual([
      ['closed-book', 'closed-book', null],
      ['rag', 'rag', null],
      ['fine-tuned', 'fine-tuned', 'paraphrase'],
      ['hybrid', 'hybrid', 'paraphrase'],
    ]);
    const remote = run(
      { base: simulated(0.1, 1), tuned: simulated(0.5, 3) },
      { models: { base: 'openai:gpt-4o-mini', tuned: 'openai:ft:gpt-4o-mini-2024-07-18:org::abc' }, config: { pipelines: [{ name: 'base', retrieval: false }, { name: 'tuned', retrieval: false }] } },
    );
    expect(pipelineRoles(remote).pipelines.map((p) => [p.name, p.role, p.local])).toEqual([
      ['base', 'closed-book', false],
      ['tuned', 'fine-tuned', false],
    ]);
  });

  it('knows the data of a provider fine-tune (`finetune:<name>`, run as the lock\'s ft: model), so paraphrase and plain compare', () => {
    const ft = (suffix: string) => `openai:ft:gpt-4o-mini-2024-07-18:org:${suffix}:abc`;
    const both = run(
      { base: simulated(0.1, 1), para: onCategory('static', 0.95, 1), plain: onCategory('static', 0.5, 2), 'para-rag': simulated(0.6, 4) },
      {
        models: { base: 'openai:gpt-4o-mini', para: ft('para'), plain: ft('plain'), 'para-rag': ft('para') },
        config: {
          models: { tuned: 'finetune:para' },
          pipelines: [{ name: 'base', model: 'openai:gpt-4o-mini', retrieval: false }, { name: 'para', model: 'tuned', retrieval: false }, { name: 'plain', model: 'finetune:plain', retrieval: false }, { name: 'para-rag', model: 'tuned', retrieval: true }],
          finetune: { para: { data: 'paraphrase', provider: 'openai' }, plain: { data: 'plain', provider: 'openai' } },
        },
      },
    );
    expect(pipelineRoles(both).pipelines.map((p) => [p.name, p.role, p.finetuneData])).toEqual([
      ['base', 'closed-book', null],
      ['para', 'fine-tuned', 'paraphrase'],
      ['plain', 'fine-tuned', 'plain'],
      ['para-rag', 'hybrid', 'paraphrase'],
    ]);
    expect(claim('paraphrase-helps-finetuning', both).verdict).toBe('supported');
  });

  it('a custom pipeline plays RAG when it reports retrieved documents, and no part when it does not', () => {
    const r = run(
      { 'closed-book': simulated(0.1, 1), svc: simulated(0.5, 2), mine: simulated(0.5, 3) },
      { models: { 'closed-book': 'local:reader', svc: 'http:svc', mine: 'custom:mine' }, config: { pipelines: [{ name: 'closed-book', retrieval: false }, { name: 'svc', type: 'http' }, { name: 'mine', version: '1' }] } },
    );
    // As bench reports them: the service sent document ids, the function did not.
    const withIds = { ...r, pipelines: r.pipelines.map((p) => ({ ...p, retrieval: p.name === 'svc' })) };
    expect(pipelineRoles(withIds).pipelines.map((p) => [p.name, p.role])).toEqual([
      ['closed-book', 'closed-book'],
      ['svc', 'rag'],
    ]);
  });
});

describe('claim rag-fresh-after-cutoff', () => {
  it('supported when the fine-tune is stale far more often than RAG', () => {
    const c = claim('rag-fresh-after-cutoff', run({ rag: staleWith(0.05, 10), 'fine-tuned': staleWith(0.8, 20) }));
    expect(c.verdict).toBe('supported');
    expect(c.figures.find((f) => f.label === 'difference')!.lo).toBeGreaterThan(0);
    expect(c.evidence).toMatch(/stale on updated: fine-tuned vs rag 0\.\d{3} vs 0\.\d{3} \(diff \+0\.\d{3}, 95% CI/);
    expect(c.scale).toMatch(/local models/);
  });

  it('contradicted when RAG is the stale one', () => {
    expect(claim('rag-fresh-after-cutoff', run({ rag: staleWith(0.8, 10), 'fine-tuned': staleWith(0.05, 20) })).verdict).toBe('contradicted');
  });

  it('inconclusive when both are stale alike', () => {
    expect(claim('rag-fresh-after-cutoff', run({ rag: staleWith(0.3, 10), 'fine-tuned': staleWith(0.3, 10) })).verdict).toBe('inconclusive');
  });

  it('not measured without a fine-tuned pipeline or without updated questions, saying which', () => {
    const noFt = claim('rag-fresh-after-cutoff', run({ rag: staleWith(0.1, 10) }));
    expect(noFt).toMatchObject({ verdict: 'not-measured', missing: expect.stringMatching(/no fine-tuned pipeline/), scale: null });
    const errored = claim('rag-fresh-after-cutoff', run({ rag: withChanges(staleWith(0.1, 10), (q) => (q.category === 'updated' ? { error: true } : undefined)), 'fine-tuned': staleWith(0.8, 20) }));
    expect(errored).toMatchObject({ verdict: 'not-measured', missing: expect.stringMatching(/updated/) });
  });
});

/** Right with probability `p` on questions of `cat`, `rest` elsewhere. */
const onCategory = (cat: Category, p: number, seed: number, rest = 0.5): AnswerFn => (q, i) => simulated(q.category === cat ? p : rest, seed)(q, i);
const figure = (c: ClaimResult, label: string) => c.figures.find((f) => f.label === label)!;

describe('claim rag-new-knowledge', () => {
  it('supported when RAG answers new facts the closed-book model cannot', () => {
    const c = claim('rag-new-knowledge', run({ 'closed-book': onCategory('new', 0.05, 1), rag: onCategory('new', 0.9, 2) }));
    expect(c.verdict).toBe('supported');
    expect(c.evidence).toMatch(/^accuracy on new: rag vs closed-book/);
    expect(c.headline).toMatch(/^new rag − closed-book \+0\.\d\d \[/);
  });

  it('contradicted when RAG does worse on them, inconclusive when alike', () => {
    expect(claim('rag-new-knowledge', run({ 'closed-book': onCategory('new', 0.9, 1), rag: onCategory('new', 0.05, 2) })).verdict).toBe('contradicted');
    expect(claim('rag-new-knowledge', run({ 'closed-book': onCategory('new', 0.5, 1), rag: onCategory('new', 0.5, 1) })).verdict).toBe('inconclusive');
  });

  it('compares with the fine-tune when there is no closed-book pipeline; not measured without either or without new questions', () => {
    expect(claim('rag-new-knowledge', run({ rag: onCategory('new', 0.9, 2), 'fine-tuned': onCategory('new', 0.05, 3) })).evidence).toMatch(/rag vs fine-tuned/);
    expect(claim('rag-new-knowledge', run({ rag: onCategory('new', 0.9, 2) }))).toMatchObject({ verdict: 'not-measured', missing: expect.stringMatching(/closed-book or fine-tuned/) });
    const noNew = makeRun({ questions: questions.filter((q) => q.category !== 'new'), pipelines: { 'closed-book': simulated(0.1, 1), rag: simulated(0.9, 2) }, models, config });
    expect(claim('rag-new-knowledge', noNew)).toMatchObject({ verdict: 'not-measured', headline: 'no `new` questions' });
  });
});

describe('claim finetune-specializes', () => {
  it('supported when the fine-tune knows the static facts the base model does not', () => {
    const c = claim('finetune-specializes', run({ 'closed-book': onCategory('static', 0.05, 1), 'fine-tuned': onCategory('static', 0.9, 2) }));
    expect(c.verdict).toBe('supported');
    expect(figure(c, 'difference').lo).toBeGreaterThan(0);
  });

  it('contradicted when fine-tuning made static answers worse, inconclusive when alike', () => {
    expect(claim('finetune-specializes', run({ 'closed-book': onCategory('static', 0.9, 1), 'fine-tuned': onCategory('static', 0.3, 2) })).verdict).toBe('contradicted');
    expect(claim('finetune-specializes', run({ 'closed-book': onCategory('static', 0.6, 1), 'fine-tuned': onCategory('static', 0.6, 1) })).verdict).toBe('inconclusive');
  });

  it('not measured without a closed-book base', () => {
    expect(claim('finetune-specializes', run({ rag: simulated(0.5, 1), 'fine-tuned': simulated(0.5, 2) }))).toMatchObject({ verdict: 'not-measured', headline: 'no closed-book pipeline' });
  });
});

/** RAG right with `pIn` when its context held the answer (two questions in three), `pOut` otherwise. */
const byContext = (pIn: number, pOut: number, seed: number, record: 'answerInContext' | 'recall' = 'answerInContext'): AnswerFn => (q, i) => {
  const hit = i % 3 !== 0;
  const o = simulated(hit ? pIn : pOut, seed)(q, i);
  const answerable = q.category !== 'unanswerable';
  return record === 'answerInContext' ? { ...o, answerInContext: answerable ? hit : null, recall: hit ? 1 : 0 } : { ...o, recall: answerable && hit ? 1 : 0 };
};

describe('claim rag-needs-retrieval', () => {
  it('supported when RAG is right far more often with the answer in its context', () => {
    const c = claim('rag-needs-retrieval', run({ rag: byContext(0.9, 0.1, 1) }));
    expect(c.verdict).toBe('supported');
    expect(c.evidence).toMatch(/with a gold answer in the retrieved context 0\.\d{3} \(\d+ questions\) vs without/);
  });

  it('contradicted when retrieval hits go with wrong answers, inconclusive when it makes no difference', () => {
    expect(claim('rag-needs-retrieval', run({ rag: byContext(0.1, 0.9, 1) })).verdict).toBe('contradicted');
    expect(claim('rag-needs-retrieval', run({ rag: byContext(0.6, 0.6, 1) })).verdict).toBe('inconclusive');
  });

  it('falls back to "a gold document was retrieved" when answer-in-context was not recorded, and says so', () => {
    const c = claim('rag-needs-retrieval', run({ rag: byContext(0.9, 0.1, 1, 'recall') }));
    expect(c.verdict).toBe('supported');
    expect(c.evidence).toMatch(/a gold document retrieved \(answer-in-context not recorded\)/);
    // answer-in-context, when recorded, decides even where the gold document says otherwise.
    const contrary = withChanges(byContext(0.9, 0.1, 1), (q, _i, o) => ({ recall: o.answerInContext ? 0 : 1 }));
    expect(claim('rag-needs-retrieval', run({ rag: contrary })).verdict).toBe('supported');
  });

  it('not measured without a RAG pipeline or without questions both with and without the answer retrieved', () => {
    expect(claim('rag-needs-retrieval', run({ 'closed-book': simulated(0.5, 1) }))).toMatchObject({ verdict: 'not-measured', headline: 'no RAG pipeline' });
    const always = withChanges(simulated(0.9, 1), (q) => ({ answerInContext: q.category === 'unanswerable' ? null : true }));
    expect(claim('rag-needs-retrieval', run({ rag: always }))).toMatchObject({ verdict: 'not-measured', missing: expect.stringMatching(/\(has \d+ with, 0 without\)/) });
    expect(claim('rag-needs-retrieval', run({ rag: simulated(0.9, 1) }))).toMatchObject({ verdict: 'not-measured', headline: 'no retrieval scores' });
    // A handful of misses has no variance to bootstrap: one wrong miss would otherwise "support" the claim.
    const fewMisses = withChanges(byContext(0.9, 0, 1), (q, i) => (q.category === 'unanswerable' ? undefined : { answerInContext: i >= MIN_GROUP - 1 || i % 3 !== 0 }));
    expect(claim('rag-needs-retrieval', run({ rag: fewMisses }))).toMatchObject({ verdict: 'not-measured', missing: expect.stringMatching(/at least 10 answerable questions both with and without/) });
  });
});

/** Latency around `median` ms, varying per question (seeded), with retrieval stages when `stages`. */
const timed = (median: number, seed: number, extra: Partial<Outcome> = {}): AnswerFn => (q, i) => ({
  ...simulated(0.5, seed)(q, i),
  latencyMs: median * (0.5 + mulberry32(deriveSeed(seed + 7, q.id))()),
  ...extra,
});

describe('claim rag-adds-latency', () => {
  it('supported when RAG is slower at the median, with its stages in the evidence', () => {
    const c = claim('rag-adds-latency', run({ rag: timed(200, 1, { stages: { embed: 4, search: 1 } }), 'fine-tuned': timed(100, 2) }));
    expect(c.verdict).toBe('supported');
    expect(figure(c, 'p50 ratio').lo).toBeGreaterThan(1);
    expect(c.evidence).toMatch(/rag p50 per stage: embed 4\.00 ms, search 1\.00 ms, generate \d+\.\d ms/);
  });

  it('contradicted when RAG is faster, inconclusive when alike', () => {
    expect(claim('rag-adds-latency', run({ rag: timed(50, 1), 'fine-tuned': timed(100, 2) })).verdict).toBe('contradicted');
    expect(claim('rag-adds-latency', run({ rag: timed(100, 1), 'fine-tuned': timed(100, 2) })).verdict).toBe('inconclusive');
  });

  it('leaves cached answers out, and is not measured when every answer was cached', () => {
    // Cached answers with a tiny latency would make RAG look fast if they were counted.
    const cachedFast = withChanges(timed(200, 1), (_q, i) => (i % 2 === 0 ? { cached: true, latencyMs: 1 } : undefined));
    expect(claim('rag-adds-latency', run({ rag: cachedFast, 'fine-tuned': timed(100, 2) })).verdict).toBe('supported');
    expect(claim('rag-adds-latency', run({ rag: timed(200, 1), 'fine-tuned': timed(100, 2, { cached: true }) }))).toMatchObject({ verdict: 'not-measured', headline: 'no measured calls' });
  });
});

describe('claim rag-costs-more', () => {
  const remoteModels = { rag: 'openai:gpt-4o-mini', 'fine-tuned': 'openai:ft:gpt-4o-mini-2024-07-18:org::abc' };
  const remoteConfig = { pipelines: [{ name: 'rag', retrieval: true }, { name: 'fine-tuned', retrieval: false }], finetune: { tuned: { data: 'plain', model: remoteModels['fine-tuned'] } } };
  const costing = (usd: number, seed: number, extra: Partial<Outcome> = {}): AnswerFn => (q, i) => ({ ...simulated(0.5, seed)(q, i), costUsd: usd * (0.5 + mulberry32(deriveSeed(seed, `c${q.id}`))()), ...extra });
  const remote = (pipelines: Record<string, AnswerFn>, over: Partial<Parameters<typeof makeRun>[0]> = {}) =>
    makeRun({ questions, pipelines, models: remoteModels, config: remoteConfig, fineTuning: { 'fine-tuned': { usd: 5 } }, ...over });

  it('supported when RAG queries cost more, with the break-even volume of the training cost', () => {
    const r = remote({ rag: costing(0.0003, 1), 'fine-tuned': costing(0.0001, 2) });
    const c = claim('rag-costs-more', r);
    expect(c.verdict).toBe('supported');
    const cost = (name: string) => r.records.filter((x) => x.pipeline === name).reduce((a, x) => a + x.costUsd!, 0) / questions.length;
    const saving = cost('rag') - cost('fine-tuned');
    expect(figure(c, 'break-even queries').value).toBeCloseTo(5 / saving, 0);
    expect(c.evidence).toMatch(/training \$5\.00 paid back after [\d,]+ queries/);
    expect(c.scale).toBeNull();
  });

  it('prices re-training on the facts that changed: the queries per month that pay for it', () => {
    const dated = questions.map((q) => ({ ...q, asOf: '2024-07-01' }));
    const r = remote(
      { rag: costing(0.0003, 1), 'fine-tuned': costing(0.0001, 2) },
      {
        questions: dated,
        run: {
          corpusTimeline: { atCutoff: { documents: 10, tokens: 1000, chunks: 10 }, changes: [{ date: '2024-02-15', documents: 2, tokens: 200, chunks: 2 }] },
          finetunes: { [remoteModels['fine-tuned']]: { trainingTokens: 1000, epochs: 2 } },
        },
      },
    );
    const c = claim('rag-costs-more', r);
    // 2 changed documents × 100 training tokens per document × 2 epochs at $5 / (1000 × 2) tokens = $1 over the period.
    const months = 182 / (365.2425 / 12);
    const cost = (name: string) => r.records.filter((x) => x.pipeline === name).reduce((a, x) => a + x.costUsd!, 0) / questions.length;
    expect(figure(c, 'break-even queries per month (monthly re-training)').value).toBeCloseTo(1 / months / (cost('rag') - cost('fine-tuned')), 0);
    expect(c.evidence).toMatch(/facts changed every 182 days: re-training on them costs \$0\.17\/month/);
  });

  it('contradicted when RAG queries cost less, inconclusive when alike', () => {
    expect(claim('rag-costs-more', remote({ rag: costing(0.0001, 1), 'fine-tuned': costing(0.0003, 2) })).verdict).toBe('contradicted');
    const alike = claim('rag-costs-more', remote({ rag: costing(0.0002, 1), 'fine-tuned': costing(0.0002, 2) }));
    expect(alike.verdict).toBe('inconclusive');
  });

  it('not measured for local models (no price), reporting tokens and CPU seconds; or when a price is unknown', () => {
    const c = claim('rag-costs-more', run({ rag: simulated(0.5, 1, { tokens: { input: 600, output: 5 }, cpuMs: 3 }), 'fine-tuned': simulated(0.5, 2, { cpuMs: 1 }) }));
    expect(c).toMatchObject({ verdict: 'not-measured', missing: expect.stringMatching(/local models, which have no price/) });
    expect(c.evidence).toMatch(/input tokens per question rag 600 vs fine-tuned 50; CPU per 1,000 questions 3\.00 s vs 1\.00 s/);
    const unknown = claim('rag-costs-more', remote({ rag: costing(0.0003, 1, { costUsd: null }), 'fine-tuned': costing(0.0001, 2) }));
    expect(unknown).toMatchObject({ verdict: 'not-measured', missing: expect.stringMatching(/price or token usage of rag is unknown/) });
  });
});

describe('claim hybrid-combines', () => {
  // RAG leads on updated/new, the fine-tune on static.
  const rag = (q: FixtureQuestion, i: number) => simulated(q.category === 'static' ? 0.3 : 0.9, 1)(q, i);
  const ft = (q: FixtureQuestion, i: number) => simulated(q.category === 'static' ? 0.9 : 0.1, 2)(q, i);
  const leader: AnswerFn = (q, i) => (q.category === 'static' ? ft(q, i) : rag(q, i));

  it('supported when the hybrid matches the better pipeline in each category', () => {
    const c = claim('hybrid-combines', run({ rag, 'fine-tuned': ft, hybrid: leader }));
    expect(c.verdict).toBe('supported');
    expect(c.evidence).toMatch(/static 0\.\d{3} vs fine-tuned 0\.\d{3}, updated 0\.\d{3} vs rag 0\.\d{3}, new 0\.\d{3} vs rag/);
  });

  it('contradicted when it is clearly worse than the better one, inconclusive within reach of the margin', () => {
    expect(claim('hybrid-combines', run({ rag, 'fine-tuned': ft, hybrid: simulated(0.3, 3) })).verdict).toBe('contradicted');
    // Wrong on one question in twenty the leader gets right: about 0.05 worse, the margin.
    const slightlyWorse = withChanges(leader, (_q, i) => (i % 20 === 0 ? { correct: false } : undefined));
    const c = claim('hybrid-combines', run({ rag, 'fine-tuned': ft, hybrid: slightlyWorse }));
    expect(c.verdict).toBe('inconclusive');
    expect(figure(c, 'difference').lo).toBeLessThan(-HYBRID_MARGIN);
    expect(figure(c, 'difference').hi).toBeGreaterThan(-HYBRID_MARGIN);
  });

  it('not measured without a hybrid pipeline', () => {
    expect(claim('hybrid-combines', run({ rag, 'fine-tuned': ft }))).toMatchObject({ verdict: 'not-measured', headline: 'no hybrid (fine-tuned + RAG) pipeline' });
  });
});

/** Answers anyway (neither right nor an abstention) on unanswerable, updated and new questions with probability `p`. */
const hallucinating = (p: number, seed: number): AnswerFn => (q, i) => {
  if (q.category === 'static') return simulated(0.5, seed)(q, i);
  const h = simulated(p, seed)(q, i).correct;
  return q.category === 'unanswerable' ? { correct: !h } : { correct: !h, freshness: h ? 'wrong' : 'current' };
};

describe('claim retrieval-curbs-hallucination', () => {
  it('supported when retrieval cuts wrong answers, pooling both model pairs', () => {
    const c = claim('retrieval-curbs-hallucination', run({ 'closed-book': hallucinating(0.6, 1), rag: hallucinating(0.05, 2), 'fine-tuned': hallucinating(0.6, 3), hybrid: hallucinating(0.05, 4) }));
    expect(c.verdict).toBe('supported');
    expect(c.evidence).toMatch(/rag 0\.\d{3} vs closed-book 0\.\d{3}, hybrid 0\.\d{3} vs fine-tuned 0\.\d{3}/);
  });

  it('contradicted when retrieval adds wrong answers, inconclusive when it changes nothing', () => {
    expect(claim('retrieval-curbs-hallucination', run({ 'closed-book': hallucinating(0.05, 1), rag: hallucinating(0.6, 2) })).verdict).toBe('contradicted');
    expect(claim('retrieval-curbs-hallucination', run({ 'closed-book': hallucinating(0.3, 1), rag: hallucinating(0.3, 1) })).verdict).toBe('inconclusive');
  });

  it('not measured without a model run both with and without retrieval', () => {
    const c = claim('retrieval-curbs-hallucination', run({ 'closed-book': hallucinating(0.6, 1), rag: hallucinating(0.05, 2) }, { models: { 'closed-book': 'local:reader', rag: 'local:other' } }));
    expect(c).toMatchObject({ verdict: 'not-measured', missing: expect.stringMatching(/same model/) });
  });
});

describe('claim paraphrase-helps-finetuning', () => {
  const both = {
    config: { pipelines: [{ name: 'fine-tuned', retrieval: false }, { name: 'fine-tuned-plain', retrieval: false }], finetune: { 'ft-paraphrase': { data: 'paraphrase' }, 'ft-plain': { data: 'finetune.plain.jsonl' } } },
    models: { 'fine-tuned': 'local:ft-paraphrase', 'fine-tuned-plain': 'local:ft-plain' },
  };

  it('supported when the paraphrase fine-tune knows more static facts than the plain one', () => {
    const c = claim('paraphrase-helps-finetuning', run({ 'fine-tuned': onCategory('static', 0.95, 1), 'fine-tuned-plain': onCategory('static', 0.5, 2) }, both));
    expect(c.verdict).toBe('supported');
    expect(c.evidence).toMatch(/fine-tuned \(paraphrase\) vs fine-tuned-plain \(plain\)/);
  });

  it('contradicted when the plain one knows more, inconclusive when alike', () => {
    expect(claim('paraphrase-helps-finetuning', run({ 'fine-tuned': onCategory('static', 0.5, 1), 'fine-tuned-plain': onCategory('static', 0.95, 2) }, both)).verdict).toBe('contradicted');
    expect(claim('paraphrase-helps-finetuning', run({ 'fine-tuned': onCategory('static', 0.7, 1), 'fine-tuned-plain': onCategory('static', 0.7, 1) }, both)).verdict).toBe('inconclusive');
  });

  it('not measured with one fine-tune, naming the data it has', () => {
    const c = claim('paraphrase-helps-finetuning', run({ 'fine-tuned': simulated(0.9, 1) }));
    expect(c).toMatchObject({ verdict: 'not-measured', headline: 'no plain fine-tune to compare', missing: expect.stringMatching(/has fine-tuned: paraphrase\)/) });
  });

  it('reads the variant from a dataset.json name or a file name', () => {
    expect([dataVariant('paraphrase'), dataVariant('data/finetune.paraphrase.jsonl'), dataVariant('plain'), dataVariant('custom.jsonl'), dataVariant(null)]).toEqual(['paraphrase', 'paraphrase', 'plain', null, null]);
  });
});

/** Every answer cites one id: a gold document it was shown with probability pRight, else one it was not shown. */
const citing = (pRight: number, seed: number): AnswerFn =>
  withChanges(simulated(0.7, seed), (q, i) => {
    const right = simulated(pRight, seed + 1)(q, i).correct;
    const recall = q.category === 'unanswerable' ? null : right ? 1 : 0;
    return { citations: [right ? 'gold' : 'made-up-1'], citation: { cited: 1, correct: right ? 1 : 0, fabricated: right ? 0 : 1, notInCorpus: right ? 0 : 1, precision: right ? 1 : 0, recall } };
  });
const citingNothing = (seed: number): AnswerFn =>
  withChanges(simulated(0.7, seed), (q) => ({ citations: [], citation: { cited: 0, correct: 0, fabricated: 0, notInCorpus: 0, precision: null, recall: q.category === 'unanswerable' ? null : 0 } }));

describe('claim rag-cites-sources', () => {
  it('supported when RAG cites its gold documents and the fine-tune only fabricates, with each figure\'s interval', () => {
    const c = claim('rag-cites-sources', run({ rag: citing(0.8, 1), 'fine-tuned': citing(0, 2), hybrid: citing(0.7, 3) }));
    expect(c.verdict).toBe('supported');
    expect(c.evidence).toMatch(/^rag recall 0\.\d{3} \[0\.\d{3}, 0\.\d{3}\], precision 0\.\d{3} \[.*; hybrid recall .*; fine-tuned cites in 1\.000 \[1\.000, 1\.000\] of its answers, 1\.000 \[1\.000, 1\.000\] of its cited ids fabricated/);
    expect(figure(c, 'fabricated citations fine-tuned')).toMatchObject({ value: 1 });
    expect(figure(c, 'recall difference').lo).toBeGreaterThan(0);
  });

  it("shows the intervals the run's statistics hold, not a second bootstrap of the same values", () => {
    const r = run({ rag: citing(0.8, 1), 'fine-tuned': citing(0, 2), hybrid: citing(0.7, 3) });
    const held = (name: string, id: string) => r.statistics.pipelines.find((p) => p.name === name)!.metrics[id]!;
    const c = claim('rag-cites-sources', r);
    for (const [label, name, id] of [['citation recall rag', 'rag', 'citationRecall'], ['citation precision hybrid', 'hybrid', 'citationPrecision'], ['citation recall fine-tuned', 'fine-tuned', 'citationRecall']] as const) {
      const { mean, lo, hi } = held(name, id);
      expect(figure(c, label), label).toMatchObject({ value: mean, lo, hi });
    }
  });

  it('a fine-tune that cites nothing cannot cite its sources either', () => {
    const c = claim('rag-cites-sources', run({ rag: citing(0.8, 1), 'fine-tuned': citingNothing(2) }));
    expect(c.verdict).toBe('supported');
    expect(c.evidence).toMatch(/fine-tuned cites nothing/);
  });

  it('inconclusive when RAG cites no better than the fine-tune, contradicted when worse', () => {
    expect(claim('rag-cites-sources', run({ rag: citingNothing(1), 'fine-tuned': citingNothing(2) })).verdict).toBe('inconclusive');
    expect(claim('rag-cites-sources', run({ rag: citing(0.1, 1), 'fine-tuned': citing(0.9, 2) })).verdict).toBe('contradicted');
  });

  it('not measured without citations asked, or without a fine-tuned pipeline', () => {
    expect(claim('rag-cites-sources', run({ rag: simulated(0.7, 1), 'fine-tuned': simulated(0.5, 2) }))).toMatchObject({ verdict: 'not-measured', headline: 'no citations asked' });
    expect(claim('rag-cites-sources', run({ rag: citing(0.8, 1) }))).toMatchObject({ verdict: 'not-measured', headline: 'no fine-tuned pipeline' });
  });
});

describe('catalogue and scale', () => {
  it('evaluates every claim of the issue, with unique ids, a headline and evidence or what is missing', () => {
    const all = evaluateClaims(run({ 'closed-book': simulated(0.1, 1), rag: simulated(0.7, 2), 'fine-tuned': simulated(0.5, 3), hybrid: simulated(0.8, 4) }));
    expect(all.map((c) => c.id)).toEqual(CLAIMS.map((c) => c.id));
    expect(new Set(all.map((c) => c.id)).size).toBe(11);
    for (const c of all) {
      expect(c.headline.length, c.id).toBeGreaterThan(0);
      expect(c.verdict === 'not-measured' ? c.missing : c.evidence, c.id).toBeTruthy();
    }
  });

  it('prefers the pipelines on the run\'s own index over an index-snapshot sweep, and notes a stale index in the scale', () => {
    const r = makeRun({
      questions,
      pipelines: { 'rag@2023-06-01': staleWith(0.9, 10), rag: staleWith(0.05, 10), 'fine-tuned': staleWith(0.8, 20) },
      models: { ...models, 'rag@2023-06-01': 'local:reader' },
      config,
      indexAsOf: { 'rag@2023-06-01': '2023-06-01' },
    });
    expect(pipelineRoles(r).first('rag')!.name).toBe('rag');
    expect(claim('rag-fresh-after-cutoff', r).evidence).toMatch(/fine-tuned vs rag /);
    const stale = makeRun({ questions, pipelines: { rag: staleWith(0.8, 10), 'fine-tuned': staleWith(0.8, 20) }, models, config, indexAsOf: { rag: '2023-06-01' }, run: { indexAsOf: '2023-06-01' } });
    expect(claim('rag-fresh-after-cutoff', stale).scale).toMatch(/index as of 2023-06-01 \(a stale index\)/);
    const remote = claim('rag-fresh-after-cutoff', run({ rag: staleWith(0.05, 10), 'fine-tuned': staleWith(0.8, 20) }, { models: { rag: 'openai:gpt-4o-mini', 'fine-tuned': 'openai:ft:gpt-4o-mini-2024-07-18:org::abc' }, config: { pipelines: config.pipelines, finetune: {} } }));
    expect(remote.scale).toBeNull();
  });
});

describe('claim finetune-exposes-training-data', () => {
  /** Leaks on unanswerable questions (taken as the restricted ones) with probability p; no leak flag elsewhere. */
  const leaking = (p: number, seed: number): AnswerFn =>
    withChanges(simulated(0.5, seed), (q) => (q.category === 'unanswerable' ? { leaked: simulated(p, seed + 1)(q, 0).correct } : undefined));
  const exposes = (pipelines: Record<string, AnswerFn>) => claim('finetune-exposes-training-data', run(pipelines));

  it('supported when the fine-tune leaks and RAG does not; hybrid is reported, with Wilson intervals', () => {
    const c = exposes({ rag: leaking(0, 1), 'fine-tuned': leaking(0.9, 2), hybrid: leaking(0.8, 3) });
    expect(c.verdict).toBe('supported');
    expect(c.evidence).toMatch(/^leak rate on 30 restricted questions \(95% Wilson\): fine-tuned \d+\/30 0\.\d{3} \[0\.\d{3}, [01]\.\d{3}\], hybrid \d+\/30 .*, rag 0\/30 0\.000 \[0\.000, 0\.\d{3}\]$/);
    expect(figure(c, 'leak rate rag')).toMatchObject({ value: 0, lo: 0 });
    expect(figure(c, 'leak rate fine-tuned').lo!).toBeGreaterThan(figure(c, 'leak rate rag').hi!);
  });

  it('contradicted when RAG is the one that leaks, inconclusive when both leak alike', () => {
    expect(exposes({ rag: leaking(0.9, 1), 'fine-tuned': leaking(0, 2) }).verdict).toBe('contradicted');
    expect(exposes({ rag: leaking(0.3, 1), 'fine-tuned': leaking(0.3, 1) }).verdict).toBe('inconclusive');
  });

  it('not measured (not a pass) without restricted questions or without the pipelines', () => {
    const none = exposes({ rag: simulated(0.5, 1), 'fine-tuned': simulated(0.5, 2) });
    expect(none).toMatchObject({ verdict: 'not-measured', headline: 'no restricted questions', missing: expect.stringMatching(/askedAs.*canaryAnswers/) });
    expect(exposes({ rag: leaking(0, 1) })).toMatchObject({ verdict: 'not-measured', missing: expect.stringMatching(/no fine-tuned pipeline/) });
  });
});
