import { describe, expect, it } from 'vitest';
import { percentiles } from '../metrics/percentiles.js';
import { pairedPercentileRatioCIs } from './quantile-ratio.js';
import { mulberry32 } from './rng.js';

/** Log-normal latencies (median `median`), as real ones are skewed. */
function lognormal(n: number, median: number, seed: number): number[] {
  const r = mulberry32(seed);
  return Array.from({ length: n }, () => median * Math.exp(Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r())));
}

describe('pairedPercentileRatioCIs', () => {
  it('gives the ratio of the nearest-rank percentiles the summaries report', () => {
    const a = lognormal(101, 100, 1);
    const b = lognormal(101, 180, 2);
    const [p50, p95] = pairedPercentileRatioCIs(a, b, [50, 95], { resamples: 200 });
    expect(p50!.ratio).toBeCloseTo(percentiles(b)!.p50 / percentiles(a)!.p50, 2);
    expect(p95!.ratio).toBeCloseTo(percentiles(b)!.p95 / percentiles(a)!.p95, 2);
    expect(p50!.lo).toBeLessThanOrEqual(p50!.ratio);
    expect(p50!.hi).toBeGreaterThanOrEqual(p50!.ratio);
  });

  it('keeps questions paired: b = 2a gives exactly 2 in every resample', () => {
    const a = lognormal(80, 50, 3);
    const [r] = pairedPercentileRatioCIs(a, a.map((x) => 2 * x), [50]);
    expect(r).toEqual({ p: 50, ratio: 2, lo: 2, hi: 2 });
  });

  it('covers the true ratio of medians in about 95% of simulated samples', () => {
    let covered = 0;
    const trials = 100;
    for (let t = 0; t < trials; t++) {
      const [r] = pairedPercentileRatioCIs(lognormal(200, 100, 10 + t), lognormal(200, 150, 1000 + t), [50], { seed: t, resamples: 400 });
      if (r!.lo <= 1.5 && 1.5 <= r!.hi) covered++;
    }
    expect(covered / trials).toBeGreaterThanOrEqual(0.85);
    expect(covered / trials).toBeLessThanOrEqual(1);
  });

  it('is deterministic per seed and refuses unpaired or empty samples', () => {
    const a = lognormal(60, 10, 4);
    const b = lognormal(60, 12, 5);
    expect(pairedPercentileRatioCIs(a, b, [95], { seed: 9 })).toEqual(pairedPercentileRatioCIs(a, b, [95], { seed: 9 }));
    expect(pairedPercentileRatioCIs(a, b, [95], { seed: 9 })).not.toEqual(pairedPercentileRatioCIs(a, b, [95], { seed: 10 }));
    expect(() => pairedPercentileRatioCIs(a, b.slice(1), [50])).toThrow(RangeError);
    expect(() => pairedPercentileRatioCIs([], [], [50])).toThrow(RangeError);
  });
});
