/**
 * Calibration figures for the local models: expected calibration error (ECE) of confidences
 * against outcomes, and logistic regression (used to turn reader features into a probability).
 */

export interface Outcome {
  confidence: number;
  correct: boolean;
}

/**
 * ECE with `bins` equal-width bins over [0, 1]: the share-weighted mean gap between the mean
 * confidence and the accuracy of each bin. 0 = perfectly calibrated; NaN for no outcomes.
 */
export function expectedCalibrationError(outcomes: readonly Outcome[], bins = 10): number {
  if (outcomes.length === 0) return NaN;
  const sum = new Float64Array(bins);
  const right = new Float64Array(bins);
  const count = new Float64Array(bins);
  for (const o of outcomes) {
    const b = Math.min(bins - 1, Math.max(0, Math.floor(o.confidence * bins)));
    sum[b]! += o.confidence;
    right[b]! += o.correct ? 1 : 0;
    count[b]! += 1;
  }
  let ece = 0;
  for (let b = 0; b < bins; b++) if (count[b]! > 0) ece += Math.abs(sum[b]! - right[b]!) / outcomes.length;
  return ece;
}

export const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** Weights and bias of a logistic model: p = sigmoid(w . x + b). */
export interface Logistic {
  w: number[];
  b: number;
}

export function predictLogistic(m: Logistic, x: readonly number[]): number {
  let z = m.b;
  for (let i = 0; i < m.w.length; i++) z += m.w[i]! * (x[i] ?? 0);
  return sigmoid(z);
}

/**
 * Fits a logistic model by full-batch gradient descent with L2 regularisation (`l2`, not on the
 * bias). Deterministic: fixed order, fixed iterations, float64.
 */
export function fitLogistic(xs: readonly (readonly number[])[], ys: readonly boolean[], opts: { iterations?: number; rate?: number; l2?: number } = {}): Logistic {
  const { iterations = 2000, rate = 0.5, l2 = 1e-3 } = opts;
  const d = xs[0]?.length ?? 0;
  const w = new Array<number>(d).fill(0);
  let b = 0;
  const n = xs.length;
  if (n === 0) return { w, b };
  const gw = new Float64Array(d);
  for (let it = 0; it < iterations; it++) {
    gw.fill(0);
    let gb = 0;
    for (let i = 0; i < n; i++) {
      const err = predictLogistic({ w, b }, xs[i]!) - (ys[i] ? 1 : 0);
      for (let j = 0; j < d; j++) gw[j]! += err * xs[i]![j]!;
      gb += err;
    }
    for (let j = 0; j < d; j++) w[j]! -= rate * (gw[j]! / n + l2 * w[j]!);
    b -= (rate * gb) / n;
  }
  return { w, b };
}
