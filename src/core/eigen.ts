// The symmetric eigenproblem in float64: the cyclic Jacobi method (Golub & Van Loan §8.5, with
// Rutishauser's rotation formulas). Slow for large n (O(n³) per sweep) but unconditionally stable
// and accurate to a few units of float64 resolution relative to the matrix norm, which is what the
// condensation lens's small matrices need.
import { fail } from "./errors.js";

/** Eigenvalues (descending) and unit eigenvectors of a symmetric matrix. */
export interface SymmetricEigen {
  n: number;
  /** Eigenvalues, largest first. */
  values: Float64Array;
  /** Eigenvectors as rows: vectors[k·n .. k·n+n) belongs to values[k]; each sign fixed so its largest-magnitude entry is positive. */
  vectors: Float64Array;
  /** Jacobi sweeps used. */
  sweeps: number;
}

/** The largest n symmetricEigen accepts (a 2,048² matrix takes minutes in Jacobi; condensation reduces to the smaller Gram matrix first). */
export const MAX_EIGEN_SIZE = 2048;

/**
 * Eigen-decomposition of the symmetric n×n matrix `a` (row-major; only symmetry up to rounding is
 * assumed: the mean of a[i][j] and a[j][i] is used). Sweeps until every off-diagonal entry is below
 * 1e-15 × the Frobenius norm (at most 60 sweeps; Jacobi converges quadratically, usually in 6–10).
 */
export function symmetricEigen(a: Float64Array | readonly number[], n: number): SymmetricEigen {
  if (!Number.isInteger(n) || n < 0) fail("BAD_ARGUMENT", `matrix size must be a non-negative integer, got ${n}`);
  if (a.length !== n * n) fail("SHAPE_MISMATCH", `a ${n}×${n} matrix needs ${n * n} values, got ${a.length}`);
  if (n > MAX_EIGEN_SIZE) fail("LIMIT_EXCEEDED", `the Jacobi eigensolver takes matrices up to ${MAX_EIGEN_SIZE}×${MAX_EIGEN_SIZE} (MAX_EIGEN_SIZE), got ${n}×${n}`);
  const A = new Float64Array(n * n);
  let norm2 = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const v = (a[i * n + j]! + a[j * n + i]!) / 2;
      if (!Number.isFinite(v)) fail("BAD_ARGUMENT", `matrix entry (${i}, ${j}) is ${v}; every entry must be finite`);
      A[i * n + j] = v;
      norm2 += v * v;
    }
  }
  const V = new Float64Array(n * n);
  for (let i = 0; i < n; i++) V[i * n + i] = 1;
  const tol = 1e-15 * Math.sqrt(norm2);
  let sweeps = 0;
  for (; sweeps < 60; sweeps++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off = Math.max(off, Math.abs(A[p * n + q]!));
    if (off <= tol || norm2 === 0) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = A[p * n + q]!;
        if (Math.abs(apq) <= tol * 1e-3) continue;
        const app = A[p * n + p]!, aqq = A[q * n + q]!;
        // t = tan θ, the smaller root of t² + 2τt − 1 = 0 with τ = (aqq − app)/(2apq)
        const tau = (aqq - app) / (2 * apq);
        const t = (tau >= 0 ? 1 : -1) / (Math.abs(tau) + Math.sqrt(1 + tau * tau));
        const c = 1 / Math.sqrt(1 + t * t), s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = A[k * n + p]!, akq = A[k * n + q]!;
          A[k * n + p] = c * akp - s * akq;
          A[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = A[p * n + k]!, aqk = A[q * n + k]!;
          A[p * n + k] = c * apk - s * aqk;
          A[q * n + k] = s * apk + c * aqk;
        }
        A[p * n + q] = 0;
        A[q * n + p] = 0;
        for (let k = 0; k < n; k++) {
          const vkp = V[k * n + p]!, vkq = V[k * n + q]!;
          V[k * n + p] = c * vkp - s * vkq;
          V[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => A[j * n + j]! - A[i * n + i]! || i - j);
  const values = new Float64Array(n), vectors = new Float64Array(n * n);
  order.forEach((col, k) => {
    values[k] = A[col * n + col]!;
    let big = 0;
    for (let i = 0; i < n; i++) if (Math.abs(V[i * n + col]!) > Math.abs(V[big * n + col]!)) big = i;
    const sign = V[big * n + col]! < 0 ? -1 : 1;
    for (let i = 0; i < n; i++) vectors[k * n + i] = sign * V[i * n + col]!;
  });
  return { n, values, vectors, sweeps };
}
