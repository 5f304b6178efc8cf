/**
 * McNemar's exact test for paired binary outcomes (e.g. exact-match correctness of two pipelines
 * on the same questions). Only discordant pairs carry information: under the null hypothesis each
 * of the n = b + c discordant pairs is equally likely to go either way, so b ~ Binomial(n, 1/2).
 */
export interface McNemarResult {
  /** Pairs where the first classifier is right and the second wrong. */
  b: number;
  /** Pairs where the first classifier is wrong and the second right. */
  c: number;
  /** Two-sided exact p-value: min(1, 2 * P(X <= min(b, c))), X ~ Binomial(b + c, 1/2). */
  pValue: number;
}

export function mcnemarExact(b: number, c: number): McNemarResult {
  if (!Number.isInteger(b) || !Number.isInteger(c) || b < 0 || c < 0) {
    throw new RangeError(`McNemar counts must be non-negative integers (got b=${b}, c=${c})`);
  }
  const n = b + c;
  // |b - c| <= 1 puts min(b, c) at or above the median: the two-sided p is exactly 1 (returned
  // directly, since the floating-point sum of the tail lands a hair below 0.5).
  if (Math.abs(b - c) <= 1) return { b, c, pValue: 1 };
  const tail = Math.exp(logBinomialLowerTailHalf(Math.min(b, c), n));
  return { b, c, pValue: Math.min(1, 2 * tail) };
}

/**
 * log P(X <= k) for X ~ Binomial(n, 1/2). Summed in log space (log-sum-exp) because 0.5^n
 * underflows to 0 for n > 1074, and discordant counts reach the thousands on big datasets.
 */
export function logBinomialLowerTailHalf(k: number, n: number): number {
  const logTerms = new Float64Array(k + 1);
  // log C(n, 0) * 0.5^n, then C(n, i+1) = C(n, i) * (n - i) / (i + 1).
  let logTerm = -n * Math.LN2;
  let max = -Infinity;
  for (let i = 0; i <= k; i++) {
    logTerms[i] = logTerm;
    if (logTerm > max) max = logTerm;
    logTerm += Math.log(n - i) - Math.log(i + 1);
  }
  let sum = 0;
  for (let i = 0; i <= k; i++) sum += Math.exp(logTerms[i]! - max);
  return max + Math.log(sum);
}
