import { describe, expect, it } from 'vitest';
import { pairSetHash, parseShard, runPairs, shardSize, shardSlice } from './shard.js';

const questions = Array.from({ length: 23 }, (_, i) => `q${i}`);

describe('shard partition', () => {
  it.each([1, 2, 3, 7, 23, 30])('n = %i: shards are disjoint and together cover every question once', (n) => {
    const parts = Array.from({ length: n }, (_, i) => shardSlice(questions, { index: i + 1, count: n }));
    expect(parts.flat().sort()).toEqual([...questions].sort());
    expect(new Set(parts.flat()).size).toBe(questions.length);
  });

  it('is balanced: shard sizes differ by at most one, and shardSize says each', () => {
    const n = 4;
    const sizes = Array.from({ length: n }, (_, i) => shardSlice(questions, { index: i + 1, count: n }).length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    expect(sizes).toEqual(sizes.map((_, i) => shardSize(questions.length, { index: i + 1, count: n })));
  });

  it('is stable: the same input gives the same shard, in dataset order', () => {
    const s = { index: 2, count: 3 };
    expect(shardSlice(questions, s)).toEqual(shardSlice([...questions], s));
    expect(shardSlice(questions, s)).toEqual(['q1', 'q4', 'q7', 'q10', 'q13', 'q16', 'q19', 'q22']);
  });

  it('parses i/n and refuses anything else', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    for (const bad of ['0/2', '3/2', '2', 'a/b', '1/0', '-1/2']) expect(() => parseShard(bad)).toThrow(/--shard must be i\/n/);
  });

  it('the pair fingerprint depends on the pairs and their order', () => {
    const h = pairSetHash(runPairs(['a', 'b'], ['q1', 'q2']));
    expect(pairSetHash(runPairs(['a', 'b'], ['q1', 'q2']))).toBe(h);
    expect(pairSetHash(runPairs(['b', 'a'], ['q1', 'q2']))).not.toBe(h);
    expect(pairSetHash(runPairs(['a', 'b'], ['q1']))).not.toBe(h);
  });
});
