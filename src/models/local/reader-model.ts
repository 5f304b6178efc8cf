/**
 * The reader's learned parameters, written by scripts/train-reader.ts (do not edit by hand):
 * candidate-scorer weights, calibration, answer threshold and the memory's calibration for hybrid.
 * `provenance` names the questions they were fitted on and the figures on questions held out.
 * The yes/no calibration is hand-set (no training set has yes/no questions).
 */
import type { Logistic } from './calibration.js';

export interface ReaderModel {
  /** Feature names, in the order of `weights` (reader.ts FEATURES). */
  features: readonly string[];
  weights: number[];
  bias: number;
  /** P(best candidate is right) from confidenceFeatures(best score, margin). */
  calibration: Logistic;
  /** P(yes/no answer is right) from the best unit's coverage. */
  yesNo: Logistic;
  /** Answer when the calibrated probability reaches this, else abstain. */
  threshold: number;
  /** P(memory answer is right | reader disagrees, context lacks it) from its softmax probability and the reader's confidence. */
  memory: Logistic;
  /** Where the parameters come from and what they scored on questions held out from fitting. */
  provenance: { trainedOn: string; heldOut: Record<string, number> };
}

export const READER_MODEL: ReaderModel = {
  "features": [
    "entity",
    "attribute",
    "support",
    "window",
    "fit",
    "proximity",
    "inQuestion",
    "timeIn",
    "timeBefore",
    "timeAfter",
    "timeRecent",
    "repeated",
    "rank",
    "stale",
    "heading",
    "listItem",
    "anyType",
    "name",
    "adjectival",
    "tiny",
    "single",
    "unitRank",
    "bestFitInUnit",
    "windowFit",
    "timeList",
    "product",
    "copula",
    "stated",
    "ofKind"
  ],
  "weights": [
    1.1083,
    -3.719,
    1.5462,
    5.8779,
    4.1871,
    -3.104,
    -6.3102,
    2.2848,
    3.8149,
    0.3397,
    0.3062,
    0.1939,
    1.6574,
    -3,
    2.4379,
    -1.0131,
    0,
    0.9712,
    -0.8867,
    -1.2704,
    -1.6179,
    0.3046,
    -0.4,
    -1.1196,
    7.104,
    8.3498,
    1.189,
    0,
    2
  ],
  "bias": 0,
  "calibration": {
    "w": [
      3.8489,
      0.8358,
      -4.2452,
      -0.6753,
      1.3878,
      -18.2107
    ],
    "b": 10.0405
  },
  "yesNo": {
    "w": [
      4
    ],
    "b": -2.5
  },
  "threshold": 0.4,
  "memory": {
    "w": [
      -1.7362,
      -4.5396
    ],
    "b": 1.6126
  },
  "provenance": {
    "trainedOn": "timeqa:tune, aurelia:all",
    "heldOut": {
      "timeqa:report questions": 207,
      "timeqa:report accuracy": 0.041,
      "timeqa:report abstention": 0.861,
      "timeqa:report ece": 0.135,
      "timeqa:report top1": 0.07
    }
  }
};
