/**
 * The reader's learned parameters, written by scripts/train-reader.ts (do not edit by hand):
 * candidate-scorer weights, calibration, answer threshold and the memory's calibration for hybrid.
 * `provenance` names the questions they were fitted on and the figures on questions held out.
 * The yes/no calibration is hand-set (no training set has yes/no questions).
 */
import type { ReaderModel } from './reader-params.js';

export type { ReaderModel };

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
    0.7665,
    -2.3464,
    2.0888,
    3.4753,
    4.1589,
    -2.0847,
    -6.8763,
    2.5853,
    4.1575,
    0.4979,
    0.3794,
    0.3258,
    1.2393,
    -3,
    2.8752,
    -1.423,
    0,
    1.7841,
    -0.5661,
    -1.8394,
    -1.4161,
    0.4542,
    -0.071,
    -0.9105,
    7.8642,
    10.7111,
    1.2658,
    0,
    2
  ],
  "bias": 0,
  "calibration": {
    "w": [
      3.3487,
      -0.1613,
      -3.1859,
      -0.3451,
      5.4617,
      -7.5993
    ],
    "b": 2.7544
  },
  "yesNo": {
    "w": [
      4
    ],
    "b": -2.5
  },
  "threshold": 0.2,
  "hybridOverride": 0.6,
  "memory": {
    "w": [
      0.5423,
      -2.7447
    ],
    "b": -0.189
  },
  "provenance": {
    "trainedOn": "timeqa:tune, aurelia:all, foldoc-qa:tune",
    "heldOut": {
      "timeqa:report questions": 207,
      "timeqa:report accuracy": 0.058,
      "timeqa:report abstention": 0.583,
      "timeqa:report ece": 0.229,
      "timeqa:report top1": 0.076,
      "foldoc-qa:report questions": 65,
      "foldoc-qa:report accuracy": 0.558,
      "foldoc-qa:report abstention": 0.769,
      "foldoc-qa:report ece": 0.142,
      "foldoc-qa:report top1": 0.577
    }
  }
};
