/**
 * Scenario folders for end-to-end bench tests against a loopback server: one folder per scenario
 * under the test's work folder, with a JSON config that runs closed-book + rag on a small local
 * embedding and no preflight, and the paths that config names.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Scenario {
  dir: string;
  config: string;
  outDir: string;
  cacheDir: string;
}

/** `base` (dataset, providers, models, prices, …) and `over` go on top of the shared defaults. */
export function writeScenario(work: string, name: string, base: Record<string, unknown>, over: Record<string, unknown> = {}, file = 'config.json'): Scenario {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  const s = { dir, config: join(dir, file), outDir: join(dir, 'results'), cacheDir: join(dir, 'cache') };
  const config = {
    outDir: s.outDir,
    cacheDir: s.cacheDir,
    finetune: {},
    pipelines: [
      { name: 'closed-book', model: 'base', retrieval: false },
      { name: 'rag', model: 'base', retrieval: true },
    ],
    embedding: { model: 'local:ppmi-svd', dim: 32 },
    retrieval: { chunkSize: 60, chunkOverlap: 10, k: 2 },
    // These tests count requests per question; the preflight has tests of its own.
    preflight: false,
    ...base,
    ...over,
  };
  writeFileSync(s.config, JSON.stringify(config, null, 2));
  return s;
}

/** Question text -> id of a dataset folder's questions (the loopback server sees the text only). */
export function questionIdsByText(datasetDir: string): Map<string, string> {
  return new Map(
    readFileSync(join(datasetDir, 'questions.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; question: string })
      .map((q) => [q.question, q.id]),
  );
}
