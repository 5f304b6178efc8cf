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
    1.1402,
    -3.8589,
    1.5285,
    5.926,
    4.1858,
    -3.1672,
    -6.4478,
    2.372,
    4.011,
    0.3191,
    0.2141,
    0.2028,
    1.5426,
    -3,
    2.4313,
    -1.1101,
    0,
    0.9843,
    -0.8243,
    -1.3028,
    -1.6487,
    0.3421,
    -0.4047,
    -1.0523,
    7.2544,
    8.6239,
    1.2042,
    0,
    2
  ],
  "bias": 0,
  "calibration": {
    "w": [
      2.7387,
      0.885,
      -2.5243,
      -1.8598,
      1.9344,
      -16.8684
    ],
    "b": 9.305
  },
  "yesNo": {
    "w": [
      4
    ],
    "b": -2.5
  },
  "threshold": 0.55,
  "memory": {
    "w": [
      -0.0621,
      -6.4201
    ],
    "b": 0.3826
  },
  "provenance": {
    "trainedOn": "timeqa:tune, aurelia:all",
    "heldOut": {
      "timeqa:report questions": 207,
      "timeqa:report accuracy": 0.029,
      "timeqa:report abstention": 0.833,
      "timeqa:report ece": 0.13,
      "timeqa:report top1": 0.064
    }
  }
};
