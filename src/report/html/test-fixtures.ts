/**
 * A report input for tests: a run of four pipelines with roles (closed-book, rag, fine-tuned,
 * hybrid) built by the real summary and statistics code, the dataset it was run on (in memory),
 * and hostile text in the places untrusted text reaches the page.
 */
import { type AnswerFn, FOUR_PIPELINES, makeQuestions, makeRun, simulated, withChanges } from '../../compare/test-fixtures.js';
import type { Dataset, Document, Question } from '../../dataset/schema.js';
import type { RunResult } from '../../results/schema.js';

/** Script tags, an event handler, a cell terminator and Markdown pipes: must all show as text. */
export const PAYLOAD = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2;alert(1)"></td> | a | b |';

export const CONFIG = { dataset: 'nowhere/tiny', ...FOUR_PIPELINES.config };
const MODELS = FOUR_PIPELINES.models;

/** Stale on most updated questions, like a fine-tune frozen at its cutoff. */
const frozen = (p: number, seed: number): AnswerFn => withChanges(simulated(p, seed), (q, i) => (q.category === 'updated' && i % 4 !== 0 ? { correct: false, freshness: 'stale' } : undefined));

export function reportRun(opts: { id?: string; seed?: number; n?: number } = {}): RunResult {
  const seed = opts.seed ?? 1;
  const questions = makeQuestions(opts.n ?? 60);
  const firstUpdated = questions.find((q) => q.category === 'updated')!.id;
  const run = makeRun({
    id: opts.id,
    questions,
    models: MODELS,
    config: CONFIG,
    pipelines: {
      'closed-book': simulated(0.05, seed),
      rag: withChanges(simulated(0.5, seed + 1), (q) => (q.id === firstUpdated ? { correct: false, freshness: 'wrong', answer: PAYLOAD } : undefined)),
      'fine-tuned': frozen(0.6, seed + 2),
      hybrid: frozen(0.7, seed + 3),
    },
  });
  for (const r of run.records) {
    if (r.pipeline !== 'rag' && r.pipeline !== 'hybrid') continue;
    r.retrievedDocIds = [`doc-${r.questionId}`, 'doc-hostile'];
    r.retrieval = { recall: 1, reciprocalRank: 1, chunkRecall: true };
    r.latencyMs = { ...r.latencyMs, search: 2, generate: r.latencyMs.total - 2 };
  }
  // A corpus timeline (two revisions after the cutoff) and the fine-tune's training data, for the keep-fresh chart.
  run.run.corpusTimeline = {
    atCutoff: { documents: 40, tokens: 8000, chunks: 60 },
    changes: [
      { date: '2024-03-10', documents: 2, tokens: 400, chunks: 3 },
      { date: '2024-09-02', documents: 1, tokens: 150, chunks: 1 },
    ],
  };
  run.run.finetunes = { [MODELS['fine-tuned']!]: { trainingTokens: 5000, epochs: 3 } };
  for (const p of run.pipelines) {
    // Retrieval stages and a training cost, as a real run would have them.
    if (p.retrieval) p.summary.stageLatencyMs.search = { p50: 2, p95: 3, p99: 4, mean: 2, count: p.summary.latencyMs.count };
    if (p.model.includes('ft-')) p.summary.costUsd.fineTuningUsd = 2;
    if (p.retrieval) p.summary.costUsd.inferenceUsd = (p.summary.costUsd.inferenceUsd ?? 0) * 4;
  }
  return run;
}

/** The dataset of reportRun's questions: asOf dates spread over two years after the 2024-01-01 cutoff. */
export function reportDataset(run: RunResult): Dataset {
  const ids = [...new Set(run.records.map((r) => r.questionId))];
  const categoryOf = new Map(run.records.map((r) => [r.questionId, r.category]));
  const questions: Question[] = ids.map((id, i) => {
    const category = categoryOf.get(id)!;
    const month = String((i % 12) + 1).padStart(2, '0');
    return {
      id,
      question: i === 0 ? `What is ${PAYLOAD}?` : `Question number ${i}?`,
      answers: category === 'unanswerable' ? [] : [`right answer ${id}`, ...(i === 0 ? [PAYLOAD] : [])],
      asOf: `${2024 + Math.floor(i / 30)}-${month}-15`,
      category,
      ...(category === 'updated' ? { staleAnswers: [`old answer ${id}`] } : {}),
      sourceDocIds: category === 'unanswerable' ? [] : [`doc-${id}`],
    };
  });
  // Gold documents of post-cutoff questions start after the cutoff, as loadDataset requires.
  const postCutoff = (id: string) => ['updated', 'new'].includes(categoryOf.get(id)!);
  const documents: Document[] = [
    ...ids.map((id) => ({ id: `doc-${id}`, title: `Page of ${id}`, text: 'text', ...(postCutoff(id) ? { validFrom: '2024-01-10' } : {}) })),
    { id: 'doc-hostile', title: PAYLOAD, text: 'text' },
  ];
  return {
    dir: '/nowhere',
    manifest: { schemaVersion: 1, name: 'tiny', trainingCutoff: '2024-01-01', corpus: 'corpus.jsonl', questions: 'questions.jsonl', finetune: {} },
    documents,
    questions,
    hash: run.run.datasetHash,
  };
}
