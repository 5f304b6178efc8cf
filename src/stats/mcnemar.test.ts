import { describe, expect, it } from 'vitest';
import { logBinomialLowerTailHalf, mcnemarExact } from './mcnemar.js';

/** Exact reference with BigInt: 2 * sum_{i<=k} C(n,i) / 2^n, as a decimal with 30 digits. */
function exactReference(b: number, c: number): number {
  const n = BigInt(b + c);
  const k = BigInt(Math.min(b, c));
  let term = 1n;
  let sum = 0n;
  for (let i = 0n; i <= k; i++) {
    sum += term;
    term = (term * (n - i)) / (i + 1n);
  }
  const scale = 10n ** 30n;
  const p = Number((2n * sum * scale) / 2n ** n) / 1e30;
  return Math.min(1, p);
}

describe('mcnemarExact', () => {
  it('matches the textbook example (Fagerland, Lydersen & Laake 2013)', () => {
    // Fagerland MW, Lydersen S, Laake P. "The McNemar test for binary matched-pairs data: mid-p and
    // asymptotic are better than exact conditional." BMC Med Res Methodol 2013;13:91, Table 1:
    // airway hyper-responsiveness before/after stem cell transplantation in 21 children (Bentur et
    // al.), discordant pairs n12 = 1, n21 = 7. Exact conditional p = 2 * binomcdf(1, 8, 0.5)
    // = 2 * 9/256 = 0.0703125 (reported as 0.070).
    const r = mcnemarExact(1, 7);
    expect(r.pValue).toBeCloseTo(0.0703125, 12);
    expect(mcnemarExact(7, 1).pValue).toBeCloseTo(0.0703125, 12);
  });

  it('gives p = 1 without discordant pairs or with b = c', () => {
    expect(mcnemarExact(0, 0).pValue).toBe(1);
    expect(mcnemarExact(5, 5).pValue).toBe(1);
    // b = 4, c = 5: twice the lower tail exceeds 1 and is capped.
    expect(mcnemarExact(4, 5).pValue).toBe(1);
  });

  it('handles small tables exactly', () => {
    // 0 vs 6: 2 * 0.5^6 = 0.03125.
    expect(mcnemarExact(0, 6).pValue).toBeCloseTo(0.03125, 14);
    // 6 vs 16 (n = 22): 2 * 110056 / 2^22.
    expect(mcnemarExact(6, 16).pValue).toBeCloseTo((2 * 110056) / 4194304, 14);
  });

  it('stays accurate for thousands of discordant pairs (where 0.5^n underflows)', () => {
    for (const [b, c] of [
      [480, 520],
      [1000, 1100],
      [1500, 1600],
      [900, 1200],
    ] as const) {
      const p = mcnemarExact(b, c).pValue;
      const ref = exactReference(b, c);
      expect(p).toBeGreaterThan(0);
      expect(Math.abs(p - ref) / ref).toBeLessThan(1e-9);
    }
    // Extreme imbalance: finite, positive log tail rather than log(0).
    expect(Number.isFinite(logBinomialLowerTailHalf(10, 5000))).toBe(true);
  });

  it('rejects invalid counts', () => {
    expect(() => mcnemarExact(-1, 2)).toThrow(RangeError);
    expect(() => mcnemarExact(1.5, 2)).toThrow(RangeError);
  });
});
