/**
 * `ragvft report <result.json> --html out.html [--baseline other.json] [--dataset dir]`: the
 * self-contained HTML report of a run.
 *
 * The result holds answers and scores but not the questions' text, gold and stale answers, asOf
 * dates or document titles: those come from the dataset, found through `--dataset` or the run's
 * stored config, and used only when its hash is the run's.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { evaluateClaims } from '../../claims/registry.js';
import { compareRuns } from '../../compare/compare.js';
import { fillFlipAnswers } from '../../compare/flip-answers.js';
import { loadResultView } from '../../compare/read.js';
import { DEFAULT_CONFIG } from '../../config/load.js';
import { loadDataset } from '../../dataset/load.js';
import type { Dataset } from '../../dataset/schema.js';
import { explorerQuestions, explorerRows } from '../../report/html/explorer.js';
import type { ResultView } from '../../results/view.js';
import { InputError } from '../../util/errors.js';
import { assertWritableDir, writeFileAtomic } from '../../util/fs.js';

export interface HtmlReportOptions {
  /** The result JSON to report on. */
  result: string;
  /** The HTML file to write. */
  html: string;
  /** A result JSON to compare against (its questions must match, unless `force`). */
  baseline?: string;
  /** The run's dataset folder; default: the one its config names, when it is found. */
  dataset?: string;
  force?: boolean;
  /** Questions the explorer shows at most (default DEFAULT_EXPLORER_QUESTIONS). */
  maxQuestions?: number;
}

/** A few thousand questions keep the page a few MB; a 50k-question run would not open in a browser. */
export const DEFAULT_EXPLORER_QUESTIONS = 2000;

export interface HtmlReportWritten {
  path: string;
  bytes: number;
  /** What the report had to leave out (also shown in it). */
  notes: string[];
}

const short = (hash: string) => hash.slice(0, 12);

/** The run's dataset: `explicit` must be it (else bad input); otherwise its config's path is tried from here and from the default config's folder. */
async function findDataset(result: ResultView, explicit: string | undefined): Promise<{ dataset: Dataset | null; note: string | null }> {
  const want = result.run.datasetHash;
  if (explicit !== undefined) {
    const dataset = await loadDataset(explicit);
    if (dataset.hash !== want) {
      throw new InputError(`is not the dataset of this run (hash ${short(dataset.hash)}, the run's is ${short(want)}); pass the dataset the run used`, { file: resolve(explicit) });
    }
    return { dataset, note: null };
  }
  const configured = result.run.config.dataset;
  if (typeof configured === 'string') {
    const candidates = isAbsolute(configured) ? [configured] : [resolve(configured), resolve(dirname(DEFAULT_CONFIG), configured)];
    for (const path of candidates) {
      const dataset = await loadDataset(path).catch(() => null);
      if (dataset?.hash === want) return { dataset, note: null };
    }
  }
  return {
    dataset: null,
    note: `The run's dataset was not found (its config names ${JSON.stringify(configured)}, relative to the config file), so question text, gold and stale answers, asOf dates and document titles are left out: pass --dataset <dir>.`,
  };
}

export async function writeHtmlReport(opts: HtmlReportOptions): Promise<HtmlReportWritten> {
  assertWritableDir(dirname(resolve(opts.html)), 'HTML report folder');
  // Lean records for the figures; whole records (answers, retrieved ids) only for the explorer's questions, read again.
  const [run, baseline] = await Promise.all([loadResultView(opts.result), opts.baseline === undefined ? null : loadResultView(opts.baseline)]);
  const result = run.view;
  const comparison = baseline ? compareRuns(baseline.view, result, { force: opts.force ?? false, labels: { a: opts.baseline, b: opts.result } }) : null;
  if (comparison && baseline) await fillFlipAnswers(comparison, { a: baseline.source, b: run.source });
  const flipped = comparison?.flips.flatMap((g) => g.flips.map((f) => f.questionId)) ?? [];
  const chosen = explorerQuestions(result, opts.maxQuestions ?? DEFAULT_EXPLORER_QUESTIONS, flipped);
  const rows = await explorerRows(result.pipelines.map((p) => p.name), run.source.records({ again: true }), chosen);
  const { dataset, note } = await findDataset(result, opts.dataset);
  const notes = note ? [note] : [];
  if (chosen) notes.push(`The explorer shows ${rows.rows.length} of the run's ${rows.questions} questions (--max-questions ${opts.maxQuestions ?? DEFAULT_EXPLORER_QUESTIONS}).`);
  // Vega is loaded only by this command, not by every `ragvft` start.
  const { buildHtmlReport } = await import('../../report/html/index.js');
  const page = await buildHtmlReport({ result, explorer: rows, claims: evaluateClaims(result), dataset, comparison, notes });
  const path = resolve(opts.html);
  await writeFileAtomic(path, page);
  return { path, bytes: Buffer.byteLength(page), notes };
}
