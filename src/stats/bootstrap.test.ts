import { describe, expect, it } from 'vitest';
import { bootstrapMeanCI, excludesZero, pairedBootstrapDiffCI, quantileSorted } from './bootstrap.js';
import { deriveSeed, mulberry32 } from './rng.js';

describe('mulberry32', () => {
  it('is reproducible and uniform enough', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const xs = Array.from({ length: 10_000 }, () => a());
    expect(xs.slice(0, 5)).toEqual(Array.from({ length: 5 }, () => b()));
    const m = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(m).toBeGreaterThan(0.48);
    expect(m).toBeLessThan(0.52);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
  });
});

describe('bootstrapMeanCI', () => {
  it('covers the true mean in about 95% of seeded simulated samples', () => {
    // 200 samples of n = 100 Bernoulli(0.7): a 95% interval should cover 0.7 about 190 times.
    const draw = mulberry32(12345);
    let covered = 0;
    const trials = 200;
    for (let t = 0; t < trials; t++) {
      const sample = Array.from({ length: 100 }, () => (draw() < 0.7 ? 1 : 0));
      const ci = bootstrapMeanCI(sample, { seed: t, resamples: 1000 });
      if (ci.lo <= 0.7 && 0.7 <= ci.hi) covered++;
    }
    expect(covered / trials).toBeGreaterThanOrEqual(0.9);
    expect(covered / trials).toBeLessThanOrEqual(0.99);
  });

  it('returns the sample mean inside its interval, deterministically per seed', () => {
    const values = [0, 1, 1, 0.5, 0.25, 1, 0, 1];
    const a = bootstrapMeanCI(values, { seed: 7 });
    const b = bootstrapMeanCI(values, { seed: 7 });
    expect(a).toEqual(b);
    expect(a.mean).toBeCloseTo(0.59375, 12);
    expect(a.lo).toBeLessThanOrEqual(a.mean);
    expect(a.hi).toBeGreaterThanOrEqual(a.mean);
    expect(bootstrapMeanCI(values, { seed: 8 })).not.toEqual(a);
  });

  it('gives a degenerate interval for a constant sample and rejects an empty one', () => {
    expect(bootstrapMeanCI([1, 1, 1])).toEqual({ mean: 1, lo: 1, hi: 1 });
    expect(() => bootstrapMeanCI([])).toThrow(RangeError);
  });

  it('narrows with a higher sample size and widens with a higher level', () => {
    const draw = mulberry32(3);
    const small = Array.from({ length: 50 }, () => (draw() < 0.5 ? 1 : 0));
    const large = Array.from({ length: 2000 }, () => (draw() < 0.5 ? 1 : 0));
    const w = (ci: { lo: number; hi: number }) => ci.hi - ci.lo;
    expect(w(bootstrapMeanCI(large))).toBeLessThan(w(bootstrapMeanCI(small)));
    expect(w(bootstrapMeanCI(small, { level: 0.99 }))).toBeGreaterThan(w(bootstrapMeanCI(small, { level: 0.8 })));
  });
});

describe('pairedBootstrapDiffCI', () => {
  const draw = mulberry32(99);
  const a = Array.from({ length: 300 }, (): number => (draw() < 0.6 ? 1 : 0));

  it('is deterministic for a seed', () => {
    const b = a.map((x, i) => (i % 10 === 0 ? 1 - x : x));
    const first = pairedBootstrapDiffCI(a, b, { seed: 5 });
    expect(pairedBootstrapDiffCI(a, b, { seed: 5 })).toEqual(first);
    expect(first.diff).toBeCloseTo(b.reduce((s, x) => s + x, 0) / 300 - a.reduce((s, x) => s + x, 0) / 300, 12);
  });

  it('is exactly zero for identical samples and detects a planted drop', () => {
    expect(pairedBootstrapDiffCI(a, a)).toEqual({ diff: 0, lo: 0, hi: 0 });
    // Turn a third of the right answers wrong: a clear, significant drop.
    let k = 0;
    const worse = a.map((x) => (x === 1 && k++ % 3 === 0 ? 0 : x));
    const ci = pairedBootstrapDiffCI(a, worse);
    expect(ci.diff).toBeLessThan(-0.15);
    expect(ci.hi).toBeLessThan(0);
    expect(excludesZero(ci)).toBe(true);
  });

  it('is far narrower than an unpaired comparison would be', () => {
    // Paired data with a small consistent shift: pairing removes the between-question variance.
    const x = Array.from({ length: 200 }, (_, i) => (i % 7) / 7);
    const y = x.map((v, i) => Math.min(1, v + (i % 4 === 0 ? 0.1 : 0)));
    const ci = pairedBootstrapDiffCI(x, y);
    expect(ci.lo).toBeGreaterThan(0);
  });

  it('rejects samples of different lengths', () => {
    expect(() => pairedBootstrapDiffCI([1, 0], [1])).toThrow(RangeError);
  });
});

describe('quantileSorted', () => {
  it('interpolates linearly (R type 7)', () => {
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantileSorted([1, 2, 3, 4], 0)).toBe(1);
    expect(quantileSorted([1, 2, 3, 4], 1)).toBe(4);
    expect(quantileSorted([10], 0.025)).toBe(10);
  });
});

describe('bootstrapMeans', () => {
  /** Plain resampling: mulberry32 seeded by (seed, n), every column drawn and summed. */
  const reference = (values: number[], seed: number, resamples: number) => {
    const next = mulberry32(deriveSeed(seed, values.length));
    return Array.from({ length: resamples }, () => {
      let s = 0;
      for (let i = 0; i < values.length; i++) s += values[Math.floor(next() * values.length)]!;
      return s / values.length;
    });
  };

  it('draws with mulberry32 seeded by (seed, n), like a plain reference implementation', async () => {
    const { bootstrapMeans } = await import('./bootstrap.js');
    const values = [0.1, 0.9, 0.4, 0.7, 0.2];
    expect(Array.from(bootstrapMeans([values], { seed: 11, resamples: 50 })[0]!)).toEqual(reference(values, 11, 50));
  });

  it('gives repeated and constant columns, which it does not resample, exactly the means resampling them gives', async () => {
    const { bootstrapMeans } = await import('./bootstrap.js');
    const draw = mulberry32(9);
    const x = Array.from({ length: 300 }, () => (draw() < 0.4 ? 1 : 0));
    const y = Array.from({ length: 300 }, () => draw());
    const columns = [x, [...y], new Array(300).fill(0), [...x], y, new Array(300).fill(0.1), new Array(300).fill(-1)];
    const together = bootstrapMeans(columns, { seed: 5, resamples: 200 });
    columns.forEach((col, c) => expect(Array.from(together[c]!), `column ${c}`).toEqual(reference(col, 5, 200)));
    // A constant column's means are the sum of its value, n times, over n (0.1 summed is not exactly 300 * 0.1).
    expect(together[5]!.every((m) => m === together[5]![0])).toBe(true);
  });
});

describe('BootstrapBatch', () => {
  it('gives exactly the intervals of the one-at-a-time functions', async () => {
    const { BootstrapBatch } = await import('./bootstrap.js');
    const draw = mulberry32(4);
    const x = Array.from({ length: 120 }, () => draw());
    const y = Array.from({ length: 120 }, () => draw());
    const z = Array.from({ length: 37 }, () => draw());
    const batch = new BootstrapBatch({ seed: 3 });
    const mx = batch.mean(x);
    const dz = batch.diff(x, y);
    const mz = batch.mean(z);
    // A constant column (an unchanged pipeline's differences) is settled at once, and not kept.
    const flat = new Array(120).fill(0.1);
    const mc = batch.mean(flat);
    const dc = batch.diff(x, x);
    expect(mc.lo).toBe(mc.hi);
    expect(Number.isNaN(mx.lo)).toBe(true);
    batch.run();
    expect(mc).toEqual(bootstrapMeanCI(flat, { seed: 3 }));
    expect(dc).toEqual(pairedBootstrapDiffCI(x, x, { seed: 3 }));
    expect(mx).toEqual(bootstrapMeanCI(x, { seed: 3 }));
    expect(dz).toEqual(pairedBootstrapDiffCI(x, y, { seed: 3 }));
    expect(mz).toEqual(bootstrapMeanCI(z, { seed: 3 }));
  });
});
