/**
 * Pieces of `npm run eval:dev` (eval-dev.ts): which dataset folders to run, and the one table
 * that judges a change on all of them. Development tooling: nothing in the product imports it.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { terminalTable, wrap } from '../report/terminal-table.js';
import type { RunResult } from '../results/schema.js';

/** The list file: folders relative to the file, `dir/*` for every dataset folder inside `dir`. */
export const DatasetListSchema = z.strictObject({ datasets: z.array(z.string().min(1)).min(1) });

/**
 * Dataset folders (those holding a dataset.json) named by `entries`, resolved against `baseDir`.
 * A `dir/*` entry whose `dir` is absent is skipped and reported, not fatal: `../shared` is not on
 * every machine. A plain entry that is not a dataset folder is an error.
 */
export function expandDatasets(entries: readonly string[], baseDir: string): { folders: string[]; skipped: string[] } {
  const folders: string[] = [];
  const skipped: string[] = [];
  for (const entry of entries) {
    if (entry.endsWith('/*')) {
      const dir = resolve(baseDir, entry.slice(0, -2));
      if (!existsSync(dir)) {
        skipped.push(entry);
        continue;
      }
      const found = readdirSync(dir)
        .sort()
        .map((n) => join(dir, n))
        .filter((p) => statSync(p).isDirectory() && existsSync(join(p, 'dataset.json')));
      folders.push(...found);
    } else {
      const dir = resolve(baseDir, entry);
      if (!existsSync(join(dir, 'dataset.json'))) throw new Error(`${entry}: not a dataset folder (no dataset.json in ${dir})`);
      folders.push(dir);
    }
  }
  return { folders: [...new Set(folders)], skipped };
}

/** The dataset's own bench config when it ships one, else the default config pointed at it. */
export function configFor(folder: string, defaultConfig: string): { path: string; own: boolean } {
  const own = join(folder, 'bench.config.json');
  return existsSync(own) ? { path: own, own: true } : { path: defaultConfig, own: false };
}

/** The pipelines the table reads, by the names the default configs give them. */
export const EVAL_PIPELINES = { rag: 'rag', fineTuned: 'fine-tuned', hybrid: 'hybrid' } as const;

export interface EvalRow {
  dataset: string;
  mode: string;
  questions: number;
  k: number | null;
  recall: number | null;
  answerInContext: number | null;
  rag: number | null;
  fineTuned: number | null;
  hybrid: number | null;
  ragAbstains: number | null;
  /** Set when the run failed: the row shows it instead of figures. */
  error?: string;
}

export function evalRow(result: RunResult): EvalRow {
  const p = (name: string) => result.pipelines.find((x) => x.name === name)?.summary;
  const metric = (name: string, id: string) => p(name)?.metrics[id]?.value ?? null;
  const rag = p(EVAL_PIPELINES.rag);
  return {
    dataset: result.run.dataset.name,
    mode: (result.run.config as { retrieval?: { mode?: string } }).retrieval?.mode ?? 'dense',
    questions: result.run.dataset.questions,
    k: rag?.retrievalK ?? null,
    recall: metric(EVAL_PIPELINES.rag, 'recall'),
    answerInContext: metric(EVAL_PIPELINES.rag, 'answerInContext'),
    rag: metric(EVAL_PIPELINES.rag, 'accuracy'),
    fineTuned: metric(EVAL_PIPELINES.fineTuned, 'accuracy'),
    hybrid: metric(EVAL_PIPELINES.hybrid, 'accuracy'),
    ragAbstains: metric(EVAL_PIPELINES.rag, 'abstentionAccuracy'),
  };
}

const fixed = (x: number | null) => (x === null ? '–' : x.toFixed(3));

/** One row per dataset, within 100 columns (names cut to 24 characters); failed runs are listed under it. */
export function formatEvalTable(rows: readonly EvalRow[]): string {
  const k = rows.find((r) => r.k !== null)?.k ?? 5;
  const table = terminalTable(['dataset', 'n', 'mode', `R@${k}`, `AiC@${k}`, 'RAG acc', 'FT acc', 'hybrid acc', 'RAG abstain']);
  const name = (r: EvalRow) => (r.dataset.length > 24 ? `${r.dataset.slice(0, 23)}…` : r.dataset);
  for (const r of rows) {
    table.push([name(r), r.error ? 'failed' : String(r.questions), r.mode, fixed(r.recall), fixed(r.answerInContext), fixed(r.rag), fixed(r.fineTuned), fixed(r.hybrid), fixed(r.ragAbstains)]);
  }
  const failures = rows.filter((r) => r.error).map((r) => wrap(`${name(r)}: ${r.error}`));
  return [table.toString(), ...failures].join('\n');
}
