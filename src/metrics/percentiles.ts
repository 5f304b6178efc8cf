import type { Percentiles } from '../results/schema.js';

/** Nearest-rank percentile of sorted values (p in 0..100). */
export function nearestRank(sorted: Float64Array, p: number): number {
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

/** p50/p95/p99 (nearest rank) and mean; null for no values. */
export function percentiles(values: readonly number[]): Percentiles | null {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const r = (x: number) => Math.round(x * 1000) / 1000;
  return { p50: r(nearestRank(sorted, 50)), p95: r(nearestRank(sorted, 95)), p99: r(nearestRank(sorted, 99)), mean: r(mean), count: values.length };
}
