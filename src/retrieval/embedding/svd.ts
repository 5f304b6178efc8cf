/**
 * Truncated SVD of a sparse matrix by a randomized range finder with subspace (power) iterations
 * (Halko, Martinsson & Tropp 2011, algorithm 4.4), in plain TypeScript. Dense blocks
 * are row-major Float64Arrays with `l` (= k + oversampling) columns; only the left singular
 * vectors and the singular values are returned, which is all word vectors need.
 */
import { gaussian, mulberry32 } from './random.js';

/** Compressed sparse rows; column indices ascending within a row. */
export interface CsrMatrix {
  rows: number;
  cols: number;
  rowPtr: Int32Array;
  colIdx: Int32Array;
  values: Float64Array;
}

export interface TruncatedSvd {
  /** rows x k, row-major. Columns beyond the numerical rank are zero. */
  u: Float64Array;
  /** k singular values, descending. */
  s: Float64Array;
  k: number;
}

export interface SvdOptions {
  seed: number;
  oversample?: number;
  powerIterations?: number;
}

/** Y = M X, with X (m.cols x l) and Y (m.rows x l) row-major. */
export function multiply(m: CsrMatrix, x: Float64Array, l: number): Float64Array {
  const y = new Float64Array(m.rows * l);
  for (let i = 0; i < m.rows; i++) {
    const yi = i * l;
    for (let p = m.rowPtr[i]; p < m.rowPtr[i + 1]; p++) {
      const v = m.values[p];
      const xj = m.colIdx[p] * l;
      for (let c = 0; c < l; c++) y[yi + c] += v * x[xj + c];
    }
  }
  return y;
}

/** Z = M^T X, with X (m.rows x l) and Z (m.cols x l) row-major. */
export function multiplyTransposed(m: CsrMatrix, x: Float64Array, l: number): Float64Array {
  const z = new Float64Array(m.cols * l);
  for (let i = 0; i < m.rows; i++) {
    const xi = i * l;
    for (let p = m.rowPtr[i]; p < m.rowPtr[i + 1]; p++) {
      const v = m.values[p];
      const zj = m.colIdx[p] * l;
      for (let c = 0; c < l; c++) z[zj + c] += v * x[xi + c];
    }
  }
  return z;
}

/**
 * Orthonormal columns spanning those of the n x l row-major `a` (modified Gram-Schmidt, run
 * twice per column for stability). Columns that are numerically dependent become zero, which
 * keeps rank-deficient inputs (tiny corpora) finite instead of amplifying round-off.
 */
export function orthonormalize(a: Float64Array, n: number, l: number): Float64Array {
  const cols: Float64Array[] = [];
  for (let c = 0; c < l; c++) {
    const col = new Float64Array(n);
    for (let i = 0; i < n; i++) col[i] = a[i * l + c];
    const before = Math.sqrt(dot(col, col));
    for (let pass = 0; pass < 2; pass++) {
      for (const q of cols) axpy(-dot(q, col), q, col);
    }
    const after = Math.sqrt(dot(col, col));
    if (after > 1e-10 * before && after > 1e-300) for (let i = 0; i < n; i++) col[i] /= after;
    else col.fill(0);
    cols.push(col);
  }
  const q = new Float64Array(n * l);
  for (let c = 0; c < l; c++) for (let i = 0; i < n; i++) q[i * l + c] = cols[c][i];
  return q;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function axpy(alpha: number, x: Float64Array, y: Float64Array): void {
  if (alpha === 0) return;
  for (let i = 0; i < y.length; i++) y[i] += alpha * x[i];
}

/** Z^T Z for n x l row-major Z. */
function gram(z: Float64Array, n: number, l: number): Float64Array {
  const g = new Float64Array(l * l);
  for (let i = 0; i < n; i++) {
    const zi = i * l;
    for (let a = 0; a < l; a++) {
      const va = z[zi + a];
      if (va === 0) continue;
      for (let b = a; b < l; b++) g[a * l + b] += va * z[zi + b];
    }
  }
  for (let a = 0; a < l; a++) for (let b = 0; b < a; b++) g[a * l + b] = g[b * l + a];
  return g;
}

/**
 * Eigen-decomposition of a symmetric n x n matrix by cyclic Jacobi rotations (small n only).
 * Returns eigenvalues descending and eigenvectors as the columns of an n x n row-major matrix.
 */
export function symmetricEigen(matrix: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  let scale = 0;
  for (let i = 0; i < n * n; i++) scale += a[i] * a[i];
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q] * a[p * n + q];
    if (off <= 1e-30 * scale || off === 0) break;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) rotate(a, v, n, p, q);
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => a[y * n + y] - a[x * n + x] || x - y);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((src, dst) => {
    values[dst] = a[src * n + src];
    for (let i = 0; i < n; i++) vectors[i * n + dst] = v[i * n + src];
  });
  return { values, vectors };
}

/** One Jacobi rotation zeroing a[p][q] (Numerical Recipes convention: A' = J^T A J, V' = V J). */
function rotate(a: Float64Array, v: Float64Array, n: number, p: number, q: number): void {
  const apq = a[p * n + q];
  if (apq === 0) return;
  const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
  const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
  const c = 1 / Math.sqrt(t * t + 1);
  const s = t * c;
  for (let k = 0; k < n; k++) {
    const akp = a[k * n + p];
    const akq = a[k * n + q];
    a[k * n + p] = c * akp - s * akq;
    a[k * n + q] = s * akp + c * akq;
  }
  for (let k = 0; k < n; k++) {
    const apk = a[p * n + k];
    const aqk = a[q * n + k];
    a[p * n + k] = c * apk - s * aqk;
    a[q * n + k] = s * apk + c * aqk;
  }
  for (let k = 0; k < n; k++) {
    const vkp = v[k * n + p];
    const vkq = v[k * n + q];
    v[k * n + p] = c * vkp - s * vkq;
    v[k * n + q] = s * vkp + c * vkq;
  }
}

/** Top-k left singular vectors and singular values of `m`. Deterministic for a given seed. */
export function truncatedSvd(m: CsrMatrix, k: number, opts: SvdOptions): TruncatedSvd {
  const l = Math.min(k + (opts.oversample ?? 10), m.rows, m.cols);
  const u = new Float64Array(m.rows * k);
  const s = new Float64Array(k);
  if (l <= 0 || k <= 0) return { u, s, k };

  const normal = gaussian(mulberry32(opts.seed));
  const omega = new Float64Array(m.cols * l);
  for (let i = 0; i < omega.length; i++) omega[i] = normal();

  // Range finder; re-orthonormalizing after every M M^T round keeps small singular directions
  // from being lost to round-off (once per round, not per product: QR costs about as much as a
  // sparse product here, and one round squares the condition number only once).
  let q = orthonormalize(multiply(m, omega, l), m.rows, l);
  for (let it = 0; it < (opts.powerIterations ?? 2); it++) {
    q = orthonormalize(multiply(m, multiplyTransposed(m, q, l), l), m.rows, l);
  }

  // B = Q^T M; B B^T = (M^T Q)^T (M^T Q) = W diag(s^2) W^T, and U = Q W.
  const eig = symmetricEigen(gram(multiplyTransposed(m, q, l), m.cols, l), l);
  const kept = Math.min(k, l);
  for (let c = 0; c < kept; c++) s[c] = Math.sqrt(Math.max(0, eig.values[c]));
  for (let i = 0; i < m.rows; i++) {
    for (let c = 0; c < kept; c++) {
      let sum = 0;
      for (let j = 0; j < l; j++) sum += q[i * l + j] * eig.vectors[j * l + c];
      u[i * k + c] = sum;
    }
  }
  return { u, s, k };
}
