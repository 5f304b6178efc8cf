/**
 * Ratio of two pipelines' latency percentiles (b / a, e.g. RAG p95 over fine-tuned p95) with a
 * percentile-bootstrap interval over questions. Questions are resampled in pairs, so a question
 * that is slow for both stays slow for both; percentiles are nearest-rank, as in the summaries.
 */
import { nearestRank } from '../metrics/percentiles.js';
import { percentileInterval, resolveBootstrapOptions, type BootstrapOptions } from './bootstrap.js';
import { deriveSeed, mulberry32 } from './rng.js';

export interface RatioCI {
  /** Percentile, 0..100. */
  p: number;
  /** percentile(b) / percentile(a) on the whole sample; Infinity when a's percentile is 0. */
  ratio: number;
  lo: number;
  hi: number;
}

const percentileOf = (values: Float64Array, p: number) => nearestRank(Float64Array.from(values).sort(), p);

/**
 * `a[i]` and `b[i]` are the same question's latencies under two pipelines. One interval per
 * percentile in `ps`, all from the same resampled questions.
 */
export function pairedPercentileRatioCIs(a: ArrayLike<number>, b: ArrayLike<number>, ps: readonly number[], opts: BootstrapOptions = {}): RatioCI[] {
  const { resamples, seed, level } = resolveBootstrapOptions(opts);
  const n = a.length;
  if (b.length !== n) throw new RangeError(`paired samples differ in length (${n} vs ${b.length})`);
  if (n === 0) throw new RangeError('cannot bootstrap an empty sample');
  const xa = Float64Array.from(a);
  const xb = Float64Array.from(b);
  const draws = ps.map(() => new Float64Array(resamples));
  const ra = new Float64Array(n);
  const rb = new Float64Array(n);
  const rand = mulberry32(deriveSeed(seed, `percentile-ratio:${n}`));
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < n; i++) {
      const j = Math.floor(rand() * n);
      ra[i] = xa[j]!;
      rb[i] = xb[j]!;
    }
    ra.sort();
    rb.sort();
    ps.forEach((p, k) => (draws[k]![r] = nearestRank(rb, p) / nearestRank(ra, p)));
  }
  return ps.map((p, k) => ({ p, ratio: percentileOf(xb, p) / percentileOf(xa, p), ...percentileInterval(draws[k]!, level) }));
}
