/**
 * Section 8 of `npm run perf`: `ragvft compare` on two synthetic 200k-record results (4 pipelines
 * × 50k questions, answers and retrieved ids of realistic size), once as single JSON documents
 * and once in the streaming layout: peak RSS and wall time of the built CLI, each in its own
 * process. Files go to a temp folder, removed afterwards.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CATEGORIES } from '../dataset/schema.js';
import { summarize } from '../metrics/summarize.js';
import type { ResultRecord, RunResult } from '../results/schema.js';
import { writeResult } from '../results/write.js';
import { computeRunStatistics } from '../stats/run-statistics.js';
import { mulberry32 } from '../util/rng.js';
import { HARNESS_VERSION } from '../version.js';

const QUESTIONS = 50_000;
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
export function synthesize(id: string, seed: number, ps: number[]): RunResult {
  const records = PIPELINES.flatMap((name, k) => {
    const rnd = mulberry32(seed + k);
    return Array.from({ length: QUESTIONS }, (_, i) => record(name, i, ps[k]!, rnd));
  });
  const pipelines = PIPELINES.map((name) => ({
    name, model: 'openai:gpt-4o-mini', retrieval: name === 'rag' || name === 'hybrid', indexAsOf: null,
    summary: summarize(records.filter((r) => r.pipeline === name), { k: 5, cost: { fineTuningUsd: 0, fineTuningSeconds: 0, queryVolume: 100_000 } }),
  }));
  return {
    schemaVersion: '2.1',
    run: {
      id, startedAt: '2026-01-01T00:00:00.000Z', finishedAt: '2026-01-01T01:00:00.000Z', harnessVersion: HARNESS_VERSION, gitCommit: null,
      configHash: 'perf', datasetHash: 'perf', dataset: { name: 'synthetic', trainingCutoff: '2030-06-30', questions: QUESTIONS, documents: 9000 },
      models: Object.fromEntries(PIPELINES.map((n) => [n, 'openai:gpt-4o-mini'])), embeddingModel: 'local:ppmi-svd', indexAsOf: null, corpusTimeline: null,
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
  if (out.status !== 0) console.log(out.stderr.slice(0, 500));
  return { mb: kb / 1024, s, code: out.status };
}

export async function largeResultFigures(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ragvft-perf-large-'));
  try {
    const hook = join(dir, 'rss-hook.mjs');
    writeFileSync(hook, "process.on('exit', () => process.stderr.write(`\\nmaxRSS ${process.resourceUsage().maxRSS}\\n`));\n");
    const a = synthesize('perf-a', 1, [0.1, 0.6, 0.4, 0.7]);
    const b = synthesize('perf-b', 1, [0.1, 0.6, 0.4, 0.7]);
    // B: rag loses every 40th right answer, so the comparison has flips to list.
    b.records.forEach((r, i) => {
      if (r.pipeline === 'rag' && r.correct && i % 40 === 0) Object.assign(r, { correct: false, hallucinated: !r.abstained, freshness: r.freshness && 'wrong' });
    });
    const rows = [];
    for (const layout of ['single', 'jsonl'] as const) {
      const [pa, pb] = [await writeResult(a, join(dir, `${layout}-a`), { layout }), await writeResult(b, join(dir, `${layout}-b`), { layout })];
      const bytes = statSync(pa).size + (layout === 'jsonl' ? statSync(pa.replace(/\.json$/, '.records.jsonl')).size : 0);
      const m = measure(['compare', pa, pb, '--format', 'json'], hook);
      rows.push(`  ${layout.padEnd(7)} ${(bytes / 2 ** 20).toFixed(0).padStart(5)} MB per file   peak RSS ${m.mb.toFixed(0).padStart(5)} MB   ${m.s.toFixed(1).padStart(5)} s   exit ${m.code}`);
    }
    console.log(`\n7. compare of two ${a.records.length.toLocaleString('en')}-record results (${PIPELINES.length} pipelines × ${QUESTIONS.toLocaleString('en')} questions), built CLI:`);
    for (const row of rows) console.log(row);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
