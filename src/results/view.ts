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

/**
 * Lean records of one reader. Values repeated across records (pipeline names, categories, the
 * few distinct score, retrieval, token and error objects) are stored once: records are never
 * mutated, and this roughly halves what 200k of them take.
 */
const POOL_MAX = 4096;

export function leanMaker(): (r: ResultRecord) => LeanRecord {
  // Bounded: continuous values (an F1 of 0.4375) rarely repeat and must not grow the pool.
  const pool = new Map<string, unknown>();
  const same = <T>(v: T): T => {
    if (v === null || v === undefined) return v;
    const key = typeof v === 'string' ? `s${v}` : `o${JSON.stringify(v)}`;
    const hit = pool.get(key);
    if (hit !== undefined) return hit as T;
    if (pool.size < POOL_MAX) pool.set(key, v);
    return v;
  };
  return ({ answer: _a, retrievedDocIds: _d, responseModelId: _m, ...r }) => ({
    ...r,
    pipeline: same(r.pipeline),
    category: same(r.category),
    asOf: same(r.asOf),
    freshness: same(r.freshness),
    finishReason: same(r.finishReason),
    scores: same(r.scores),
    tokens: same(r.tokens),
    retrieval: same(r.retrieval),
    error: same(r.error),
  });
}
