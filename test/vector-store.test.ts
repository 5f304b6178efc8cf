/**
 * `retrieval.store: 'lancedb'` end to end: the real CLI on the tiny dataset. LanceDB is an
 * optional dependency npm installs on Node >= 22 only: where it loads, the bench runs on it for
 * real (and must, in CI on Node >= 22); where it does not, the bench must refuse with exit 2 and a
 * one-line reason naming the key, before any work, and the run on it is skipped with that reason in its name.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VECTOR_STORES } from '../src/retrieval/store/registry.js';
import { ResultSchema } from '../src/results/schema.js';
import { isCI } from '../src/run/progress.js';
import { runCli } from './helpers/cli.js';
import { writeTinyDataset } from './helpers/tiny-dataset.js';

const dataset = writeTinyDataset();
const unavailable = await VECTOR_STORES.lancedb.unavailable();
if (unavailable !== null) console.warn(`LanceDB bench skipped: ${unavailable}`);
const mustRun = isCI() && Number(process.versions.node.split('.')[0]) >= 22;

function writeConfig(work: string): string {
  const path = join(work, 'config.json');
  writeFileSync(
    path,
    JSON.stringify({
      dataset,
      outDir: join(work, 'results'),
      cacheDir: join(work, 'cache'),
      embedding: { model: 'local:ppmi-svd', dim: 32 },
      finetune: { 'ft-paraphrase': { data: 'plain', epochs: 40 } },
      retrieval: { mode: 'dense', store: 'lancedb', chunkSize: 60, chunkOverlap: 10, k: 2 },
      pipelines: [{ name: 'rag', model: 'base', retrieval: true }],
    }),
  );
  return path;
}

describe('bench with retrieval.store lancedb', () => {
  it.skipIf(unavailable !== null && !mustRun)(`retrieves through LanceDB with the temporal filter pushed down, and reuses the table${unavailable ? ` (skipped: ${unavailable})` : ''}`, async () => {
    const work = mkdtempSync(join(tmpdir(), 'ragvft-lancedb-'));
    const config = writeConfig(work);
    const first = await runCli(['bench', '--config', config]);
    expect(first.stderr).not.toMatch(/Error:/);
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/built LanceDB index of \d+ chunks \(new; [\d.]+ MB on disk, RSS [\d.]+ MB\)/);
    const result = ResultSchema.parse(JSON.parse(readFileSync(join(work, 'results', 'latest.json'), 'utf8')));
    const q2 = result.records.find((r) => r.questionId === 'q2')!;
    expect(q2.retrievedDocIds).toContain('orsk-v2');
    expect(q2.retrievedDocIds).not.toContain('orsk-v1');
    expect(q2.retrieval).toMatchObject({ recall: 1 });

    const second = await runCli(['bench', '--config', config]);
    expect(second.code).toBe(0);
    expect(second.stderr).toMatch(/reusing LanceDB index \(\d+ chunks/);
  }, 120_000);

  it.skipIf(unavailable === null)('where LanceDB does not load, the bench exits 2 naming retrieval.store and the fix', async () => {
    const work = mkdtempSync(join(tmpdir(), 'ragvft-lancedb-'));
    const run = await runCli(['bench', '--config', writeConfig(work)]);
    expect(run.code).toBe(2);
    const lines = run.stderr.trim().split('\n').filter((l) => /retrieval\.store/.test(l));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/field "retrieval\.store": @lancedb\/lancedb .*set retrieval\.store to "hnsw"/);
    // Refused before any training or indexing: nothing written.
    expect(existsSync(join(work, 'cache'))).toBe(false);
    expect(existsSync(join(work, 'results'))).toBe(false);
  }, 120_000);
});
