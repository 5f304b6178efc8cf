/**
 * Results read lean (the streaming layout) carry no answer text; the few flipped questions a
 * comparison lists get theirs from one more pass over each records file, keeping only those.
 */
import type { Comparison } from './compare.js';
import type { ResultSource } from './read.js';

export async function fillFlipAnswers(comparison: Comparison, sources: { a: ResultSource; b: ResultSource }): Promise<void> {
  const flips = new Map(comparison.flips.flatMap((g) => g.flips).map((f) => [`${f.pipeline}\u0000${f.questionId}`, f]));
  if (flips.size === 0) return;
  for (const side of ['a', 'b'] as const) {
    if (sources[side].layout === 'single') continue;
    for await (const r of sources[side].records({ again: true })) {
      const flip = flips.get(`${r.pipeline}\u0000${r.questionId}`);
      if (flip) flip[side].answer = r.answer;
    }
  }
}
