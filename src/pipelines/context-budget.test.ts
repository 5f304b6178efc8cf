import { describe, expect, it } from 'vitest';
import type { Chunk } from '../retrieval/chunk.js';
import { estimateTokens, fitContext } from './context-budget.js';

const chunk = (id: string, words: number): Chunk => ({ id, docId: id, title: id, text: Array.from({ length: words }, (_, i) => `w${i}`).join(' '), index: 0 });

describe('fitContext', () => {
  it('estimates 4/3 tokens per word', () => {
    expect(estimateTokens('one two three')).toBe(4);
    expect(estimateTokens('')).toBe(0);
  });

  it('keeps whole chunks best-ranked first while they fit', () => {
    const out = fitContext([chunk('a', 30), chunk('b', 30), chunk('c', 30)], 85); // 40 + 40 tokens fit, not 120
    expect(out.map((c) => c.id)).toEqual(['a', 'b']);
  });

  it('cuts the first chunk to the budget when even it does not fit', () => {
    const [only, ...rest] = fitContext([chunk('a', 300), chunk('b', 3)], 40);
    expect(rest).toEqual([]);
    expect(only!.id).toBe('a');
    expect(estimateTokens(only!.text)).toBeLessThanOrEqual(40);
  });
});
