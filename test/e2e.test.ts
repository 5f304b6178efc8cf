import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ResultSchema, type RunResult } from '../src/results/schema.js';
import { runCli } from './helpers/cli.js';
import { writeTinyDataset } from './helpers/tiny-dataset.js';

function writeConfig(dir: string, datasetDir: string, over: Record<string, unknown> = {}): string {
  const path = join(dir, 'config.json');
  writeFileSync(
    path,
    JSON.stringify({
      dataset: datasetDir,
      outDir: join(dir, 'results'),
      cacheDir: join(dir, 'cache'),
      embedding: { model: 'local:ppmi-svd', dim: 32 },
      finetune: { 'ft-paraphrase': { data: 'plain', epochs: 40 } },
      retrieval: { chunkSize: 60, chunkOverlap: 10, k: 2 },
      ...over,
    }),
  );
  return path;
}

describe('ragvft bench end to end (tiny dataset)', () => {
  const work = mkdtempSync(join(tmpdir(), 'ragvft-e2e-'));
  let result: RunResult;
  let stdout: string;

  beforeAll(async () => {
    const config = writeConfig(work, writeTinyDataset());
    // From the run's folder, as a user would: paths are printed relative to it.
    const run = await runCli(['bench', '--config', config], { cwd: work });
    expect(run.stderr).not.toMatch(/Error:/);
    expect(run.code).toBe(0);
    stdout = run.stdout;
    result = ResultSchema.parse(JSON.parse(readFileSync(join(work, 'results', 'latest.json'), 'utf8')));
  });

  it('writes a valid result with one record per question and pipeline', () => {
    expect(result.schemaVersion).toBe('2.1');
    expect(result.run.scoring).toEqual({ primary: 'lenient', judge: null });
    expect(result.pipelines.map((p) => p.name)).toEqual(['closed-book', 'rag', 'fine-tuned', 'hybrid']);
    expect(result.records).toHaveLength(4 * 5);
    expect(new Set(result.records.map((r) => `${r.pipeline}/${r.questionId}`)).size).toBe(20);
    expect(existsSync(join(work, 'results', `${result.run.id}.json`))).toBe(true);
    expect(result.run.dataset).toMatchObject({ name: 'tiny', questions: 5, documents: 4 });
    // The default retrieval mode is bm25: no embedding model is built or used.
    expect(result.run.embeddingModel).toBe('none');
  });

  it('closed-book knows nothing; RAG answers from retrieved context', () => {
    const cb = result.pipelines.find((p) => p.name === 'closed-book')!.summary;
    const rag = result.pipelines.find((p) => p.name === 'rag')!.summary;
    expect(cb.metrics.accuracy!.value).toBe(0);
    expect(cb.metrics.strictF1!.value).toBe(0);
    // The tiny dataset has 4 answerable questions: RAG gets at least 3 right.
    expect(rag.metrics.accuracy!.n).toBe(4);
    expect(rag.metrics.accuracy!.sum).toBeGreaterThanOrEqual(3);
    expect(rag.retrievalK).toBe(2);
    expect(rag.metrics.recall!.value).toBeGreaterThan(0);
    const ragRecords = result.records.filter((r) => r.pipeline === 'rag');
    expect(ragRecords.every((r) => r.retrievedDocIds !== null && r.latencyMs.embed === null && r.latencyMs.search !== null)).toBe(true);
  });

  it('the fine-tuned model answers what was true at its cutoff: stale on the updated fact', () => {
    const ft = result.records.find((r) => r.pipeline === 'fine-tuned' && r.questionId === 'q2')!;
    expect(ft.answer).toBe('Mira Tull');
    expect(ft.freshness).toBe('stale');
    const hybrid = result.records.find((r) => r.pipeline === 'hybrid' && r.questionId === 'q2')!;
    expect(hybrid.freshness).toBe('current');
  });

  it('records tokens, latency stages, time to first token, finish reason and local CPU time', () => {
    for (const r of result.records) {
      expect(r.tokens!.input).toBeGreaterThan(0);
      expect(r.latencyMs.total).toBeGreaterThan(0);
      expect(r.latencyMs.firstToken).not.toBeNull();
      expect(r.costUsd).toBe(0);
      expect(r.finishReason).toBe('stop');
      expect(r.cpuMs).not.toBeNull();
      // CPU time of the computation alone never exceeds the call's wall time.
      expect(r.cpuMs!).toBeLessThanOrEqual(r.latencyMs.generate! + 1);
    }
    const ft = result.pipelines.find((p) => p.name === 'fine-tuned')!.summary;
    expect(ft.costUsd.localCpuSeconds.fineTuning).toBeGreaterThan(0);
    expect(ft.costUsd.localCpuSeconds.inference).not.toBeNull();
    expect(ft.latencyMs.count).toBe(5);
  });

  it('RAG cites the document it answered from; the scored answer carries no citation', () => {
    const rag = result.records.filter((r) => r.pipeline === 'rag');
    const answered = rag.filter((r) => r.error === null && !r.abstained);
    expect(answered.length).toBeGreaterThanOrEqual(3);
    for (const r of answered) {
      expect(r.answer).not.toMatch(/sources?:/i);
      expect(r.citations!.length, r.questionId).toBe(1);
      expect(r.retrievedDocIds).toContain(r.citations![0]);
      expect(r.citation).toMatchObject({ cited: 1, fabricated: 0, notInCorpus: 0 });
    }
    expect(rag.find((r) => r.questionId === 'q2')).toMatchObject({ answer: 'Osric Vell', citations: ['orsk-v2'], citation: { correct: 1, precision: 1, recall: 1 } });
    // Without retrieval nothing is shown, and the local fine-tune names no document.
    for (const r of result.records.filter((x) => x.pipeline === 'fine-tuned' || x.pipeline === 'closed-book')) expect(r).toMatchObject({ citations: [], citation: { cited: 0 } });
    const summary = result.pipelines.find((p) => p.name === 'rag')!.summary;
    expect(summary.metrics.citationRate).toMatchObject({ value: 1, n: answered.length });
  });

  it('prints one screen: the headline table, the claims and the JSON path, within 100 columns', () => {
    const lines = stdout.trimEnd().split('\n');
    for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(100);
    expect(lines.length).toBeLessThanOrEqual(40);
    expect(lines[0]).toMatch(/^pipeline +acc % \[95% CI\] +abstain % +stale +p50 +cost\/1k q +R@2 %/);
    for (const name of ['closed-book', 'rag', 'fine-tuned', 'hybrid']) expect(stdout).toMatch(new RegExp(`\\n${name} +\\d+\\.\\d \\[[\\d.]+, [\\d.]+\\] +`));
    // The fine-tune answered the updated fact with its old value: 1 of the 1 updated question.
    expect(stdout).toMatch(/\nfine-tuned +\S+ \[.*\] +\S+ +1\/1 /);
    expect(stdout).toContain(`\nclaims (evidence: ragvft report results/${result.run.id}.json):\n`);
    expect(stdout).toMatch(/\nclaims .*\n {2}(supported|contradicted|inconclusive|not measured)/);
    expect(lines.at(-1)).toBe(`results: results/${result.run.id}.json`);
    // The detailed tables wait for --details.
    expect(stdout).not.toMatch(/acc % by category|Paired comparisons|Oracle router/);
  });

  it('a second run gives identical accuracy and freshness, reusing models and index', async () => {
    const config = join(work, 'config.json');
    const run = await runCli(['bench', '--config', config]);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/reusing BM25 index/);
    const second = ResultSchema.parse(JSON.parse(readFileSync(join(work, 'results', 'latest.json'), 'utf8')));
    expect(second.run.id).not.toBe(result.run.id);
    // The result keeps what each index took: built the first time, reused whole the second.
    const [built] = result.run.indexes;
    expect(result.run.indexes).toMatchObject([{ source: 'bm25', store: null, asOf: null, reused: 0, removed: 0 }]);
    expect(built!.added).toBe(built!.chunks);
    expect(second.run.indexes).toMatchObject([{ source: 'bm25', chunks: built!.chunks, reused: built!.chunks, added: 0 }]);
    // BM25 (the default mode) embeds no query: no embed time, nothing cached or not (dense runs: embed-latency.test.ts).
    expect(second.records.filter((r) => r.retrievedDocIds !== null).every((r) => r.embedCached === null && r.latencyMs.embed === null)).toBe(true);
    // Timings (wall and CPU) are measurements; everything else must be identical.
    const strip = (r: RunResult) => r.records.map(({ latencyMs: _l, cpuMs: _c, embedCached: _e, ...rest }) => rest);
    expect(strip(second)).toEqual(strip(result));
  });
});

describe('bad input', () => {
  const modelsDir = mkdtempSync(join(tmpdir(), 'ragvft-e2e-models-'));
  mkdirSync(join(modelsDir, 'org', 'q-only', 'onnx'), { recursive: true });
  writeFileSync(join(modelsDir, 'org', 'q-only', 'onnx', 'model_quantized.onnx'), 'weights');

  it('exits 2 naming file, line and field, and writes nothing', async () => {
    const work = mkdtempSync(join(tmpdir(), 'ragvft-e2e-bad-'));
    const ds = writeTinyDataset({ questions: '{"id":"q1","question":"x?","answers":["y"],"asOf":"2031-13-01","category":"static","sourceDocIds":["dunmere"]}\n' });
    const run = await runCli(['bench', '--config', writeConfig(work, ds)]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/questions\.jsonl, line 1, field "asOf"/);
    expect(run.stderr).not.toMatch(/at .*\.ts:\d+/); // a message, not a stack trace
    expect(existsSync(join(work, 'results')) ? readdirSync(join(work, 'results')) : []).toEqual([]);
  });

  it.each([
    ['chunkOverlap >= chunkSize', { retrieval: { chunkSize: 20, chunkOverlap: 20, k: 2 } }, /field "retrieval\.chunkOverlap": must be smaller than chunkSize/],
    ['an HNSW M hnswlib would cap', { retrieval: { chunkSize: 60, chunkOverlap: 10, k: 2, M: 10_000_000 } }, /field "retrieval\.M"/],
    ['an unknown local model', { models: { base: 'local:ghost', fineTuned: 'local:ft-paraphrase' } }, /unknown local model "local:ghost" \(known: local:reader, local:ft-paraphrase\)/],
    // Found before the fine-tunes train, not after (it used to exit 1 with a stack once they had).
    ['a transformers.js model folder that is missing', { embedding: { model: 'org/absent', localModelPath: modelsDir }, retrieval: { chunkSize: 60, chunkOverlap: 10, k: 2, mode: 'dense' } }, /field "embedding\.model": embedding model "org\/absent" not found: there is no folder .*org\/absent/],
    ['only the quantized weights, quantized off', { embedding: { model: 'org/q-only', localModelPath: modelsDir }, retrieval: { chunkSize: 60, chunkOverlap: 10, k: 2, mode: 'dense' } }, /has onnx\/model_quantized\.onnx but not onnx\/model\.onnx; set embedding\.quantized: true/],
  ])('exits 2 on %s, before any work: no journal, no model, no result', async (_label, over, message) => {
    const work = mkdtempSync(join(tmpdir(), 'ragvft-e2e-bad-'));
    const run = await runCli(['bench', '--config', writeConfig(work, writeTinyDataset(), over)]);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at /); // one line, not a stack trace
    expect(readdirSync(work)).toEqual(['config.json']);
  });

  it('exits 2 when the results folder is a file, before answering anything', async () => {
    const work = mkdtempSync(join(tmpdir(), 'ragvft-e2e-out-'));
    const config = writeConfig(work, writeTinyDataset());
    writeFileSync(join(work, 'results'), 'not a folder');
    const run = await runCli(['bench', '--config', config]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/the results folder .*results is a file, not a folder/);
    expect(readdirSync(work).sort()).toEqual(['config.json', 'results']);
  });

  it('exits 2 on an unknown config field', async () => {
    const work = mkdtempSync(join(tmpdir(), 'ragvft-e2e-cfg-'));
    const run = await runCli(['bench', '--config', writeConfig(work, writeTinyDataset(), { retreival: {} })]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/config\.json.*unknown field\(s\) "retreival"/);
  });

  it('validate reports a good dataset and exits 2 on a bad one', async () => {
    const ok = await runCli(['validate', writeTinyDataset()]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/ok: tiny — 4 documents, 5 questions/);
    const bad = await runCli(['validate', writeTinyDataset({ corpus: 'not json\n' })]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/corpus\.jsonl, line 1: malformed JSON/);
  });
});
