/**
 * What `bench` prints when a run ends. By default one screen within 100 columns: the headline
 * table, the claims' verdicts and the files written. `--details` (also `ragvft report <file>
 * --details`) adds every other table above it; the result JSON holds all of it.
 */
import type { ResultView } from '../results/view.js';
import { formatStatisticsTable } from '../stats/table.js';
import { formatClaimsSummary } from './claims-table.js';
import { formatCategoryTable, formatHeadline, formatNotes, formatRetrievalTable, formatSummaryTable } from './table.js';
import { wrap } from './terminal-table.js';

/** A file the command wrote, as it is named to the reader (`results`, `html report`, …). */
export interface Written {
  what: string;
  path: string;
}

/** Every figure the default view leaves out: full summary, by category, retrieval, statistics, notes. */
export function formatDetails(result: ResultView): string {
  return [formatSummaryTable(result), formatCategoryTable(result), formatRetrievalTable(result), formatStatisticsTable(result.statistics), formatNotes(result)].filter(Boolean).join('\n\n');
}

/** `written[0]` is the result JSON: the claims' evidence and the details are read from it. */
export function formatBenchView(result: ResultView, opts: { details: boolean; written: readonly Written[] }): string {
  const json = opts.written[0]?.path;
  const more = json ? `ragvft report ${json} --details` : 'bench --details';
  const headline = opts.details ? formatHeadline(result) : `${formatHeadline(result)}\n${wrap(`all tables: ${more}`)}`;
  const files = opts.written.map((w) => `${w.what}: ${w.path}`).join('\n');
  return `${[...(opts.details ? [formatDetails(result)] : []), headline, formatClaimsSummary(result, json), files].filter(Boolean).join('\n\n')}\n`;
}
