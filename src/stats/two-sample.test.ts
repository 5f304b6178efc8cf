import { describe, expect, it } from 'vitest';
import { pairedBootstrapDiffCI } from './bootstrap.js';
import { mulberry32 } from './rng.js';
import { independentDiffCI } from './two-sample.js';

const bernoulli = (n: number, p: number, seed: number) => {
  const r = mulberry32(seed);
  return Array.from({ length: n }, () => (r() < p ? 1 : 0));
};

describe('independentDiffCI', () => {
  it('covers the true difference in about 95% of simulated samples', () => {
    let covered = 0;
    const trials = 200;
    for (let t = 0; t < trials; t++) {
      const ci = independentDiffCI(bernoulli(120, 0.4, t), bernoulli(80, 0.7, 500 + t), { seed: t, resamples: 500 });
      if (ci.lo <= 0.3 && 0.3 <= ci.hi) covered++;
    }
    expect(covered / trials).toBeGreaterThanOrEqual(0.9);
    expect(covered / trials).toBeLessThanOrEqual(0.99);
  });

  it('resamples equally large samples independently (a paired bootstrap would give [0, 0])', () => {
    const a = bernoulli(100, 0.5, 1);
    expect(pairedBootstrapDiffCI(a, a)).toEqual({ diff: 0, lo: 0, hi: 0 });
    const ci = independentDiffCI(a, [...a]);
    expect(ci.diff).toBe(0);
    expect(ci.lo).toBeLessThan(-0.05);
    expect(ci.hi).toBeGreaterThan(0.05);
  });

  it('rejects an empty sample', () => {
    expect(() => independentDiffCI([], [1])).toThrow(RangeError);
  });
});
