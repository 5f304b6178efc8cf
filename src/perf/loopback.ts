/**
 * The harness's own overhead on remote calls: ragvft's recorded latency of a remote pipeline
 * (the real runPipelines, with two local pipelines in the same run and a journal appending every
 * record) next to a bare AI SDK `generateText` loop against the same instant loopback
 * OpenAI-compatible server (loopback-server.ts, on 127.0.0.1), at the same concurrency.
 * The "before" row is the old setup: local models inline on the main thread and an fsync per
 * journal record. Target: ragvft p50 <= 1.2 x bare + 1 ms.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { LanguageModelV4 } from '@ai-sdk/provider';
import { generateText } from 'ai';
import { startOpenAIServer } from './loopback-server.js';
import { ConfigSchema, type Config } from '../config/schema.js';
import { loadDataset } from '../dataset/load.js';
import type { Dataset } from '../dataset/schema.js';
import { percentiles } from '../metrics/percentiles.js';
import { createLocalProvider, defaultPoolSize, type LocalProvider } from '../models/local/index.js';
import { renderTemplate } from '../pipelines/prompt.js';
import { runPipelines } from '../pipelines/run.js';
import type { PipelineSpec } from '../pipelines/types.js';
import { terminalTable } from '../report/terminal-table.js';
import { createJournal } from '../run/journal.js';
import { createAbstentionDetector } from '../scoring/abstention.js';

interface Figures {
  p50: number;
  p95: number;
  calls: number;
}

interface RunFigures {
  /** Wall time of the whole run (all three pipelines). */
  wallMs: number;
  remote: Figures;
  localRag: Figures;
  localClosed: Figures;
}

const WARMUP = 2;
const ROUNDS = 3;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const medianOf = (fs: Figures[]): Figures => ({ p50: median(fs.map((f) => f.p50)), p95: median(fs.map((f) => f.p95)), calls: fs[0]!.calls });

const stats = (ms: number[]): Figures => {
  const p = percentiles(ms)!;
  return { p50: p.p50, p95: p.p95, calls: ms.length };
};

/** Oracle retrieval (gold documents plus a fixed distractor): the reader does real work without an index. */
function oracleRetrieve(dataset: Dataset): NonNullable<PipelineSpec['retrieve']> {
  const docs = new Map(dataset.documents.map((d) => [d.id, d]));
  const byQuestion = new Map(dataset.questions.map((q) => [q.question, q]));
  return async (question) => {
    const ids = [...(byQuestion.get(question)?.sourceDocIds ?? []), dataset.documents[0]!.id];
    const chunks = ids.map((id, index) => {
      const d = docs.get(id)!;
      return { id: `${id}#0`, docId: id, title: d.title, text: d.text, validFrom: d.validFrom, validTo: d.validTo, index };
    });
    return { chunks, docIds: ids, timings: { embedMs: 0, searchMs: 0, embedCached: false } };
  };
}

/** `concurrency` loops sharing one queue of calls, each call timed on its own. */
async function bareLoop(model: LanguageModelV4, config: Config, dataset: Dataset, concurrency: number): Promise<Figures> {
  const prompts = dataset.questions.map((q) => renderTemplate(config.prompts.closedBook, { question: q.question, asOf: q.asOf ?? 'an unspecified date' }));
  const ms: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < prompts.length) {
        const prompt = prompts[next++]!;
        const t0 = performance.now();
        await generateText({
          model,
          system: config.prompts.system,
          prompt,
          maxOutputTokens: config.generation.maxOutputTokens,
          temperature: config.generation.temperature,
          abortSignal: AbortSignal.timeout(config.timeoutMs),
          maxRetries: config.generation.maxRetries,
        });
        ms.push(performance.now() - t0);
      }
    }),
  );
  return stats(ms);
}

/** The real runPipelines: the remote pipeline plus two local ones, every record journaled. */
async function ragvftRun(remote: LanguageModelV4, config: Config, dataset: Dataset, opts: { local: LocalProvider; fsyncEvery: number }): Promise<RunFigures> {
  const local = opts.local;
  const dir = mkdtempSync(join(tmpdir(), 'ragvft-perf-journal-'));
  const journal = createJournal(join(dir, 'run'), { runId: 'perf', startedAt: new Date().toISOString(), configPath: 'perf', configHash: 'perf', datasetHash: dataset.hash, pipelines: ['remote', 'local-rag', 'local-closed'] }, { fsyncEvery: opts.fsyncEvery });
  try {
    const t0 = performance.now();
    const records = await runPipelines({
      pipelines: [
        { name: 'remote', modelRef: 'loop:m', model: remote, retrieve: null, price: null },
        { name: 'local-rag', modelRef: 'local:reader', model: local.languageModel('reader'), retrieve: oracleRetrieve(dataset), price: null },
        { name: 'local-closed', modelRef: 'local:reader', model: local.languageModel('reader'), retrieve: null, price: null },
      ],
      questions: dataset.questions,
      config,
      scoring: { primary: 'lenient', isAbstention: createAbstentionDetector() },
      onRecord: (r) => void journal.append(r),
    });
    const failed = records.filter((r) => r.error);
    if (failed.length) throw new Error(`${failed.length} calls failed, e.g. ${failed[0]!.error!.kind}: ${failed[0]!.error!.message}`);
    const of = (name: string) => stats(records.filter((r) => r.pipeline === name).map((r) => r.latencyMs.total));
    return { wallMs: performance.now() - t0, remote: of('remote'), localRag: of('local-rag'), localClosed: of('local-closed') };
  } finally {
    journal.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function loopbackSideBySide(): Promise<void> {
  const dataset = await loadDataset('fixtures/aurelia');
  const server = await startOpenAIServer();
  const f = (x: number) => x.toFixed(2);
  const workers = createLocalProvider({ workers: defaultPoolSize() });
  const inline = createLocalProvider({ workers: 0 });
  try {
    const remote = createOpenAICompatible({ name: 'loop', baseURL: server.url, apiKey: 'perf-key', includeUsage: true }).chatModel('m');
    const table = terminalTable(['concurrency', 'setup', 'remote p50 ms', 'remote p95 ms', 'p50 / bare', 'target p50 ms', 'local RAG p50 / p95 ms', 'local closed-book p50 / p95 ms', 'run wall ms']);
    const verdicts: string[] = [];
    for (const concurrency of [1, 16]) {
      const base = ConfigSchema.parse({ dataset: 'x', concurrency });
      // Non-streaming, like the bare generateText loop it is compared with.
      const config: Config = { ...base, generation: { ...base.generation, stream: false } };
      // Warm-up (JIT, keep-alive sockets, worker threads), then ROUNDS interleaved rounds of the
      // three setups; each figure is the median over the rounds (the machine is shared and noisy).
      for (let i = 0; i < WARMUP; i++) {
        await bareLoop(remote, config, dataset, concurrency);
        await ragvftRun(remote, config, dataset, { local: workers, fsyncEvery: 64 });
        await ragvftRun(remote, config, dataset, { local: inline, fsyncEvery: 1 });
      }
      const rounds: { bare: Figures; now: RunFigures; before: RunFigures }[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        const bareR = await bareLoop(remote, config, dataset, concurrency);
        const nowR = await ragvftRun(remote, config, dataset, { local: workers, fsyncEvery: 64 });
        const beforeR = await ragvftRun(remote, config, dataset, { local: inline, fsyncEvery: 1 });
        rounds.push({ bare: bareR, now: nowR, before: beforeR });
      }
      const bare = medianOf(rounds.map((r) => r.bare));
      const now = { wallMs: median(rounds.map((r) => r.now.wallMs)), remote: medianOf(rounds.map((r) => r.now.remote)), localRag: medianOf(rounds.map((r) => r.now.localRag)), localClosed: medianOf(rounds.map((r) => r.now.localClosed)) };
      const before = { wallMs: median(rounds.map((r) => r.before.wallMs)), remote: medianOf(rounds.map((r) => r.before.remote)), localRag: medianOf(rounds.map((r) => r.before.localRag)), localClosed: medianOf(rounds.map((r) => r.before.localClosed)) };
      const target = 1.2 * bare.p50 + 1;
      table.push([concurrency, 'bare AI SDK generateText', f(bare.p50), f(bare.p95), '1.00×', '', '', '', '']);
      table.push([
        concurrency,
        `ragvft: ${defaultPoolSize()} local workers, batched fsync`,
        f(now.remote.p50),
        f(now.remote.p95),
        `${(now.remote.p50 / bare.p50).toFixed(2)}×`,
        f(target),
        `${f(now.localRag.p50)} / ${f(now.localRag.p95)}`,
        `${f(now.localClosed.p50)} / ${f(now.localClosed.p95)}`,
        now.wallMs.toFixed(0),
      ]);
      table.push([
        concurrency,
        'before: local inline, fsync per record',
        f(before.remote.p50),
        f(before.remote.p95),
        `${(before.remote.p50 / bare.p50).toFixed(2)}×`,
        '',
        `${f(before.localRag.p50)} / ${f(before.localRag.p95)}`,
        `${f(before.localClosed.p50)} / ${f(before.localClosed.p95)}`,
        before.wallMs.toFixed(0),
      ]);
      verdicts.push(`concurrency ${concurrency}: ragvft p50 ${f(now.remote.p50)} ms vs target ${f(target)} ms: ${now.remote.p50 <= target ? 'met' : 'MISSED'}`);
    }
    console.log(
      `\n5. Harness overhead vs a bare AI SDK loop: instant loopback OpenAI-compatible server (in-process), non-streaming, ${dataset.questions.length} remote calls per row, median of ${ROUNDS} interleaved rounds after ${WARMUP} warm-ups.\n` +
        '   ragvft rows: the real runPipelines with the remote pipeline and 2 local reader pipelines (oracle RAG, closed-book) in the same run, every record journaled;\n' +
        '   latencies are the records\' latencyMs.total (local ones include waiting for a worker).',
    );
    console.log(table.toString());
    for (const v of verdicts) console.log(`   ${v}`);
  } finally {
    await server.close();
    await workers.close();
    await inline.close();
  }
}
