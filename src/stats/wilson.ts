/**
 * Wilson score interval of a proportion. Unlike a bootstrap of a few 0/1 values, which collapses
 * to [1, 1] when all of them are 1, it stays honest for small samples and rates at 0 or 1 (6 of 6
 * leaked: [0.61, 1] at 95%), which is what counts of restricted questions are.
 */
import { alphaFor } from './bootstrap.js';

/** Standard normal quantile (Acklam's rational approximation, relative error below 1.2e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile needs 0 < p < 1 (got ${p})`);
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const tail = (q: number) => (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  if (p < 0.02425) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - 0.02425) return -tail(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}

/** `successes` of `n` as a rate with its two-sided Wilson interval at `level`. */
export function wilsonInterval(successes: number, n: number, level = 0.95): { rate: number; lo: number; hi: number } {
  if (!Number.isInteger(n) || n < 1 || successes < 0 || successes > n) throw new RangeError(`wilsonInterval needs 0 <= successes <= n, n >= 1 (got ${successes} of ${n})`);
  const z = normalQuantile(1 - alphaFor(level) / 2);
  const p = successes / n;
  const z2n = (z * z) / n;
  const centre = (p + z2n / 2) / (1 + z2n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2n / (4 * n))) / (1 + z2n);
  // Exact at the ends: the rounding of centre ± half must not push 0 of n above 0 or n of n below 1.
  return { rate: p, lo: successes === 0 ? 0 : Math.max(0, centre - half), hi: successes === n ? 1 : Math.min(1, centre + half) };
}
