/**
 * Throws unless `v` has exactly `dim` finite numbers. hnswlib-node aborts the process on
 * non-number elements and silently accepts NaN, so every vector is checked before it gets there.
 */
export function assertFiniteVector(v: ArrayLike<number>, dim: number, what: string): void {
  if (!v || typeof v.length !== 'number') throw new Error(`${what}: not a vector`);
  if (v.length !== dim) throw new Error(`${what}: expected ${dim} dimensions, got ${v.length}`);
  for (let i = 0; i < dim; i++) {
    const x = v[i];
    if (typeof x !== 'number' || !Number.isFinite(x)) throw new Error(`${what}: element ${i} is not a finite number (${String(x)})`);
  }
}
