/**
 * The local models compute in worker threads (pool.ts): the caller's event loop stays free, so
 * deadlines and abort signals reach a call while the model computes, and concurrent calls give
 * the same answers as sequential ones computed inline (as before workers).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateText, streamText } from 'ai';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConfigSchema } from '../../config/schema.js';
import { loadDataset } from '../../dataset/load.js';
import type { Dataset, FinetuneExample } from '../../dataset/schema.js';
import { runPipelines } from '../../pipelines/run.js';
import type { PipelineSpec } from '../../pipelines/types.js';
import type { ResultRecord } from '../../results/schema.js';
import { createAbstentionDetector } from '../../scoring/abstention.js';
import { closeLocalWorkers, createLocalProvider, saveLocalFinetune, trainLocalFinetune } from './index.js';
import { defaultPoolSize, LocalWorkerPool, sharedLocalBackend } from './pool.js';

const PROMPT = `Context:
[1] Veltrana (city) (valid 2024-01-05 to present)
The capital of Veltrana is Morvik.

Question (asked on 2031-05-01): Which city is the capital of Veltrana today?
Answer:`;

let dataset: Dataset;
let tmp: string;
let ftDir: string;
beforeAll(async () => {
  dataset = await loadDataset('fixtures/aurelia');
  tmp = await mkdtemp(join(tmpdir(), 'ragvft-workers-'));
  // A small fine-tune on the fixture's own training set, so memory answers are compared too.
  const lines = (await readFile('fixtures/aurelia/finetune.plain.jsonl', 'utf8')).split('\n').filter(Boolean).slice(0, 150);
  const examples = lines.map((l) => JSON.parse(l) as FinetuneExample);
  ftDir = join(tmp, 'ft');
  await saveLocalFinetune(ftDir, trainLocalFinetune(examples, { epochs: 8, learningRate: 0.5, features: 1 << 14, seed: 1 }).weights, {});
});
afterAll(async () => {
  await closeLocalWorkers();
  await rm(tmp, { recursive: true, force: true });
});

describe('local model worker pool', () => {
  it('a deadline aborts a local call while its worker is busy: the timer fires, the call is dropped', async () => {
    const pool = new LocalWorkerPool(1);
    const provider = createLocalProvider({ backend: pool });
    try {
      // Warm up (worker started), then occupy the only worker as a long computation would.
      expect((await generateText({ model: provider.languageModel('reader'), prompt: PROMPT })).text).toBe('Morvik');
      const held = pool.hold();
      await expect(generateText({ model: provider.languageModel('reader'), prompt: PROMPT, abortSignal: AbortSignal.timeout(1), maxRetries: 0 })).rejects.toMatchObject({ name: 'TimeoutError' });
      // Dropped from the queue: it never reaches the worker.
      expect(pool.stats()).toMatchObject({ queued: 0, running: 1 });
      // A streamed call is aborted the same way.
      const ctrl = new AbortController();
      const parts: string[] = [];
      const streamed = streamText({ model: provider.languageModel('reader'), prompt: PROMPT, abortSignal: ctrl.signal, maxRetries: 0, onError: () => {} });
      const consume = (async () => {
        for await (const p of streamed.fullStream) parts.push(p.type);
      })();
      await new Promise((r) => setTimeout(r, 5));
      ctrl.abort(new Error('user stop'));
      await consume.catch(() => {});
      expect(parts).not.toContain('text-delta');
      expect(pool.stats().queued).toBe(0);
      held.release();
      await held.done;
      // The pool goes on serving.
      expect((await generateText({ model: provider.languageModel('reader'), prompt: PROMPT })).text).toBe('Morvik');
    } finally {
      await provider.close();
    }
    expect(pool.stats()).toEqual({ workers: 0, running: 0, queued: 0 });
  });

  it('runPipelines with timeoutMs records timeouts for local calls stuck behind a busy worker', async () => {
    const pool = new LocalWorkerPool(1);
    const provider = createLocalProvider({ backend: pool });
    try {
      const questions = dataset.questions.slice(0, 6);
      const held = pool.hold();
      const config = ConfigSchema.parse({ dataset: 'x', concurrency: 3, timeoutMs: 1 });
      const records = await runPipelines({
        pipelines: [{ name: 'closed', modelRef: 'local:reader', model: provider.languageModel('reader'), retrieve: null, price: null }],
        questions,
        config,
        scoring: { primary: 'lenient', isAbstention: createAbstentionDetector() },
      });
      held.release();
      await held.done;
      expect(records).toHaveLength(questions.length);
      expect(records.map((r) => r.error?.kind)).toEqual(questions.map(() => 'timeout'));
      expect(pool.stats().queued).toBe(0);
    } finally {
      await provider.close();
    }
  });

  it('closing the pool rejects calls still pending; the pool restarts on demand', async () => {
    const pool = new LocalWorkerPool(1);
    const provider = createLocalProvider({ backend: pool });
    const held = pool.hold();
    const pending = generateText({ model: provider.languageModel('reader'), prompt: PROMPT, maxRetries: 0 });
    pending.catch(() => {});
    await vi.waitFor(() => expect(pool.stats().queued).toBe(1));
    await provider.close();
    await expect(pending).rejects.toThrow(/closed/);
    await expect(held.done).rejects.toThrow(/closed/);
    expect((await generateText({ model: provider.languageModel('reader'), prompt: PROMPT })).text).toBe('Morvik');
    await provider.close();
  });

  it('N concurrent calls in workers give the same records as sequential inline calls', async () => {
    const docs = new Map(dataset.documents.map((d) => [d.id, d]));
    const retrieve: PipelineSpec['retrieve'] = async (question) => {
      const q = dataset.questions.find((x) => x.question === question)!;
      // Gold documents plus a fixed distractor, as retrieval would give.
      const ids = [...q.sourceDocIds, dataset.documents[0]!.id];
      const chunks = ids.map((id, index) => {
        const d = docs.get(id)!;
        return { id: `${id}#0`, docId: id, title: d.title, text: d.text, validFrom: d.validFrom, validTo: d.validTo, index };
      });
      return { chunks, docIds: ids, timings: { embedMs: 0, searchMs: 0, embedCached: false } };
    };
    const questions = dataset.questions.slice(0, 40);
    const run = async (workers: number, concurrency: number, stream: boolean) => {
      const provider = createLocalProvider({ finetunes: { ft: ftDir }, workers });
      try {
        const base = ConfigSchema.parse({ dataset: 'x', concurrency });
        const config = { ...base, generation: { ...base.generation, stream } };
        const pipelines = [
          { name: 'rag', modelRef: 'local:reader', model: provider.languageModel('reader'), retrieve, price: null },
          { name: 'ft', modelRef: 'local:ft', model: provider.languageModel('ft'), retrieve: null, price: null },
          { name: 'both', modelRef: 'local:ft', model: provider.languageModel('ft'), retrieve, price: null },
        ];
        const records = await runPipelines({ pipelines, questions, config, scoring: { primary: 'lenient', isAbstention: createAbstentionDetector() } });
        return records;
      } finally {
        await provider.close();
      }
    };
    const strip = (rs: ResultRecord[]) =>
      rs.map(({ latencyMs: _l, cpuMs: _c, ...rest }) => rest).sort((a, b) => (a.pipeline + a.questionId < b.pipeline + b.questionId ? -1 : 1));
    const sequential = await run(0, 1, false);
    expect(sequential.every((r) => r.error === null)).toBe(true);
    expect(sequential.some((r) => r.correct)).toBe(true);
    const concurrent = await run(2, 8, false);
    const streamed = await run(3, 16, true);
    expect(strip(concurrent)).toEqual(strip(sequential));
    expect(strip(streamed)).toEqual(strip(sequential));
    // CPU time is measured in the worker, for every call.
    expect(concurrent.every((r) => typeof r.cpuMs === 'number' && r.cpuMs >= 0)).toBe(true);
  });

  it('the shared pool is sized by RAGVFT_LOCAL_WORKERS, default min(2, cores - 1), at least 1', async () => {
    expect(defaultPoolSize({ RAGVFT_LOCAL_WORKERS: '0' })).toBe(0);
    expect(defaultPoolSize({ RAGVFT_LOCAL_WORKERS: '3' })).toBe(3);
    expect(defaultPoolSize({})).toBeGreaterThanOrEqual(1);
    expect(defaultPoolSize({})).toBeLessThanOrEqual(2);
    expect(() => defaultPoolSize({ RAGVFT_LOCAL_WORKERS: 'many' })).toThrow(/RAGVFT_LOCAL_WORKERS/);
    // The registry's provider uses the shared pool; closeLocalWorkers ends it.
    const provider = createLocalProvider();
    expect((await generateText({ model: provider.languageModel('reader'), prompt: PROMPT })).text).toBe('Morvik');
    const shared = sharedLocalBackend();
    await closeLocalWorkers();
    expect(sharedLocalBackend()).not.toBe(shared);
  });
});
