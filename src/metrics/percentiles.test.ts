import { describe, expect, it } from 'vitest';
import { percentiles } from './percentiles.js';

describe('percentiles (nearest rank)', () => {
  it('on 1..100', () => {
    const xs = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentiles(xs)).toEqual({ p50: 50, p95: 95, p99: 99, mean: 50.5, count: 100 });
  });
  it('one value and none', () => {
    expect(percentiles([7])).toMatchObject({ p50: 7, p95: 7, p99: 7 });
    expect(percentiles([])).toBeNull();
  });
  it('does not sort lexically', () => {
    expect(percentiles([9, 10, 100])!.p50).toBe(10);
  });
});
