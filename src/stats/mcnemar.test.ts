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

  it('equals an independent exact two-sided binomial p on the grid b, c in 0..12 and at large counts', () => {
    // Reference computed from scratch with exact rationals: C(n, i) by Pascal's triangle in BigInt,
    // p = min(1, 2 * sum_{i <= min(b, c)} C(n, i) / 2^n), and p = 1 when b = c. No code shared with
    // mcnemar.ts, so a wrong tie boundary (|b - c| <= 2 instead of <= 1) or an off-by-one in the tail fails here.
    const pascal: bigint[][] = [[1n]];
    const binom = (n: number, i: number): bigint => {
      for (let m = pascal.length; m <= n; m++) {
        const prev = pascal[m - 1]!;
        pascal.push(Array.from({ length: m + 1 }, (_, j) => (j === 0 || j === m ? 1n : prev[j - 1]! + prev[j]!)));
      }
      return pascal[n]![i]!;
    };
    const reference = (b: number, c: number): number => {
      if (b === c) return 1;
      const n = b + c;
      let tail = 0n;
      for (let i = 0; i <= Math.min(b, c); i++) tail += binom(n, i);
      const num = 2n * tail;
      const den = 1n << BigInt(n);
      if (num >= den) return 1;
      // num/den to ~17 significant digits without going through Number(num) / Number(den) overflow.
      const digits = 40n;
      return Number((num * 10n ** digits) / den) / 10 ** Number(digits);
    };
    const cases: [number, number][] = [];
    for (let b = 0; b <= 12; b++) for (let c = 0; c <= 12; c++) cases.push([b, c]);
    cases.push([40, 60], [60, 40], [100, 130], [130, 100], [0, 40], [25, 75], [200, 202], [201, 202]);
    for (const [b, c] of cases) {
      const ref = reference(b, c);
      const { pValue } = mcnemarExact(b, c);
      const where = `b=${b}, c=${c}: got ${pValue}, reference ${ref}`;
      if (ref === 1) expect(pValue, where).toBe(1);
      else expect(Math.abs(pValue - ref) / ref, where).toBeLessThan(1e-12);
      expect(pValue, where).toBeLessThanOrEqual(1);
    }
    // Spot checks of the reference itself: (0, 2) -> 2 * 1/4, (1, 3) -> 2 * 5/16, (2, 2) -> 1.
    expect(reference(0, 2)).toBe(0.5);
    expect(reference(1, 3)).toBe(0.625);
    expect(reference(2, 2)).toBe(1);
  });

  it('rejects invalid counts', () => {
    expect(() => mcnemarExact(-1, 2)).toThrow(RangeError);
    expect(() => mcnemarExact(1.5, 2)).toThrow(RangeError);
  });
});
