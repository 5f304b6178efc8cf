/**
 * Section 8 of `npm run perf`: `ragvft compare` and `gate` on two synthetic 200k-record results
 * (4 pipelines × 50k questions, answers and retrieved ids of realistic size), once as single JSON
 * documents and once in the streaming layout, and the streaming layout again at a quarter of the
 * size: peak RSS and wall time of the built CLI, each in its own process. The two streaming sizes
 * give what memory grows by per record. Files go to a temp folder, removed afterwards.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { loadResultView } from '../compare/read.js';
import { CATEGORIES } from '../dataset/schema.js';
import { summarize } from '../metrics/summarize.js';
import type { ResultRecord, RunResult } from '../results/schema.js';
import { writeResult } from '../results/write.js';
import { computeRunStatistics } from '../stats/run-statistics.js';
import { mulberry32 } from '../util/rng.js';
import { HARNESS_VERSION } from '../version.js';

const PIPELINES = ['closed-book', 'rag', 'fine-tuned', 'hybrid'];
const BIN = new URL('../../dist/cli/ragvft.js', import.meta.url).pathname;

function record(pipeline: string, i: number, p: number, rnd: () => number): ResultRecord {
  const category = CATEGORIES[i % CATEGORIES.length]!;
  const correct = rnd() < p;
  const abstained = !correct && rnd() < 0.3;
  const post = category === 'updated' || category === 'new';
  const retrieval = pipeline === 'rag' || pipeline === 'hybrid';
  return {
    questionId: `q${String(i).padStart(6, '0')}`, category, asOf: '2031-06-01', pipeline,
    answer: abstained ? "I don't know" : `The answer, as the documents state it, is candidate number ${Math.floor(rnd() * 1e6)} of the registry.`,
    abstained, correct, scores: { strict: { exactMatch: correct ? 1 : 0, f1: correct ? 1 : rnd() * 0.5 }, lenient: { correct, matchesStale: false } },
    hallucinated: !correct && !abstained, freshness: post ? (correct ? 'current' : abstained ? 'missing' : 'wrong') : null,
    finishReason: 'stop', responseModelId: 'gpt-4o-mini-2024-07-18',
    latencyMs: { total: 200 + rnd() * 800, embed: retrieval ? 5 : null, search: retrieval ? 2 : null, generate: 190, firstToken: 60 },
    tokens: { input: 420, output: 18 }, costUsd: 0.00007, cpuMs: null, cached: false, embedCached: retrieval ? false : null,
    retrievedDocIds: retrieval ? Array.from({ length: 5 }, (_, k) => `doc-${(i * 7 + k) % 9000}-v2`) : null,
    retrieval: retrieval ? { recall: rnd() < 0.9 ? 1 : 0, reciprocalRank: 0.5, chunkRecall: true } : null,
    answerInContext: retrieval ? true : null, leaked: null,
    citations: retrieval ? [`doc-${(i * 7) % 9000}-v2`] : null,
    citation: retrieval ? { cited: 1, correct: correct ? 1 : 0, fabricated: 0, notInCorpus: 0, precision: correct ? 1 : 0, recall: correct ? 1 : 0 } : null,
    error: null,
  };
}

/** A run whose accuracy per pipeline is `p`, drawn with `seed`; statistics with few resamples (they are not what is measured). */
export function synthesize(id: string, seed: number, ps: number[], questions: number): RunResult {
  const records = PIPELINES.flatMap((name, k) => {
    const rnd = mulberry32(seed + k);
    return Array.from({ length: questions }, (_, i) => record(name, i, ps[k]!, rnd));
  });
  const pipelines = PIPELINES.map((name) => ({
    name, model: 'openai:gpt-4o-mini', retrieval: name === 'rag' || name === 'hybrid', indexAsOf: null,
    summary: summarize(records.filter((r) => r.pipeline === name), { k: 5, cost: { fineTuningUsd: 0, fineTuningSeconds: 0, queryVolume: 100_000 } }),
  }));
  return {
    schemaVersion: '2.1',
    run: {
      id, startedAt: '2026-01-01T00:00:00.000Z', finishedAt: '2026-01-01T01:00:00.000Z', harnessVersion: HARNESS_VERSION, gitCommit: null,
      configHash: 'perf', datasetHash: 'perf', dataset: { name: 'synthetic', trainingCutoff: '2030-06-30', questions, documents: 9000 },
      models: Object.fromEntries(PIPELINES.map((n) => [n, 'openai:gpt-4o-mini'])), embeddingModel: 'local:ppmi-svd', indexAsOf: null, corpusTimeline: null, indexes: [],
      finetunes: {}, embeddingCost: null, scoring: { primary: 'lenient', judge: null }, resumed: false, shard: null, mergedFrom: [],
      node: process.version, platform: process.platform, cpu: { model: 'perf', cores: 1 }, config: {}, warnings: [],
    },
    pipelines,
    records,
    statistics: computeRunStatistics({ pipelines, records }, { resamples: 20 }),
  };
}

/** Peak RSS (MB, from the child's own process.resourceUsage) and wall time of one CLI command. */
function measure(args: string[], hook: string): { mb: number; s: number; code: number | null } {
  const t0 = performance.now();
  const out = spawnSync(process.execPath, ['--import', hook, BIN, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const s = (performance.now() - t0) / 1000;
  const kb = Number(/maxRSS (\d+)/.exec(out.stderr)?.[1] ?? NaN);
  // gate exits 1 on a regression, which these runs may well show; 2 and up is a failure.
  if (out.status === null || out.status > 1) console.log(out.stderr.slice(0, 500));
  return { mb: kb / 1024, s, code: out.status };
}

/**
 * What the two views compare builds stay holding (heap + typed arrays, garbage collected before
 * and after): the memory a streaming read really keeps, apart from V8's lazy collection.
 */
async function keptByViews(pa: string, pb: string): Promise<number> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const used = () => {
    gc();
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  const before = used();
  const a = await loadResultView(pa);
  const b = await loadResultView(pb);
  const kept = used() - before;
  // Read after measuring, so neither view can be collected before `used()` has run.
  if (a.view.records.length + b.view.records.length === 0) console.log('  (empty results)');
  return kept / 2 ** 20;
}

/** Two results of `questions` × 4 pipelines; B's rag loses every 40th right answer, so there are flips to list. */
function pairOfRuns(questions: number): [RunResult, RunResult] {
  const a = synthesize('perf-a', 1, [0.1, 0.6, 0.4, 0.7], questions);
  const b = synthesize('perf-b', 1, [0.1, 0.6, 0.4, 0.7], questions);
  b.records.forEach((r, i) => {
    if (r.pipeline === 'rag' && r.correct && i % 40 === 0) Object.assign(r, { correct: false, hallucinated: !r.abstained, freshness: r.freshness && 'wrong' });
  });
  return [a, b];
}

export async function largeResultFigures(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ragvft-perf-large-'));
  try {
    const hook = join(dir, 'rss-hook.mjs');
    writeFileSync(hook, "process.on('exit', () => process.stderr.write(`\\nmaxRSS ${process.resourceUsage().maxRSS}\\n`));\n");
    console.log(`\n8. compare and gate of two results (${PIPELINES.length} pipelines), built CLI: peak RSS, time; kept: what the views hold`);
    const streaming: { records: number; mb: number; liveMb: number }[] = [];
    for (const [questions, layouts] of [[12_500, ['jsonl']], [50_000, ['single', 'jsonl']]] as const) {
      const [a, b] = pairOfRuns(questions);
      for (const layout of layouts) {
        const [pa, pb] = [await writeResult(a, join(dir, `${layout}-${questions}-a`), { layout }), await writeResult(b, join(dir, `${layout}-${questions}-b`), { layout })];
        const bytes = statSync(pa).size + (layout === 'jsonl' ? statSync(pa.replace(/\.json$/, '.records.jsonl')).size : 0);
        const c = measure(['compare', pa, pb, '--format', 'json'], hook);
        const g = measure(['gate', '--baseline', pa, '--current', pb, '--format', 'json'], hook);
        const kept = await keptByViews(pa, pb);
        if (layout === 'jsonl') streaming.push({ records: a.records.length, mb: c.mb, liveMb: kept });
        const n = a.records.length.toLocaleString('en').padStart(7);
        const fig = (m: ReturnType<typeof measure>) => `${m.mb.toFixed(0).padStart(5)} MB ${m.s.toFixed(1).padStart(4)} s`;
        console.log(`  ${n} ${layout.padEnd(6)} ${(bytes / 2 ** 20).toFixed(0).padStart(4)} MB/file  compare ${fig(c)}  gate ${fig(g)}  kept ${kept.toFixed(0).padStart(4)} MB  exit ${c.code}/${g.code}`);
      }
    }
    const [small, large] = streaming as [(typeof streaming)[0], (typeof streaming)[0]];
    // Both files' records are held, so the slopes are per record of either file.
    const slope = (mb: number, mb0: number) => (((mb - mb0) * 2 ** 20) / (2 * (large.records - small.records))).toFixed(0);
    console.log(`  streaming, 4x the records: peak RSS ${(large.mb / small.mb).toFixed(2)}x (+${slope(large.mb, small.mb)} B/record), kept ${(large.liveMb / small.liveMb).toFixed(2)}x (+${slope(large.liveMb, small.liveMb)} B/record)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
