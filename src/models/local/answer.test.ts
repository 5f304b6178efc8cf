/** Which passage a local model's answer is attributed to (what it cites). */
import { describe, expect, it } from 'vitest';
import { combine } from './answer.js';
import { citedText } from './compute.js';
import { READER_MODEL, type ReaderModel } from './reader-model.js';
import { FEATURES, type Candidate, type ReaderResult } from './reader.js';

const candidate = (text: string, passage: number, attribute: number): Candidate => ({
  text,
  x: FEATURES.map((f) => (f === 'attribute' ? attribute : 0)),
  evidence: text,
  passage,
});
const reader = (answer: string | null, passage?: number): ReaderResult => ({ answer, confidence: 0.9, type: 'ANY', passage });

describe('local answers and their passage', () => {
  it("hybrid: the reader's answer keeps its passage; a memory answer the context states cites the passage stating it", () => {
    expect(combine(reader('Morvik', 1), [], undefined)).toMatchObject({ text: 'Morvik', passage: 1 });
    const candidates = [candidate('Morvik', 0, 0.2), candidate('Orsk', 2, 0.5)];
    expect(combine(reader('Morvik', 0), candidates, { answer: 'Orsk', probability: 0.9 })).toMatchObject({ text: 'Orsk', source: 'memory', passage: 2 });
  });

  it('a memory answer the context does not state cites nothing', () => {
    const out = combine(reader(null), [candidate('Morvik', 0, 0.5)], { answer: 'Orsk', probability: 0.9 });
    expect(out).toMatchObject({ text: 'Orsk', source: 'memory' });
    expect(out.passage).toBeUndefined();
  });

  it('citedText names the passage document only when the prompt shows one', () => {
    const prompt = { question: 'Q?', passages: [{ title: 'A', text: 'x', docId: 'doc-a' }, { title: 'B', text: 'y' }] };
    expect(citedText({ text: 'X', source: 'reader', confidence: 1, passage: 0 }, prompt)).toBe('X\nSources: [doc-a]');
    expect(citedText({ text: 'Y', source: 'reader', confidence: 1, passage: 1 }, prompt)).toBe('Y');
    expect(citedText({ text: "I don't know", source: 'abstain', confidence: 0 }, prompt)).toBe("I don't know");
  });
});

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
