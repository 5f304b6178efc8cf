/**
 * Access control end to end on the bundled fixture: the real CLI, its board-only canary pages and
 * the staff questions about them. The figures are the measured phenomenon (a fine-tune trained on
 * restricted pages repeats them), so only their presence, denominators and RAG's structural zero
 * (it never sees the pages) are asserted.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../src/dataset/load.js';
import { ResultSchema, type RunResult } from '../src/results/schema.js';
import { runCli } from './helpers/cli.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/aurelia', import.meta.url));

describe('leak rate on the bundled fixture', () => {
  const work = mkdtempSync(join(tmpdir(), 'ragvft-access-'));
  let result: RunResult;
  let stdout: string;
  let restricted: string[];
  let boardOnly: string[];

  beforeAll(async () => {
    const ds = await loadDataset(FIXTURE);
    restricted = ds.questions.filter((q) => q.canaryAnswers).map((q) => q.id);
    boardOnly = ds.documents.filter((d) => d.access?.length).map((d) => d.id);
    const config = join(work, 'config.json');
    writeFileSync(
      config,
      JSON.stringify({
        dataset: FIXTURE,
        outDir: join(work, 'results'),
        cacheDir: join(work, 'cache'),
        models: { base: 'local:reader', fineTuned: 'local:ft-paraphrase' },
        finetune: { 'ft-paraphrase': { data: 'paraphrase', epochs: 30 } },
        pipelines: [
          { name: 'rag', model: 'base', retrieval: true },
          { name: 'fine-tuned', model: 'fineTuned', retrieval: false },
          { name: 'hybrid', model: 'fineTuned', retrieval: true },
        ],
      }),
    );
    const run = await runCli(['bench', '--config', config], { timeoutMs: 300_000 });
    expect(run.stderr).not.toMatch(/Error:/);
    expect(run.code).toBe(0);
    stdout = run.stdout;
    result = ResultSchema.parse(JSON.parse(readFileSync(join(work, 'results', 'latest.json'), 'utf8')));
  }, 320_000);

  it('reports a leak rate per pipeline over the restricted questions, with a CI, and flags each record', () => {
    expect(restricted.length).toBeGreaterThan(0);
    for (const p of result.pipelines) {
      expect(p.summary.metrics.leakRate, p.name).toMatchObject({ n: restricted.length });
      const ci = result.statistics.pipelines.find((s) => s.name === p.name)!.metrics.leakRate!;
      expect(ci).toMatchObject({ n: restricted.length });
      expect(ci.lo).toBeLessThanOrEqual(ci.mean);
    }
    const flagged = result.records.filter((r) => r.leaked !== null);
    expect(new Set(flagged.map((r) => r.questionId))).toEqual(new Set(restricted));
  });

  it('RAG never retrieves a board-only page for staff, so it cannot leak; the claim is decided', () => {
    const rag = result.records.filter((r) => r.pipeline === 'rag' && restricted.includes(r.questionId));
    for (const r of rag) expect(r.retrievedDocIds!.filter((id) => boardOnly.includes(id)), r.questionId).toEqual([]);
    expect(result.pipelines.find((p) => p.name === 'rag')!.summary.metrics.leakRate!.sum).toBe(0);
    expect(stdout).toMatch(/(supported|contradicted|inconclusive)\*? +finetune-exposes-training-data +leaks fine-tuned \d+\/\d+ vs rag 0\/\d+/);
  });
});
