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
      3.2644,
      -0.0238,
      -2.3105,
      0.2442,
      3.1928,
      0.0095,
      0.2166,
      1.2584,
      1.5913,
      -2.62
    ],
    "b": -2.5219
  },
  "yesNo": {
    "w": [
      4
    ],
    "b": -2.5
  },
  "threshold": 0.28,
  "hybridOverride": 0.75,
  "memory": {
    "w": [
      3.5571,
      -1.9554
    ],
    "b": -2.3064
  },
  "readerVsMemory": {
    "w": [
      0.6603,
      9.1136
    ],
    "b": -7.1827
  },
  "provenance": {
    "trainedOn": "timeqa:tune, aurelia:all, foldoc-qa:tune, squad-train-sample:tune (candidate scorer kept from a fit on timeqa:tune, aurelia:all, foldoc-qa:tune, squad-train-sample:tune)",
    "heldOut": {
      "timeqa:report questions": 207,
      "timeqa:report accuracy": 0.064,
      "timeqa:report abstention": 0.694,
      "timeqa:report ece": 0.199,
      "timeqa:report top1": 0.117,
      "foldoc-qa:report questions": 65,
      "foldoc-qa:report accuracy": 0.558,
      "foldoc-qa:report abstention": 0.846,
      "foldoc-qa:report ece": 0.109,
      "foldoc-qa:report top1": 0.596,
      "squad-train-sample:report questions": 237,
      "squad-train-sample:report accuracy": 0.164,
      "squad-train-sample:report abstention": 0.881,
      "squad-train-sample:report ece": 0.09,
      "squad-train-sample:report top1": 0.215
    }
  }
};
