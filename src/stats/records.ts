/**
 * How a per-question record turns into the 0/1 or [0, 1] values the statistics average. Shared by
 * run statistics, `compare` and `gate`, so every figure is defined the same way everywhere.
 */
import type { Category } from '../dataset/schema.js';
import type { ResultRecord } from '../results/schema.js';

/** Exact-match correctness; a failed call counts as wrong whatever its stored score. */
export function correct(r: ResultRecord): number {
  return r.error === null && r.exactMatch >= 1 ? 1 : 0;
}

/** Token F1; a failed call scores 0. */
export function f1(r: ResultRecord): number {
  return r.error === null ? r.f1 : 0;
}

/** Freshness is measured on updated and new questions only (as in the run summary). */
export function freshnessEligible(category: Category): boolean {
  return category === 'updated' || category === 'new';
}

export function stale(r: ResultRecord): number {
  return r.freshness === 'stale' ? 1 : 0;
}

/** A failed call on an eligible question gave no answer, so it counts as missing. */
export function missing(r: ResultRecord): number {
  return r.freshness === 'missing' || (r.freshness === null && r.error !== null) ? 1 : 0;
}

export function errored(r: ResultRecord): number {
  return r.error !== null ? 1 : 0;
}

export function abstained(r: ResultRecord): number {
  return r.abstained ? 1 : 0;
}

/** Pipeline name -> question id -> record. Later duplicates win (files are checked on read). */
export function indexRecords(records: readonly ResultRecord[]): Map<string, Map<string, ResultRecord>> {
  const byPipeline = new Map<string, Map<string, ResultRecord>>();
  for (const r of records) {
    let m = byPipeline.get(r.pipeline);
    if (!m) byPipeline.set(r.pipeline, (m = new Map()));
    m.set(r.questionId, r);
  }
  return byPipeline;
}

/**
 * Question ids present in every given map, sorted: the common ordering that aligns paired values
 * (a plain code-unit sort, so the order never depends on the locale).
 */
export function commonIds(...maps: ReadonlyMap<string, unknown>[]): string[] {
  if (maps.length === 0) return [];
  const [first, ...rest] = maps;
  const ids: string[] = [];
  for (const id of first!.keys()) if (rest.every((m) => m.has(id))) ids.push(id);
  return ids.sort();
}

/** Values of `pick` for the given ids, in that order, as a typed array ready for resampling. */
export function column(ids: readonly string[], byId: ReadonlyMap<string, ResultRecord>, pick: (r: ResultRecord) => number): Float64Array {
  const out = new Float64Array(ids.length);
  for (let i = 0; i < ids.length; i++) out[i] = pick(byId.get(ids[i]!)!);
  return out;
}
