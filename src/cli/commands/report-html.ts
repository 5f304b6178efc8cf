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
import { readResultFile } from '../../compare/read.js';
import { DEFAULT_CONFIG } from '../../config/load.js';
import { loadDataset } from '../../dataset/load.js';
import type { Dataset } from '../../dataset/schema.js';
import type { RunResult } from '../../results/schema.js';
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
}

export interface HtmlReportWritten {
  path: string;
  bytes: number;
  /** What the report had to leave out (also shown in it). */
  notes: string[];
}

const short = (hash: string) => hash.slice(0, 12);

/** The run's dataset: `explicit` must be it (else bad input); otherwise its config's path is tried from here and from the default config's folder. */
async function findDataset(result: RunResult, explicit: string | undefined): Promise<{ dataset: Dataset | null; note: string | null }> {
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
  // The page embeds every answer, so it holds whole records (of either layout).
  const [result, baseline] = await Promise.all([readResultFile(opts.result), opts.baseline === undefined ? null : readResultFile(opts.baseline)]);
  const comparison = baseline ? compareRuns(baseline, result, { force: opts.force ?? false, labels: { a: opts.baseline, b: opts.result } }) : null;
  const { dataset, note } = await findDataset(result, opts.dataset);
  const notes = note ? [note] : [];
  // Vega is loaded only by this command, not by every `ragvft` start.
  const { buildHtmlReport } = await import('../../report/html/index.js');
  const page = await buildHtmlReport({ result, claims: evaluateClaims(result), dataset, comparison, notes });
  const path = resolve(opts.html);
  await writeFileAtomic(path, page);
  return { path, bytes: Buffer.byteLength(page), notes };
}
