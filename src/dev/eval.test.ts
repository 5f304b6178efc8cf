import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configFor, type EvalRow, expandDatasets, formatEvalTable } from './eval.js';

function tree(): string {
  const root = mkdtempSync(join(tmpdir(), 'ragvft-evaldev-'));
  for (const d of ['sets/b', 'sets/a', 'sets/not-a-dataset', 'one']) mkdirSync(join(root, d), { recursive: true });
  for (const d of ['sets/a', 'sets/b', 'one']) writeFileSync(join(root, d, 'dataset.json'), '{}');
  writeFileSync(join(root, 'sets/b', 'bench.config.json'), '{}');
  return root;
}

describe('expandDatasets', () => {
  it('expands dir/* to the dataset folders inside (sorted), keeps plain entries, drops duplicates', () => {
    const root = tree();
    const { folders, skipped } = expandDatasets(['one', 'sets/*', 'sets/a', 'missing/*'], root);
    expect(folders).toEqual([join(root, 'one'), join(root, 'sets/a'), join(root, 'sets/b')]);
    expect(skipped).toEqual(['missing/*']);
  });

  it('refuses a plain entry that is not a dataset folder', () => {
    const root = tree();
    expect(() => expandDatasets(['sets/not-a-dataset'], root)).toThrow(/sets\/not-a-dataset: not a dataset folder/);
  });

  it("uses a dataset's own bench.config.json when it has one", () => {
    const root = tree();
    expect(configFor(join(root, 'sets/b'), 'default.ts')).toEqual({ path: join(root, 'sets/b', 'bench.config.json'), own: true });
    expect(configFor(join(root, 'sets/a'), 'default.ts')).toEqual({ path: 'default.ts', own: false });
  });
});

describe('formatEvalTable', () => {
  const row: EvalRow = { dataset: 'a-dataset-name-that-is-far-too-long-to-show', mode: 'hybrid', questions: 1234, k: 5, recall: 0.9973, answerInContext: 0.81, rag: 0.0612, fineTuned: null, hybrid: 0.5, ragAbstains: 1 };
  it('one row per dataset within 100 columns, unknown figures as –, failures as a note', () => {
    const out = formatEvalTable([row, { ...row, dataset: 'broken', error: 'cannot read corpus.jsonl '.repeat(12) }]);
    for (const line of out.split('\n')) expect(line.length, line).toBeLessThanOrEqual(100);
    expect(out).toMatch(/^dataset +n +mode +R@5 +AiC@5 +RAG acc +FT acc +hybrid acc +RAG abstain/);
    expect(out).toMatch(/a-dataset-name-that-is-…  1234 +hybrid  0\.997  0\.810  0\.061  +–  +0\.500  +1\.000/);
    expect(out).toMatch(/broken +failed +hybrid +0\.997/);
    expect(out).toMatch(/\nbroken: cannot read corpus.jsonl/);
  });
});
