import { describe, expect, it } from 'vitest';
import { combine } from './answer.js';
import type { ReaderResult } from './reader.js';
import { READER_MODEL, type ReaderModel } from './reader-model.js';

/** A reader's answer that the memory contradicts, the context not stating the memory's answer. */
const reading = (confidence: number): ReaderResult => ({ answer: 'Gaetano Ventimiglia', confidence, type: 'PERSON', best: 'Gaetano Ventimiglia' });
const known = { answer: 'Marco Giampaolo', probability: 0.95 };
/** Memory right half the time in a disagreement; the reader as often as `readerVsMemory` says. */
const withReaderOdds = (b: number): ReaderModel => ({ ...READER_MODEL, hybridOverride: 0.5, memory: { w: [0, 0], b: 0 }, readerVsMemory: { w: [0, 0], b } });

describe('hybrid combination (reader vs memory)', () => {
  it('keeps the memory when the reader, though confident, is less often right in a disagreement', () => {
    // Old rule: a reader confidence of 0.9 beat the memory's 0.5 outright.
    expect(combine(reading(0.9), [], known, withReaderOdds(-2))).toMatchObject({ text: 'Marco Giampaolo', source: 'memory', confidence: 0.5 });
  });

  it('lets the reader overrule when it is more often right, with its recalibrated confidence', () => {
    const r = combine(reading(0.9), [], known, withReaderOdds(2));
    expect(r).toMatchObject({ text: 'Gaetano Ventimiglia', source: 'reader' });
    expect(r.confidence).toBeCloseTo(1 / (1 + Math.exp(-2)), 6);
  });

  it('keeps the memory below the override bar whatever the odds', () => {
    expect(combine(reading(0.4), [], known, withReaderOdds(2)).source).toBe('memory');
  });
});
