import { describe, expect, it } from 'vitest';
import { cohensKappa } from './agreement.js';

/** Items with labels (a, b) repeated `count` times. */
function expand(cells: [string, string, number][]): [string[], string[]] {
  const a: string[] = [];
  const b: string[] = [];
  for (const [x, y, count] of cells) for (let i = 0; i < count; i++) (a.push(x), b.push(y));
  return [a, b];
}

describe('cohensKappa', () => {
  it('matches the Wikipedia 2x2 example (20/5/10/15 -> p_o 0.7, p_e 0.5, kappa 0.4)', () => {
    // 50 proposals: both yes 20, A yes B no 5, A no B yes 10, both no 15.
    const [a, b] = expand([['yes', 'yes', 20], ['yes', 'no', 5], ['no', 'yes', 10], ['no', 'no', 15]]);
    const r = cohensKappa(a, b);
    expect(r.n).toBe(50);
    expect(r.agreement).toBeCloseTo(0.7, 12);
    // A yes 25/50, B yes 30/50: p_e = 0.5*0.6 + 0.5*0.4 = 0.5.
    expect(r.expected).toBeCloseTo(0.5, 12);
    expect(r.kappa).toBeCloseTo(0.4, 12);
    expect(r.degenerate).toBe(false);
    expect(r.labels).toEqual(['no', 'yes']);
    // Rows A (no, yes), columns B (no, yes).
    expect(r.confusion).toEqual([[15, 10], [5, 20]]);
  });

  it('works on booleans the same as on strings', () => {
    const [a, b] = expand([['yes', 'yes', 20], ['yes', 'no', 5], ['no', 'yes', 10], ['no', 'no', 15]]);
    const r = cohensKappa(a.map((x) => x === 'yes'), b.map((x) => x === 'yes'));
    expect(r.kappa).toBeCloseTo(0.4, 12);
    expect(r.labels).toEqual(['false', 'true']);
  });

  it('matches a hand-computed 3-category example', () => {
    // Rows rater A, columns rater B (c = correct, i = incorrect, a = abstained), n = 100:
    //        c   i   a   | A total
    //   c   40   5   5   | 50
    //   i    5  20   5   | 30
    //   a    0   5  15   | 20
    //   B:  45  30  25
    // p_o = 75/100 = 0.75; p_e = .5*.45 + .3*.3 + .2*.25 = .225 + .09 + .05 = 0.365
    // kappa = (0.75 - 0.365) / 0.635 = 0.385 / 0.635 = 0.6062992...
    const [a, b] = expand([
      ['c', 'c', 40], ['c', 'i', 5], ['c', 'a', 5],
      ['i', 'c', 5], ['i', 'i', 20], ['i', 'a', 5],
      ['a', 'i', 5], ['a', 'a', 15],
    ]);
    const r = cohensKappa(a, b);
    expect(r.agreement).toBeCloseTo(0.75, 12);
    expect(r.expected).toBeCloseTo(0.365, 12);
    expect(r.kappa).toBeCloseTo(0.385 / 0.635, 12);
  });

  it('perfect agreement is 1; agreement at chance is 0; systematic disagreement is negative', () => {
    expect(cohensKappa(['x', 'y', 'x'], ['x', 'y', 'x']).kappa).toBe(1);
    // A: x x y y; B: x y x y -> p_o 0.5, p_e 0.5.
    expect(cohensKappa(['x', 'x', 'y', 'y'], ['x', 'y', 'x', 'y']).kappa).toBeCloseTo(0, 12);
    // Total disagreement with balanced marginals: p_o 0, p_e 0.5 -> -1.
    expect(cohensKappa(['x', 'y'], ['y', 'x']).kappa).toBeCloseTo(-1, 12);
  });

  it('degenerate: both raters one identical label -> kappa 1, flagged', () => {
    const r = cohensKappa(['c', 'c', 'c'], ['c', 'c', 'c']);
    expect(r).toMatchObject({ kappa: 1, agreement: 1, expected: 1, degenerate: true });
  });

  it('one rater constant, the other not: kappa is defined (0 here), not degenerate', () => {
    // A all c; B c, i -> p_o 0.5, p_e = 1*0.5 = 0.5 -> 0.
    const r = cohensKappa(['c', 'c'], ['c', 'i']);
    expect(r.degenerate).toBe(false);
    expect(r.kappa).toBeCloseTo(0, 12);
  });

  it('no items -> nulls; different lengths -> RangeError', () => {
    expect(cohensKappa([], [])).toMatchObject({ n: 0, kappa: null, agreement: null, expected: null });
    expect(() => cohensKappa(['a'], [])).toThrow(RangeError);
  });
});
