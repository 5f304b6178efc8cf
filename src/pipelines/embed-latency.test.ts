/**
 * The embed stage measures the embedding model, never the embedding cache: a query vector served
 * from the cache (a warm run, or the second pipeline asking a question in the same run) is marked
 * `embedCached` and left out of `stageLatencyMs.embed`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockLanguageModelV4 } from 'ai/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigSchema } from '../config/schema.js';
import type { Document, Question } from '../dataset/schema.js';
import { summarize } from '../metrics/summarize.js';
import { closeLocalWorkers } from '../models/local/pool.js';
import { RecordSchema, type ResultRecord } from '../results/schema.js';
import { TEST_CORPUS } from '../retrieval/embedding/test-corpus.js';
import { buildRetriever, type RetrieverConfig } from '../retrieval/setup.js';
import { createAbstentionDetector } from '../scoring/abstention.js';
import { runPipelines } from './run.js';

const documents: Document[] = TEST_CORPUS.map((text, i) => ({ id: `d${i}`, title: `passage ${i}`, text }));
const questions: Question[] = ['When was the Vexhollow lighthouse relit?', 'Who commissioned the Zorblax reactor?', 'What did Mirelle Dovano win?', 'Which ship did Ysolde Marrick sail?'].map(
  (question, i) => ({ id: `q${i}`, question, answers: ['x'], category: 'static', sourceDocIds: [] }),
);

const model = () =>
  new MockLanguageModelV4({
    doGenerate: async () => ({
      content: [{ type: 'text', text: 'x' }],
      finishReason: { unified: 'stop', raw: 'stop' },
      usage: { inputTokens: { total: 1, noCache: 1, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 1, text: 1, reasoning: 0 } },
      warnings: [],
    }),
  });

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'ragvft-embed-latency-'));
});
afterAll(async () => {
  await closeLocalWorkers();
  rmSync(root, { recursive: true, force: true });
});

const retrieverConfig = (): RetrieverConfig => ({
  cacheDir: join(root, 'cache'),
  generation: { maxRetries: 0 },
  embedding: { model: 'local:ppmi-svd', dim: 32, allowRemoteModels: false, quantized: false, batchSize: 16 },
  retrieval: { ...ConfigSchema.parse({ dataset: 'x' }).retrieval, mode: 'dense', chunkSize: 60, chunkOverlap: 10, k: 2, M: 8, efConstruction: 50 },
});

/** One run of rag, then hybrid, then closed-book over the questions, with a retriever opened as a new run would. */
async function run(concurrency: number): Promise<Map<string, ResultRecord[]>> {
  const noApi = { embeddingModel: () => { throw new Error('no API models here'); } };
  const { retriever } = await buildRetriever(retrieverConfig(), { documents, manifest: { name: 'corpus' } }, { log() {}, start: () => ({ tick() {}, done() {} }) }, noApi);
  const retrieve = retriever.retrieve;
  const records = await runPipelines({
    pipelines: ['rag', 'hybrid', 'closed-book'].map((name) => ({ name, modelRef: 'mock:m', model: model(), retrieve: name === 'closed-book' ? null : retrieve, price: null })),
    questions,
    config: ConfigSchema.parse({ dataset: 'x', concurrency, generation: { stream: false } }),
    scoring: { primary: 'lenient', isAbstention: createAbstentionDetector() },
  });
  expect(records.filter((r) => r.error !== null)).toEqual([]);
  const by = new Map<string, ResultRecord[]>();
  for (const r of records) by.set(r.pipeline, [...(by.get(r.pipeline) ?? []), RecordSchema.parse(r)]);
  return by;
}

const summary = (rs: ResultRecord[]) => summarize(rs, { k: 2, cost: { fineTuningUsd: 0, fineTuningSeconds: 0, queryVolume: 1 } });

describe('embedCached: a cache hit is never timed as model latency', () => {
  it('cold run: rag computes each question, hybrid gets rag\'s vector from the cache', async () => {
    const by = await run(1);
    expect(by.get('rag')!.map((r) => r.embedCached)).toEqual(questions.map(() => false));
    expect(by.get('hybrid')!.map((r) => r.embedCached)).toEqual(questions.map(() => true));
    expect(summary(by.get('rag')!)).toMatchObject({ cachedEmbeddings: 0, stageLatencyMs: { embed: { count: questions.length } } });
    // Every hybrid lookup is out of the embed percentiles; the search stage is still measured.
    expect(summary(by.get('hybrid')!)).toMatchObject({ cachedEmbeddings: questions.length, stageLatencyMs: { embed: null, search: { count: questions.length } } });
    // No retrieval, nothing to say.
    expect(by.get('closed-book')!.map((r) => r.embedCached)).toEqual(questions.map(() => null));
  });

  it('warm run (vectors on disk from the cold run): every record is marked and the embed stage has nothing to report', async () => {
    const by = await run(4);
    for (const name of ['rag', 'hybrid']) {
      expect(by.get(name)!.every((r) => r.embedCached === true)).toBe(true);
      expect(summary(by.get(name)!)).toMatchObject({ cachedEmbeddings: questions.length, stageLatencyMs: { embed: null } });
    }
  });
});
