/**
 * What each local model answers for a parsed prompt.
 *
 * - `reader` (base model): no context -> abstain (it knows nothing of the domain); with context ->
 *   the extractive reader's span, or abstain below READER_THRESHOLD.
 * - fine-tune: no context -> the memory's top class if its probability reaches MEMORY_THRESHOLD,
 *   else abstain. With context (hybrid), both speak and the more confident one wins: the reader's
 *   answer when it clears READER_THRESHOLD and its confidence is at least the memory's
 *   probability; else the memory's answer when it clears MEMORY_THRESHOLD; else abstain. Both
 *   confidences are in [0,1]; ties go to the reader, since the context is in front of the model.
 */
import { MEMORY_THRESHOLD, type Memory } from './memory.js';
import type { ParsedPrompt } from './prompt.js';
import { read } from './reader.js';

/** The exact abstention the pipelines' system prompt asks for. */
export const IDK = "I don't know";

export interface LocalAnswer {
  text: string;
  source: 'reader' | 'memory' | 'abstain';
  confidence: number;
}

const isAbstention = (s: string) => /^i (do not|don'?t|don’t) know\.?$/i.test(s.trim());

export function answerWithReader(p: ParsedPrompt): LocalAnswer {
  const r = read(p);
  return r.answer ? { text: r.answer, source: 'reader', confidence: r.confidence } : { text: IDK, source: 'abstain', confidence: r.confidence };
}

export function answerWithMemory(p: ParsedPrompt, memory: Memory): LocalAnswer {
  const m = memory.predict(p.question);
  const memOk = !!m && m.probability >= MEMORY_THRESHOLD && !isAbstention(m.answer);
  if (p.passages.length === 0) {
    return memOk ? { text: m!.answer, source: 'memory', confidence: m!.probability } : { text: IDK, source: 'abstain', confidence: m?.probability ?? 0 };
  }
  const r = read(p);
  if (r.answer && (!memOk || r.confidence >= m!.probability)) return { text: r.answer, source: 'reader', confidence: r.confidence };
  if (memOk) return { text: m!.answer, source: 'memory', confidence: m!.probability };
  return { text: IDK, source: 'abstain', confidence: Math.max(r.confidence, m?.probability ?? 0) };
}
