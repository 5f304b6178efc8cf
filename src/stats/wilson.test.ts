import { describe, expect, it } from 'vitest';
import { normalQuantile, wilsonInterval } from './wilson.js';

describe('wilsonInterval', () => {
  it('matches published values (Newcombe 1998, table I; R binom.wilson)', () => {
    // 81 of 263: 0.2553-0.3662; 15 of 148: 0.0624-0.1605; 0 of 20: 0-0.1611.
    const close = (x: { lo: number; hi: number }, lo: number, hi: number) => {
      expect(x.lo).toBeCloseTo(lo, 4);
      expect(x.hi).toBeCloseTo(hi, 4);
    };
    close(wilsonInterval(81, 263), 0.2553, 0.3662);
    close(wilsonInterval(15, 148), 0.0624, 0.1605);
    close(wilsonInterval(0, 20), 0, 0.1611);
  });

  it('stays wide for few questions at 0 or 1, where a bootstrap collapses', () => {
    const all = wilsonInterval(6, 6);
    expect(all).toMatchObject({ rate: 1, hi: 1 });
    expect(all.lo).toBeCloseTo(0.6097, 4);
    expect(wilsonInterval(0, 6).hi).toBeCloseTo(0.3903, 4);
    expect(wilsonInterval(3, 6, 0.99).lo).toBeLessThan(wilsonInterval(3, 6, 0.9).lo);
  });

  it('normalQuantile inverts the normal CDF', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 9);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232, 5);
    expect(() => normalQuantile(1)).toThrow(RangeError);
  });
});
