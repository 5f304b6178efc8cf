import { describe, expect, it } from 'vitest';
import { reciprocalRankFusion } from './fusion.js';

const id = (s: string) => s;

describe('reciprocalRankFusion', () => {
  it('sums weight / (rrfK + rank) over the lists, by hand', () => {
    // a: 1/(60+1) + 1/(60+3); b: 1/(60+2); c: 1/(60+1); d: 1/(60+2)
    const fused = reciprocalRankFusion([{ items: ['a', 'b'], weight: 1 }, { items: ['c', 'd', 'a'], weight: 1 }], id, 60);
    expect(fused.map((f) => f.item)).toEqual(['a', 'c', 'b', 'd']);
    expect(fused[0]!.score).toBeCloseTo(1 / 61 + 1 / 63, 12);
    expect(fused[1]!.score).toBeCloseTo(1 / 61, 12);
  });

  it('an item both lists find beats one a single list puts first', () => {
    const fused = reciprocalRankFusion([{ items: ['solo', 'both'], weight: 1 }, { items: ['x', 'y', 'z', 'both'], weight: 1 }], id, 60);
    expect(fused[0]!.item).toBe('both');
  });

  it('weights scale each list: a heavier list wins ties of rank', () => {
    const lists = (wa: number, wb: number) => [{ items: ['a'], weight: wa }, { items: ['b'], weight: wb }];
    expect(reciprocalRankFusion(lists(1, 2), id, 60).map((f) => f.item)).toEqual(['b', 'a']);
    expect(reciprocalRankFusion(lists(2, 1), id, 60).map((f) => f.item)).toEqual(['a', 'b']);
    expect(reciprocalRankFusion(lists(1, 2), id, 60)[0]!.score).toBeCloseTo(2 / 61, 12);
  });

  it('each occurrence counts with its own list\'s weight', () => {
    const fused = reciprocalRankFusion([{ items: ['b', 'x'], weight: 2 }, { items: ['y', 'x'], weight: 0.5 }], id, 60);
    expect(fused.find((f) => f.item === 'x')!.score).toBeCloseTo(2 / 62 + 0.5 / 62, 12);
  });

  it('a list of weight 0 adds nothing, not even its items', () => {
    expect(reciprocalRankFusion([{ items: ['a'], weight: 1 }, { items: ['b', 'a'], weight: 0 }], id, 60).map((f) => f.item)).toEqual(['a']);
  });

  it('rrfK sets how much the head of a list counts', () => {
    const lists = [{ items: ['a', 'b'], weight: 1 }, { items: ['c', 'b', 'a'], weight: 1 }];
    // rrfK 0: 'c' (1) beats 'b' (1/2 + 1/2 = 1 exactly, tie broken by best rank 1 < 2).
    expect(reciprocalRankFusion(lists, id, 0).map((f) => f.item)).toEqual(['a', 'c', 'b']);
    // rrfK 1000: nearly flat, so being in both lists decides: 'b' (2/1002) beats 'c' (1/1001).
    expect(reciprocalRankFusion(lists, id, 1000).map((f) => f.item)).toEqual(['a', 'b', 'c']);
  });

  it('ties go to the better best rank, then to the earlier list: the order is deterministic', () => {
    const fused = reciprocalRankFusion([{ items: ['a', 'b'], weight: 1 }, { items: ['c', 'd'], weight: 1 }], id, 60);
    expect(fused.map((f) => f.item)).toEqual(['a', 'c', 'b', 'd']);
  });

  it('identifies items by key across lists', () => {
    const fused = reciprocalRankFusion([{ items: [{ id: 'x', from: 1 }], weight: 1 }, { items: [{ id: 'x', from: 2 }], weight: 1 }], (o) => o.id, 60);
    expect(fused).toHaveLength(1);
    expect(fused[0]!.score).toBeCloseTo(2 / 61, 12);
  });

  it('refuses a negative weight or rrfK', () => {
    expect(() => reciprocalRankFusion([{ items: ['a'], weight: -1 }], id, 60)).toThrow(/weight/);
    expect(() => reciprocalRankFusion([{ items: ['a'], weight: 1 }], id, -1)).toThrow(/rrfK/);
  });
});
