import { describe, expect, it } from 'vitest';
import { type CsrMatrix, symmetricEigen, truncatedSvd } from './svd.js';
import { mulberry32 } from './random.js';

/** A sparse n x n matrix of rank <= r: sum of r outer products of sparse vectors. */
function lowRankSparse(n: number, r: number, seed: number): { csr: CsrMatrix; dense: Float64Array } {
  const rnd = mulberry32(seed);
  const dense = new Float64Array(n * n);
  for (let t = 0; t < r; t++) {
    const a = Float64Array.from({ length: n }, () => (rnd() < 0.3 ? rnd() * 2 - 1 : 0));
    const b = Float64Array.from({ length: n }, () => (rnd() < 0.3 ? rnd() * 2 - 1 : 0));
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) dense[i * n + j] += (t + 1) * a[i] * b[j];
  }
  const rowPtr = new Int32Array(n + 1);
  const colIdx: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (dense[i * n + j] !== 0) {
        colIdx.push(j);
        values.push(dense[i * n + j]);
      }
    }
    rowPtr[i + 1] = colIdx.length;
  }
  return { csr: { rows: n, cols: n, rowPtr, colIdx: Int32Array.from(colIdx), values: Float64Array.from(values) }, dense };
}

/** Exact singular values from the eigenvalues of M M^T. */
function exactSingularValues(dense: Float64Array, n: number): number[] {
  const mmt = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) mmt[i * n + j] += dense[i * n + k] * dense[j * n + k];
  return Array.from(symmetricEigen(mmt, n).values, (x) => Math.sqrt(Math.max(0, x)));
}

describe('symmetricEigen', () => {
  it('diagonalizes a symmetric matrix', () => {
    const a = Float64Array.of(4, 1, 2, 1, 3, 0, 2, 0, 1);
    const { values, vectors } = symmetricEigen(a, 3);
    expect(values[0]).toBeGreaterThanOrEqual(values[1]);
    for (let c = 0; c < 3; c++) {
      for (let i = 0; i < 3; i++) {
        let av = 0;
        for (let k = 0; k < 3; k++) av += a[i * 3 + k] * vectors[k * 3 + c];
        expect(av).toBeCloseTo(values[c] * vectors[i * 3 + c], 10);
      }
    }
  });
});

describe('truncatedSvd', () => {
  it('recovers the singular values and left vectors of a low-rank sparse matrix', () => {
    const n = 40;
    const { csr, dense } = lowRankSparse(n, 4, 3);
    const exact = exactSingularValues(dense, n);
    const { u, s } = truncatedSvd(csr, 4, { seed: 1 });
    for (let c = 0; c < 4; c++) expect(s[c]).toBeCloseTo(exact[c], 6);
    // M M^T u = s^2 u for each returned column.
    for (let c = 0; c < 4; c++) {
      const col = Float64Array.from({ length: n }, (_, i) => u[i * 4 + c]);
      const mt = Float64Array.from({ length: n }, (_, j) => col.reduce((acc, x, i) => acc + dense[i * n + j] * x, 0));
      for (let i = 0; i < n; i++) {
        const mmtu = mt.reduce((acc, x, j) => acc + dense[i * n + j] * x, 0);
        expect(mmtu).toBeCloseTo(s[c] * s[c] * col[i], 6);
      }
    }
  });

  it('returns zeros beyond the rank and for an empty matrix, never NaN', () => {
    const { csr } = lowRankSparse(12, 2, 5);
    const { u, s } = truncatedSvd(csr, 8, { seed: 1 });
    expect([...u, ...s].every(Number.isFinite)).toBe(true);
    expect(s[7]).toBeCloseTo(0, 8);
    const empty: CsrMatrix = { rows: 3, cols: 3, rowPtr: new Int32Array(4), colIdx: new Int32Array(0), values: new Float64Array(0) };
    const z = truncatedSvd(empty, 2, { seed: 1 });
    expect([...z.u, ...z.s].every((x) => x === 0)).toBe(true);
  });
});
