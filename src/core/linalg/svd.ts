// Singular values in float64 without squaring the condition number: Householder QR of the tall
// matrix (backward stable), then one-sided (Hestenes) Jacobi on the small triangular factor R, whose
// singular values are those of the matrix. A Gram matrix's eigenvalues would resolve singular values
// only down to √ε·σ_max ≈ 1.5e-8·σ_max, far above numpy's rank tolerance (σ_max·max(M,N)·ε), so a
// rank-deficient representation would look full rank.
import { fail } from "../errors.js";

/** Machine epsilon of float64 (numpy's finfo(float64).eps). */
export const EPS64 = 2 ** -52;

/**
 * Singular values (descending, min(rows, cols) of them) of a rows × cols row-major matrix, which is
 * not modified. A non-finite entry is BAD_ARGUMENT (no singular value would mean anything).
 */
export function singularValues(a: Float64Array | Float32Array, rows: number, cols: number): Float64Array {
  if (a.length !== rows * cols) fail("SHAPE_MISMATCH", `singularValues: ${a.length} values for ${rows} × ${cols}`);
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i]!)) fail("BAD_ARGUMENT", `singularValues: entry ${i} is ${a[i]}; every entry must be finite`);
  const q = Math.min(rows, cols), p = Math.max(rows, cols);
  if (q === 0) return new Float64Array(0);
  // Columns of the tall matrix B (p × q, p >= q), each contiguous: B = A when rows >= cols, else Aᵀ.
  const cols_: Float64Array[] = [];
  if (rows < cols) {
    for (let i = 0; i < rows; i++) cols_.push(Float64Array.from(a.subarray(i * cols, (i + 1) * cols)));
  } else {
    for (let j = 0; j < cols; j++) cols_.push(new Float64Array(rows));
    for (let i = 0; i < rows; i++) {
      const o = i * cols;
      for (let j = 0; j < cols; j++) cols_[j]![i] = a[o + j]!;
    }
  }
  const r = householderR(cols_, p, q);
  return jacobiSingularValues(r, q);
}

/** The q × q upper-triangular R of B = QR (B given as q columns of length p; they are overwritten), as q columns of length q. */
function householderR(b: Float64Array[], p: number, q: number): Float64Array[] {
  const v = new Float64Array(p);
  for (let k = 0; k < q; k++) {
    const x = b[k]!;
    // Scale for the norm so that huge or tiny columns neither overflow nor underflow.
    let scale = 0;
    for (let i = k; i < p; i++) scale = Math.max(scale, Math.abs(x[i]!));
    if (scale === 0) continue;
    let ss = 0;
    for (let i = k; i < p; i++) { const t = x[i]! / scale; ss += t * t; }
    const norm = scale * Math.sqrt(ss);
    const alpha = x[k]! >= 0 ? -norm : norm;
    // v = x - alpha e_k, H = I - 2 v vᵀ / (vᵀ v); vᵀv = 2 norm (norm + |x_k|).
    for (let i = k; i < p; i++) v[i] = x[i]!;
    v[k] = v[k]! - alpha;
    const vv = 2 * norm * (norm + Math.abs(x[k]!));
    if (vv === 0) continue;
    for (let j = k + 1; j < q; j++) {
      const c = b[j]!;
      let dot = 0;
      for (let i = k; i < p; i++) dot += v[i]! * c[i]!;
      const f = (2 * dot) / vv;
      if (f === 0) continue;
      for (let i = k; i < p; i++) c[i] = c[i]! - f * v[i]!;
    }
    x[k] = alpha;
    for (let i = k + 1; i < p; i++) x[i] = 0;
  }
  return b.map((c, j) => { const r = new Float64Array(q); for (let i = 0; i <= j; i++) r[i] = c[i]!; return r; });
}

/** One-sided Jacobi: rotate column pairs until all are orthogonal to ε; the column norms are the singular values. */
function jacobiSingularValues(c: Float64Array[], q: number): Float64Array {
  const n = q;
  const norms2 = c.map((col) => { let s = 0; for (let i = 0; i < n; i++) s += col[i]! * col[i]!; return s; });
  for (let sweep = 0; sweep < 80; sweep++) {
    let rotated = false;
    for (let i = 0; i < n - 1; i++) {
      for (let j = i + 1; j < n; j++) {
        const ci = c[i]!, cj = c[j]!;
        const alpha = norms2[i]!, beta = norms2[j]!;
        if (alpha === 0 || beta === 0) continue;
        let gamma = 0;
        for (let k = 0; k < n; k++) gamma += ci[k]! * cj[k]!;
        if (Math.abs(gamma) <= EPS64 * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const cs = 1 / Math.sqrt(1 + t * t), sn = cs * t;
        let a2 = 0, b2 = 0;
        for (let k = 0; k < n; k++) {
          const x = ci[k]!, y = cj[k]!;
          const nx = cs * x - sn * y, ny = sn * x + cs * y;
          ci[k] = nx; cj[k] = ny;
          a2 += nx * nx; b2 += ny * ny;
        }
        norms2[i] = a2; norms2[j] = b2;
      }
    }
    if (!rotated) break;
  }
  const s = Float64Array.from(norms2, (x) => Math.sqrt(x));
  return s.sort().reverse();
}

/** numpy's matrix_rank default tolerance: σ_max · max(rows, cols) · ε. */
export function defaultRankTolerance(s: Float64Array, rows: number, cols: number): number {
  return (s.length ? s[0]! : 0) * Math.max(rows, cols) * EPS64;
}

/** Number of singular values above `tol` (numpy's matrix_rank: S > tol). */
export function numericalRank(s: Float64Array, tol: number): number {
  let r = 0;
  for (const x of s) if (x > tol) r++;
  return r;
}

/**
 * Entropy effective rank (Roy & Vetterli 2007): exp(−Σ p_k ln p_k) with p_k = σ_k / Σσ (0 ln 0 = 0);
 * 0 for the zero matrix. Between 1 and min(rows, cols); unchanged by scaling the matrix.
 */
export function effectiveRank(s: Float64Array): number {
  let sum = 0;
  for (const x of s) sum += x;
  if (!(sum > 0)) return 0;
  let h = 0;
  for (const x of s) { if (x > 0) { const p = x / sum; h -= p * Math.log(p); } }
  return Math.exp(h);
}
