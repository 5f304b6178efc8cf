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
 * Fits a logistic model by full-batch gradient descent on the (sample-weighted) log loss with L2
 * regularisation (`l2`, not on the bias). Deterministic: fixed order, fixed iterations, float64.
 */
export function fitLogistic(
  xs: readonly (readonly number[])[],
  ys: readonly boolean[],
  opts: { iterations?: number; rate?: number; l2?: number; sampleWeights?: readonly number[] } = {},
): Logistic {
  const { iterations = 2000, rate = 0.5, l2 = 1e-3, sampleWeights } = opts;
  const d = xs[0]?.length ?? 0;
  const n = xs.length;
  if (n === 0) return { w: new Array<number>(d).fill(0), b: 0 };
  const sw = sampleWeights ?? new Array<number>(n).fill(1);
  const total = sw.reduce((a, x) => a + x, 0);
  // Fitted on standardised features (so one step size suits features of any scale), then mapped back.
  const mean = Array.from({ length: d }, (_, j) => xs.reduce((a, x, i) => a + sw[i]! * x[j]!, 0) / total);
  const sd = Array.from({ length: d }, (_, j) => Math.sqrt(xs.reduce((a, x, i) => a + sw[i]! * (x[j]! - mean[j]!) ** 2, 0) / total) || 1);
  const zs = xs.map((x) => x.map((v, j) => (v - mean[j]!) / sd[j]!));
  const fit = gradientDescent(zs, ys, sw, total, iterations, rate, l2);
  const w = fit.w.map((v, j) => v / sd[j]!);
  return { w, b: fit.b - w.reduce((a, v, j) => a + v * mean[j]!, 0) };
}

function gradientDescent(xs: number[][], ys: readonly boolean[], sw: readonly number[], total: number, iterations: number, rate: number, l2: number): Logistic {
  const d = xs[0]!.length;
  const n = xs.length;
  const w = new Array<number>(d).fill(0);
  let b = 0;
  const gw = new Float64Array(d);
  for (let it = 0; it < iterations; it++) {
    gw.fill(0);
    let gb = 0;
    for (let i = 0; i < n; i++) {
      const err = sw[i]! * (predictLogistic({ w, b }, xs[i]!) - (ys[i] ? 1 : 0));
      for (let j = 0; j < d; j++) gw[j]! += err * xs[i]![j]!;
      gb += err;
    }
    for (let j = 0; j < d; j++) w[j]! -= rate * (gw[j]! / total + l2 * w[j]!);
    b -= (rate * gb) / total;
  }
  return { w, b };
}

/**
 * Fits a linear scorer by listwise softmax regression (conditional logit): for each group (the
 * candidates of one question), maximise the softmax probability of its right candidates. Groups
 * without a right candidate carry no signal and are skipped. `groupWeights` weigh the groups'
 * losses. L2 on the weights; the bias cancels in a softmax and stays 0. Deterministic.
 */
export function fitSoftmaxRanker(
  groups: readonly { xs: readonly (readonly number[])[]; ys: readonly boolean[]; weight?: number }[],
  opts: { iterations?: number; rate?: number; l2?: number } = {},
): Logistic {
  const { iterations = 500, rate = 1, l2 = 1e-3 } = opts;
  const useful = groups.filter((g) => g.ys.some(Boolean) && g.ys.some((y) => !y));
  const d = useful[0]?.xs[0]?.length ?? 0;
  const w = new Array<number>(d).fill(0);
  const total = useful.reduce((a, g) => a + (g.weight ?? 1), 0);
  if (total === 0) return { w, b: 0 };
  const gw = new Float64Array(d);
  for (let it = 0; it < iterations; it++) {
    gw.fill(0);
    for (const g of useful) {
      const s = g.xs.map((x) => x.reduce((a, v, j) => a + v * w[j]!, 0));
      const max = Math.max(...s);
      const e = s.map((v) => Math.exp(v - max));
      const all = e.reduce((a, v) => a + v, 0);
      const pos = e.reduce((a, v, i) => a + (g.ys[i] ? v : 0), 0);
      const gwt = (g.weight ?? 1) / total;
      // d(-log(pos/all))/ds_i = e_i/all - [y_i] e_i/pos
      g.xs.forEach((x, i) => {
        const coef = gwt * (e[i]! / all - (g.ys[i] ? e[i]! / pos : 0));
        for (let j = 0; j < d; j++) gw[j]! += coef * x[j]!;
      });
    }
    for (let j = 0; j < d; j++) w[j]! -= rate * (gw[j]! + l2 * w[j]!);
  }
  return { w, b: 0 };
}
