/**
 * What each local model answers for a parsed prompt.
 *
 * - `reader` (base model): no context -> abstain (it knows nothing of the domain); with context ->
 *   the extractive reader's answer, or abstain when its calibrated probability of being right is
 *   below READER_MODEL.threshold.
 * - fine-tune, no context: the memory's top class if its probability reaches MEMORY_THRESHOLD,
 *   else abstain.
 * - fine-tune with context (hybrid): the reader answers from the context and the memory recalls
 *   (when its probability reaches MEMORY_THRESHOLD). Same answer, or only one of them: that one.
 *   Different answers: the memory's when the context states it too (corroborated); else the
 *   reader's if its confidence reaches READER_MODEL.hybridOverride and its probability of being
 *   right in such a disagreement (READER_MODEL.readerVsMemory) is at least the memory's
 *   (READER_MODEL.memory), both from the memory's softmax probability and the reader's confidence
 *   (all fitted by scripts/train-reader.ts), else the memory's. A remembered answer the context
 *   never mentions is often one that has since changed.
 */
import { predictLogistic } from './calibration.js';
import { MEMORY_THRESHOLD, type Memory, type MemoryPrediction } from './memory.js';
import type { ParsedPrompt } from './prompt.js';
import { answerKey, read, readWithCandidates, supportOf, type Candidate, type ReaderResult } from './reader.js';
import { READER_MODEL, type ReaderModel } from './reader-model.js';

/** The exact abstention the pipelines' system prompt asks for. */
export const IDK = "I don't know";

export interface LocalAnswer {
  text: string;
  source: 'reader' | 'memory' | 'abstain';
  /** Calibrated probability that the answer is right (for `abstain`: of the best answer declined); raw softmax for a closed-book memory. */
  confidence: number;
  /** Index of the context passage that states the answer (what the model cites); absent when none does. */
  passage?: number;
}

const isAbstention = (s: string) => /^i (do not|don'?t|don’t) know\.?$/i.test(s.trim());

export function answerWithReader(p: ParsedPrompt): LocalAnswer {
  const r = read(p);
  return r.answer ? { text: r.answer, source: 'reader', confidence: r.confidence, passage: r.passage } : { text: IDK, source: 'abstain', confidence: r.confidence };
}


/**
 * The memory's calibrated probability of being right in hybrid when the reader gives another
 * answer and the context does not contain the memory's (READER_MODEL.memory): from its softmax
 * probability and the reader's confidence in its own answer (0 when the reader abstains).
 */
export function memoryConfidence(probability: number, readerConfidence: number, model: ReaderModel = READER_MODEL): number {
  return predictLogistic(model.memory, [probability, readerConfidence]);
}

export function answerWithMemory(p: ParsedPrompt, memory: Memory): LocalAnswer {
  const m = memory.predict(p.question);
  const known = m && m.probability >= MEMORY_THRESHOLD && !isAbstention(m.answer) ? m : undefined;
  if (p.passages.length === 0) {
    return known ? { text: known.answer, source: 'memory', confidence: known.probability } : { text: IDK, source: 'abstain', confidence: m?.probability ?? 0 };
  }
  const { result, candidates } = readWithCandidates(p);
  return combine(result, candidates, known);
}

/** Hybrid's choice between the reader's result and the memory's known answer (see the file comment). */
export function combine(reader: ReaderResult, candidates: readonly Candidate[], known: MemoryPrediction | undefined, model: ReaderModel = READER_MODEL): LocalAnswer {
  const fromReader: LocalAnswer | null = reader.answer ? { text: reader.answer, source: 'reader', confidence: reader.confidence, passage: reader.passage } : null;
  if (fromReader && (!known || answerKey(known.answer) === answerKey(fromReader.text))) return fromReader;
  if (!known) return { text: IDK, source: 'abstain', confidence: reader.confidence };
  // A remembered answer that the context also states for what is asked (a candidate of the
  // reader's, in a unit that matches the question's attribute) is corroborated by it: the
  // reader's different pick among the same context's spans does not outweigh that.
  const support = supportOf(candidates, known.answer);
  if (support) return { text: known.answer, source: 'memory', confidence: Math.max(known.probability, reader.confidence), passage: support.passage };
  const confidence = memoryConfidence(known.probability, reader.answer ? reader.confidence : 0, model);
  // The reader's confidence is calibrated over all its readings; against a confident memory that
  // the context does not echo it is right less often, so it is recalibrated for this case.
  const readerConfidence = fromReader ? predictLogistic(model.readerVsMemory, [known.probability, reader.confidence]) : 0;
  if (fromReader && reader.confidence >= model.hybridOverride && readerConfidence >= confidence) return { ...fromReader, confidence: readerConfidence };
  return { text: known.answer, source: 'memory', confidence };
}
