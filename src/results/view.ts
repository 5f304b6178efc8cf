/**
 * What the analyses (summaries, statistics, compare, gate, claims) read of a run: every record
 * field but the bulky per-answer text. Readers of large results keep these lean records only, so
 * memory grows with the figures a record contributes, not with its answer and retrieved ids.
 */
import { RecordPack } from './packed.js';
import type { ResultRecord, RunResult } from './schema.js';

/** Fields no analysis reads (the answer itself is fetched separately for the few flipped questions). */
type Bulky = 'answer' | 'retrievedDocIds' | 'responseModelId' | 'citations';

export type LeanRecord = Omit<ResultRecord, Bulky> & { answer?: string | null };

/** A run as the analyses see it: the summary document with lean records. */
export type ResultView = Omit<RunResult, 'records'> & { records: LeanRecord[] };

/**
 * Lean records of one reader, stored by column (src/results/packed.ts): a large result's pairs
 * take about 200 bytes each, whatever their answers and retrieved ids.
 */
export function leanMaker(expected?: number): (r: ResultRecord) => LeanRecord {
  const pack = new RecordPack(expected);
  return (r) => pack.add(r);
}
