// Linear algebra of folding: which rows of a matrix are linear combinations of others (exactly, up
// to a tight relative tolerance), and the coefficients K with W_D = K·W_B.

/** Relative residual below which a row counts as a combination of the basis rows. */
export const FOLD_DEPENDENCE_REL = 1e-12;

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/**
 * Split `rows` (each of length n) into a basis B (linearly independent, greedy in the given order)
 * and dependent rows D with W_d = Σ_b K[d][b]·W_b; a row is dependent only when the reconstruction
 * error is below FOLD_DEPENDENCE_REL times its norm, so folding it changes nothing measurable.
 * k[t] is the coefficient of basis[t] (k may be shorter than basis: rows that failed verification join the basis last).
 */
export function independentRows(rows: Float64Array[]): { basis: number[]; dependent: { row: number; k: Float64Array }[] } {
  const basis: number[] = [];
  const q: Float64Array[] = [];
  const candidates: number[] = [];
  rows.forEach((w, r) => {
    const norm = Math.sqrt(dot(w, w));
    if (norm === 0) { candidates.push(r); return; }
    // Modified Gram–Schmidt, twice for stability.
    const v = Float64Array.from(w);
    for (let pass = 0; pass < 2; pass++) for (const e of q) { const c = dot(v, e); for (let i = 0; i < v.length; i++) v[i] -= c * e[i]!; }
    const res = Math.sqrt(dot(v, v));
    if (res > 1e-9 * norm) {
      for (let i = 0; i < v.length; i++) v[i] /= res;
      q.push(v);
      basis.push(r);
    } else candidates.push(r);
  });
  const dependent: { row: number; k: Float64Array }[] = [];
  if (candidates.length === 0) return { basis, dependent };
  // K_d from the normal equations G k = W_B w_d (G = W_B W_Bᵀ, Cholesky), then verified by the residual.
  const r = basis.length;
  const G = new Float64Array(r * r);
  for (let a = 0; a < r; a++) for (let b = 0; b <= a; b++) { const g = dot(rows[basis[a]!]!, rows[basis[b]!]!); G[a * r + b] = g; G[b * r + a] = g; }
  const L = cholesky(G, r);
  for (const d of candidates) {
    const w = rows[d]!;
    const rhs = new Float64Array(r);
    for (let a = 0; a < r; a++) rhs[a] = dot(rows[basis[a]!]!, w);
    const k = L ? cholSolve(L, r, rhs) : new Float64Array(r);
    const rec = new Float64Array(w.length);
    for (let a = 0; a < r; a++) { const c = k[a]!; if (c !== 0) { const br = rows[basis[a]!]!; for (let i = 0; i < w.length; i++) rec[i] += c * br[i]!; } }
    let err = 0, nrm = 0;
    for (let i = 0; i < w.length; i++) { err = Math.max(err, Math.abs(rec[i]! - w[i]!)); nrm = Math.max(nrm, Math.abs(w[i]!)); }
    if (L && err <= FOLD_DEPENDENCE_REL * nrm) dependent.push({ row: d, k });
    else basis.push(d);
  }
  return { basis, dependent };
}

function cholesky(G: Float64Array, n: number): Float64Array | null {
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = G[i * n + j]!;
      for (let t = 0; t < j; t++) s -= L[i * n + t]! * L[j * n + t]!;
      if (i === j) {
        if (!(s > 0)) return null;
        L[i * n + i] = Math.sqrt(s);
      } else L[i * n + j] = s / L[j * n + j]!;
    }
  }
  return L;
}

function cholSolve(L: Float64Array, n: number, b: Float64Array): Float64Array {
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) { let s = b[i]!; for (let t = 0; t < i; t++) s -= L[i * n + t]! * y[t]!; y[i] = s / L[i * n + i]!; }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) { let s = y[i]!; for (let t = i + 1; t < n; t++) s -= L[t * n + i]! * x[t]!; x[i] = s / L[i * n + i]!; }
  return x;
}
