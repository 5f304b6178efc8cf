/**
 * `npm run eval:dev [-- [folders…] [--list file.json] [--mode dense|bm25|hybrid] [--out-dir d] [--quiet]]`
 *
 * Runs the default bench on every development dataset and prints one table (recall@k, answer in
 * context, RAG / fine-tuned / hybrid answerable accuracy, RAG abstention), so a change is judged
 * on real prose as well as on the fixture. A dataset's own bench.config.json is used when it has
 * one, else bench/default.config.ts pointed at it. Results go under --out-dir (default: a folder in
 * the system temp dir), never into results/. Development tooling: not part of `npm test`, not
 * imported by the product.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_CONFIG, loadConfig } from '../config/load.js';
import { RETRIEVAL_MODE_IDS, type RetrievalMode } from '../retrieval/modes.js';
import { createProgress } from '../run/progress.js';
import { runBench } from '../run/bench.js';
import { readJsonFile } from '../util/input.js';
import { configFor, DatasetListSchema, evalRow, type EvalRow, expandDatasets, formatEvalTable } from './eval.js';

const DEFAULT_LIST = join(import.meta.dirname, 'datasets.json');

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      list: { type: 'string' },
      mode: { type: 'string' },
      'out-dir': { type: 'string' },
      quiet: { type: 'boolean', default: false },
    },
  });
  const mode = values.mode as RetrievalMode | undefined;
  if (mode !== undefined && !RETRIEVAL_MODE_IDS.includes(mode)) {
    process.stderr.write(`eval:dev: --mode must be one of ${RETRIEVAL_MODE_IDS.join(', ')} (got "${mode}")\n`);
    return 2;
  }
  const listFile = resolve(values.list ?? DEFAULT_LIST);
  const { folders, skipped } = positionals.length
    ? expandDatasets(positionals, process.cwd())
    : expandDatasets(DatasetListSchema.parse(await readJsonFile(listFile)).datasets, dirname(listFile));
  for (const s of skipped) process.stderr.write(`eval:dev: skipping ${s} (no such folder)\n`);
  const outRoot = resolve(values['out-dir'] ?? join(tmpdir(), 'ragvft-eval-dev'));

  const rows: EvalRow[] = [];
  for (const folder of folders) {
    const { path, own } = configFor(folder, DEFAULT_CONFIG);
    const outDir = join(outRoot, basename(folder));
    process.stderr.write(`eval:dev: ${folder} (${own ? 'its bench.config.json' : DEFAULT_CONFIG})${mode ? `, mode ${mode}` : ''}\n`);
    try {
      const configPath = await derivedConfig(path, folder, outDir, mode);
      const { result } = await runBench({ configPath, outDir, progress: createProgress(process.stderr, values.quiet) });
      rows.push(evalRow(result));
    } catch (e) {
      const dataset = basename(folder);
      rows.push({ dataset, mode: mode ?? '', questions: 0, k: null, recall: null, answerInContext: null, rag: null, fineTuned: null, hybrid: null, ragAbstains: null, error: (e as Error).message });
    }
  }
  process.stdout.write(`${formatEvalTable(rows)}\nresults: ${outRoot}\n`);
  return rows.some((r) => r.error) ? 1 : 0;
}

/**
 * The config to run, written beside the results: `configPath` resolved (defaults filled in),
 * pointed at `folder`, with the retrieval mode overridden when asked.
 */
async function derivedConfig(configPath: string, folder: string, outDir: string, mode: RetrievalMode | undefined): Promise<string> {
  const { config } = await loadConfig(configPath);
  const derived = { ...config, dataset: folder, retrieval: { ...config.retrieval, mode: mode ?? config.retrieval.mode } };
  mkdirSync(outDir, { recursive: true });
  const path = join(outDir, 'config.json');
  writeFileSync(path, `${JSON.stringify(derived, null, 2)}\n`);
  return path;
}

process.exitCode = await main();
