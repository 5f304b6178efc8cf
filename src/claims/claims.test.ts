import { describe, expect, it } from 'vitest';
import { type AnswerFn, makeQuestions, makeRun, simulated, withChanges } from '../compare/test-fixtures.js';
import { evaluateClaims } from './registry.js';
import { pipelineRoles } from './roles.js';

const questions = makeQuestions(200);
const config = {
  pipelines: [
    { name: 'closed-book', retrieval: false },
    { name: 'rag', retrieval: true },
    { name: 'fine-tuned', retrieval: false },
    { name: 'hybrid', retrieval: true },
  ],
  finetune: { 'ft-paraphrase': { data: 'paraphrase' } },
};
const models = { 'closed-book': 'local:reader', rag: 'local:reader', 'fine-tuned': 'local:ft-paraphrase', hybrid: 'local:ft-paraphrase' };
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
