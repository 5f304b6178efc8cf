/** Footnotes under the bench tables: what a reader needs to read the latency figures right. */
import { describe, expect, it } from 'vitest';
import { makeQuestions, makeRun, simulated } from '../compare/test-fixtures.js';
import { formatNotes } from './table.js';

const questions = makeQuestions(20);
const run = () => makeRun({ questions, pipelines: { 'closed-book': simulated(0.3, 1), rag: simulated(0.7, 2), hybrid: simulated(0.8, 3) } });

describe('formatNotes: cached query embeddings', () => {
  it('names the pipelines whose query embeddings came from the embedding cache, beside cached answers', () => {
    const r = run();
    r.pipelines.find((p) => p.name === 'hybrid')!.summary.cachedEmbeddings = 20;
    r.pipelines.find((p) => p.name === 'rag')!.summary.cachedEmbeddings = 3;
    const notes = formatNotes(r);
    expect(notes.replace(/\n\s*/g, ' ')).toContain('query embeddings from the embedding cache: rag 3, hybrid 20; embed-stage latency (stageLatencyMs.embed) counts computed ones only.');
    expect(notes.split('\n').every((l) => l.length <= 100)).toBe(true);
  });

  it('says nothing when every query embedding was computed', () => {
    expect(formatNotes(run())).not.toContain('embedding cache');
  });
});
