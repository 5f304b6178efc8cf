/**
 * What the analyses (summaries, statistics, compare, gate, claims) read of a run: every record
 * field but the bulky per-answer text. Readers of large results keep these lean records only, so
 * memory grows with the figures a record contributes, not with its answer and retrieved ids.
 */
import type { ResultRecord, RunResult } from './schema.js';

/** Fields no analysis reads (the answer itself is fetched separately for the few flipped questions). */
type Bulky = 'answer' | 'retrievedDocIds' | 'responseModelId';

export type LeanRecord = Omit<ResultRecord, Bulky> & { answer?: string | null };

/** A run as the analyses see it: the summary document with lean records. */
export type ResultView = Omit<RunResult, 'records'> & { records: LeanRecord[] };

export function toLean(r: ResultRecord): LeanRecord {
  const { answer: _a, retrievedDocIds: _d, responseModelId: _m, ...lean } = r;
  return lean;
}
