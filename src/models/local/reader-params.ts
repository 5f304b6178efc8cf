/** The shape of the reader's learned parameters (the values: reader-model.ts, written by scripts/train-reader.ts). */
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
  /** In hybrid, the reader's confidence from which its answer overrules a memory answer the context does not state. */
  hybridOverride: number;
  /** P(memory answer is right | reader disagrees, context lacks it) from its softmax probability and the reader's confidence. */
  memory: Logistic;
  /** P(reader's answer is right | memory disagrees, context lacks the memory's) from the same two inputs. */
  readerVsMemory: Logistic;
  /** Where the parameters come from and what they scored on questions held out from fitting. */
  provenance: { trainedOn: string; heldOut: Record<string, number> };
}
