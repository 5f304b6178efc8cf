import { describe, expect, it } from 'vitest';
import { expectedCalibrationError, fitLogistic, fitSoftmaxRanker, predictLogistic } from './calibration.js';

describe('expectedCalibrationError', () => {
  it('is 0 for confidences that match the accuracy of their bin, and the weighted gap otherwise', () => {
    const calibrated = [0.85, 0.85, 0.85, 0.85].map((confidence, i) => ({ confidence, correct: i < 3 }));
    expect(expectedCalibrationError(calibrated)).toBeCloseTo(0.1); // bin [0.8, 0.9): conf 0.85, accuracy 0.75
    const overconfident = [{ confidence: 0.95, correct: false }, { confidence: 0.95, correct: true }];
    expect(expectedCalibrationError(overconfident)).toBeCloseTo(0.45);
    expect(expectedCalibrationError([{ confidence: 0.25, correct: false }, { confidence: 0.75, correct: true }])).toBeCloseTo(0.25);
    expect(expectedCalibrationError([])).toBeNaN();
  });
});

describe('fitLogistic', () => {
  it('learns the direction of a feature, whatever its scale, deterministically', () => {
    const xs = Array.from({ length: 40 }, (_, i) => [i * 100, (i * 7) % 3]);
    const ys = xs.map(([a]) => a! >= 2000);
    const m = fitLogistic(xs, ys);
    expect(predictLogistic(m, [3500, 1])).toBeGreaterThan(0.9);
    expect(predictLogistic(m, [500, 1])).toBeLessThan(0.1);
    expect(fitLogistic(xs, ys)).toEqual(m);
  });

  it('weighs samples', () => {
    const xs = [[1], [1]];
    const lean = fitLogistic(xs, [true, false], { sampleWeights: [3, 1] });
    expect(predictLogistic(lean, [1])).toBeCloseTo(0.75, 1);
  });
});

describe('fitSoftmaxRanker', () => {
  it('ranks the right candidate of each group first', () => {
    // Feature 0 marks the right candidate; feature 1 is noise that is high on a wrong one.
    const groups = [
      { xs: [[1, 0], [0, 1], [0, 0.5]], ys: [true, false, false] },
      { xs: [[0, 1], [1, 0.2]], ys: [false, true] },
      { xs: [[0, 0], [0, 1]], ys: [false, false] }, // no right candidate: no signal
    ];
    const { w } = fitSoftmaxRanker(groups);
    expect(w[0]).toBeGreaterThan(w[1]!);
    for (const g of groups.slice(0, 2)) {
      const scores = g.xs.map((x) => x[0]! * w[0]! + x[1]! * w[1]!);
      expect(g.ys[scores.indexOf(Math.max(...scores))]).toBe(true);
    }
  });
});
