import { describe, expect, it } from 'vitest';
import { assertFiniteVector } from './validate.js';

describe('assertFiniteVector', () => {
  it('accepts a finite vector of the right length', () => {
    expect(() => assertFiniteVector(Float32Array.of(0, 1, -2.5), 3, 'v')).not.toThrow();
    expect(() => assertFiniteVector([0.5, 0.5], 2, 'v')).not.toThrow();
  });

  it.each([
    ['wrong length', Float32Array.of(1, 2), /expected 3 dimensions, got 2/],
    ['NaN', Float32Array.of(1, Number.NaN, 2), /element 1 is not a finite number \(NaN\)/],
    ['Infinity', [1, 2, Number.POSITIVE_INFINITY], /element 2/],
    ['a hole', [1, undefined, 2] as unknown as number[], /element 1/],
    ['a string', [1, '2', 3] as unknown as number[], /element 1/],
  ])('rejects %s', (_name, v, message) => {
    expect(() => assertFiniteVector(v, 3, 'doc 7')).toThrow(message);
    expect(() => assertFiniteVector(v, 3, 'doc 7')).toThrow(/^doc 7: /);
  });
});
