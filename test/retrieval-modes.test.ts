/** `retrieval.mode` end to end: the real CLI on the tiny dataset, asserting on the JSON it writes. */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ResultSchema, type RunResult } from '../src/results/schema.js';
import { runCli } from './helpers/cli.js';
import { writeTinyDataset } from './helpers/tiny-dataset.js';

const dataset = writeTinyDataset();

function writeConfig(dir: string, retrieval: Record<string, unknown>, embeddingModel = 'local:ppmi-svd'): string {
  const path = join(dir, 'config.json');
  writeFileSync(
    path,
    JSON.stringify({
      dataset,
      outDir: join(dir, 'results'),
      cacheDir: join(dir, 'cache'),
      embedding: { model: embeddingModel, dim: 32 },
      // A server that is down, with a key that is not set: fatal for any mode that embeds.
      providers: { down: { type: 'openai-compatible', baseURL: 'http://127.0.0.1:9/v1', apiKeyEnv: 'RAGVFT_TEST_KEY_NOT_SET' } },
      finetune: { 'ft-paraphrase': { data: 'plain', epochs: 40 } },
      retrieval: { chunkSize: 60, chunkOverlap: 10, k: 2, ...retrieval },
      pipelines: [
        { name: 'closed-book', model: 'base', retrieval: false },
        { name: 'rag', model: 'base', retrieval: true },
      ],
    }),
  );
  return path;
}

async function bench(retrieval: Record<string, unknown>, embeddingModel?: string): Promise<{ result: RunResult; stdout: string; work: string }> {
  const work = mkdtempSync(join(tmpdir(), 'ragvft-modes-'));
  // --details: the retrieval table is one of the detailed tables.
  const run = await runCli(['bench', '--details', '--config', writeConfig(work, retrieval, embeddingModel)]);
  expect(run.stderr).not.toMatch(/Error:/);
  expect(run.code).toBe(0);
  return { result: ResultSchema.parse(JSON.parse(readFileSync(join(work, 'results', 'latest.json'), 'utf8'))), stdout: run.stdout, work };
}

const rag = (r: RunResult, id: string) => r.records.find((x) => x.pipeline === 'rag' && x.questionId === id)!;

describe.each(['bm25', 'hybrid'] as const)('bench with retrieval.mode %s', (mode) => {
  let result: RunResult;
  let stdout: string;
  let work: string;
  // bm25 with an unreachable API embedding model and no key: it is never asked for, only warned about.
  beforeAll(async () => {
    ({ result, stdout, work } = await bench({ mode }, mode === 'bm25' ? 'down:embed' : undefined));
  });

  it('records the mode and whether an embedding model was used', () => {
    expect((result.run.config as { retrieval: { mode: string } }).retrieval.mode).toBe(mode);
    if (mode === 'bm25') {
      expect(result.run.embeddingModel).toBe('none');
      expect(result.run.warnings).toContain('embedding.model down:embed is not used: retrieval.mode is bm25 (set it to hybrid or dense to use the embedding model)');
      expect(existsSync(join(work, 'cache', 'models'))).toBe(false);
      expect(rag(result, 'q1').latencyMs.embed).toBeNull();
    } else {
      expect(result.run.embeddingModel).toMatch(/^ragvft\/ppmi-svd-/);
      expect(result.run.warnings.filter((w) => !/past end of life/.test(w))).toEqual([]);
      expect(rag(result, 'q1').latencyMs.embed).not.toBeNull();
    }
    expect(rag(result, 'q1').latencyMs.search).not.toBeNull();
  });

  it('retrieves the gold version valid on asOf, never the superseded one', () => {
    const q2 = rag(result, 'q2');
    expect(q2.retrievedDocIds).toContain('orsk-v2');
    expect(q2.retrievedDocIds).not.toContain('orsk-v1');
    expect(q2.retrieval).toEqual({ recall: 1, reciprocalRank: 1, chunkRecall: true });
    expect(q2.answerInContext).toBe(true);
    expect(q2.correct).toBe(true);
  });

  it('answer in context and chunk recall per record: null without retrieval or without a gold answer', () => {
    expect(rag(result, 'q3')).toMatchObject({ answerInContext: true, retrieval: { recall: 1, chunkRecall: true } });
    expect(rag(result, 'q4')).toMatchObject({ category: 'unanswerable', answerInContext: null, retrieval: null });
    const closed = result.records.filter((r) => r.pipeline === 'closed-book');
    expect(closed.every((r) => r.answerInContext === null && r.retrieval === null)).toBe(true);
  });

  it('summarizes them as metrics and shows them in the table, within 100 columns', () => {
    const s = result.pipelines.find((p) => p.name === 'rag')!.summary;
    expect(s.metrics.answerInContext).toEqual({ value: 1, n: 4, sum: 4 });
    expect(s.metrics.chunkRecall).toEqual({ value: 1, n: 4, sum: 4 });
    expect(result.pipelines.find((p) => p.name === 'closed-book')!.summary.metrics.answerInContext).toBeUndefined();
    expect(stdout).toMatch(new RegExp(`retrieval: ${mode} +R@2 % +MRR +chunk R@2 % +answer in context@2 %\n.*\nrag +100\\.0 +1\\.000 +100\\.0 +100\\.0`));
    for (const line of stdout.split('\n')) expect(line.length, line).toBeLessThanOrEqual(100);
  });

  it('with --details prints every detailed table, then the default view', () => {
    const order = [/\npipeline +acc % +F1 %/, /\nacc % by category/, /\nretrieval: /, /\nStatistics \(95%/, /\nPaired comparisons/, /\nmodels: /, /\npipeline +acc % \[95% CI\]/, /\nclaims \(evidence: /, /\nresults: /];
    const at = order.map((re) => `\n${stdout}`.search(re));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect(at).toEqual([...at].sort((a, b) => a - b));
  });
});

describe('bad retrieval config', () => {
  it('an unknown mode exits 2 naming the key, and writes nothing', async () => {
    const work = mkdtempSync(join(tmpdir(), 'ragvft-modes-'));
    const run = await runCli(['bench', '--config', writeConfig(work, { mode: 'sparse' })]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/retrieval\.mode/);
    expect(run.stderr).toMatch(/dense.*bm25.*hybrid/);
    expect(existsSync(join(work, 'results'))).toBe(false);
    expect(existsSync(join(work, 'cache'))).toBe(false);
  });
});
