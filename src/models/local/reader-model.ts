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
    "ofKind",
    "cover",
    "contextCover"
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
    2,
    0,
    0
  ],
  "bias": 0,
  "calibration": {
    "w": [
      3.7352,
      -0.2058,
      -1.7912,
      0.2736,
      2.1836,
      -0.073,
      0.4033,
      1.2483,
      1.9093,
      -1.9416
    ],
    "b": -2.824
  },
  "yesNo": {
    "w": [
      4
    ],
    "b": -2.5
  },
  "threshold": 0.29,
  "hybridOverride": 0.7,
  "memory": {
    "w": [
      4.4538,
      -0.926
    ],
    "b": -2.9704
  },
  "readerVsMemory": {
    "w": [
      -2.3366,
      8.3658
    ],
    "b": -4.9509
  },
  "provenance": {
    "trainedOn": "timeqa:tune, aurelia:all, foldoc-qa:tune, squad-train-sample:tune",
    "heldOut": {
      "timeqa:report questions": 207,
      "timeqa:report accuracy": 0.064,
      "timeqa:report abstention": 0.694,
      "timeqa:report ece": 0.204,
      "timeqa:report top1": 0.117,
      "foldoc-qa:report questions": 65,
      "foldoc-qa:report accuracy": 0.558,
      "foldoc-qa:report abstention": 0.846,
      "foldoc-qa:report ece": 0.068,
      "foldoc-qa:report top1": 0.596,
      "squad-train-sample:report questions": 237,
      "squad-train-sample:report accuracy": 0.154,
      "squad-train-sample:report abstention": 0.881,
      "squad-train-sample:report ece": 0.093,
      "squad-train-sample:report top1": 0.195
    }
  }
};
