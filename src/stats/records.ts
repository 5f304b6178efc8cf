/**
 * Aligning records for paired statistics: by pipeline and question id, in one stable order. What a
 * record's value is for each metric is defined once, in the metric registry (src/metrics/registry.ts).
 */
import type { MetricDef } from '../metrics/registry.js';
import type { LeanRecord } from '../results/view.js';

/** Pipeline name -> question id -> record. Later duplicates win (files are checked on read). */
export function indexRecords(records: readonly LeanRecord[]): Map<string, Map<string, LeanRecord>> {
  const byPipeline = new Map<string, Map<string, LeanRecord>>();
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
export function column(ids: readonly string[], byId: ReadonlyMap<string, LeanRecord>, pick: (r: LeanRecord) => number): Float64Array {
  const out = new Float64Array(ids.length);
  for (let i = 0; i < ids.length; i++) out[i] = pick(byId.get(ids[i]!)!);
  return out;
}

/** Ids of the records eligible for `m` in every given map (paired questions), sorted. */
export function eligibleIds(m: MetricDef, ...maps: ReadonlyMap<string, LeanRecord>[]): string[] {
  return commonIds(...maps).filter((id) => maps.every((byId) => m.eligible(byId.get(id)!)));
}
