/**
 * What each local model answers for a parsed prompt.
 *
 * - `reader` (base model): no context -> abstain (it knows nothing of the domain); with context ->
 *   the extractive reader's span, or abstain below READER_THRESHOLD.
 * - fine-tune, no context: the memory's top class if its probability reaches MEMORY_THRESHOLD,
 *   else abstain.
 * - fine-tune with context (hybrid): each side that clears its own threshold proposes an answer
 *   with a calibrated confidence, and the more confident one wins (ties go to the reader, whose
 *   evidence is in front of the model); if neither clears its threshold, abstain.
 *   Calibration: the memory's softmax probability is used as is. The reader's coverage score is
 *   not a probability: mapped linearly from [READER_THRESHOLD, 1] onto [READER_FLOOR, 1].
 *   So the memory overrides a reader that answers only when it is very sure and the reader's
 *   evidence is thin; a memory trained before a fact changed then answers the stale value.
 */
import { MEMORY_THRESHOLD, type Memory } from './memory.js';
import type { ParsedPrompt } from './prompt.js';
import { READER_THRESHOLD, read } from './reader.js';

/** The exact abstention the pipelines' system prompt asks for. */
export const IDK = "I don't know";

/**
 * Calibrated confidence of the reader at its threshold. On the example fixture (BM25 top-5
 * contexts) every answer it gave at coverage >= READER_THRESHOLD was right, in every confidence
 * band; 0.9 keeps a margin for unseen corpora.
 */
export const READER_FLOOR = 0.9;

export interface LocalAnswer {
  text: string;
  source: 'reader' | 'memory' | 'abstain';
  /** Calibrated for `reader` in hybrid; raw otherwise. */
  confidence: number;
}

const isAbstention = (s: string) => /^i (do not|don'?t|don’t) know\.?$/i.test(s.trim());

export function answerWithReader(p: ParsedPrompt): LocalAnswer {
  const r = read(p);
  return r.answer ? { text: r.answer, source: 'reader', confidence: r.confidence } : { text: IDK, source: 'abstain', confidence: r.confidence };
}

/** The reader's coverage as a calibrated probability (see READER_FLOOR). */
export function calibratedReaderConfidence(coverage: number): number {
  if (coverage < READER_THRESHOLD) return 0;
  return READER_FLOOR + ((1 - READER_FLOOR) * (coverage - READER_THRESHOLD)) / (1 - READER_THRESHOLD);
}

export function answerWithMemory(p: ParsedPrompt, memory: Memory): LocalAnswer {
  const m = memory.predict(p.question);
  const fromMemory = m && m.probability >= MEMORY_THRESHOLD && !isAbstention(m.answer) ? { text: m.answer, confidence: m.probability } : undefined;
  const reader = p.passages.length ? read(p) : undefined;
  const fromReader = reader?.answer ? { text: reader.answer, confidence: calibratedReaderConfidence(reader.confidence) } : undefined;
  if (fromReader && (!fromMemory || fromReader.confidence >= fromMemory.confidence)) return { ...fromReader, source: 'reader' };
  if (fromMemory) return { ...fromMemory, source: 'memory' };
  return { text: IDK, source: 'abstain', confidence: Math.max(reader?.confidence ?? 0, m?.probability ?? 0) };
}
