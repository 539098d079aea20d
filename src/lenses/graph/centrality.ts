// Eigenvector centrality of the |w| adjacency: the Perron eigenvector (positive, ‖x‖₂ = 1) and λ_max.
// A layered network is multipartite, so −λ_max is an eigenvalue too (exactly, when the graph is
// bipartite) and the plain power iteration x ← Ax/‖Ax‖ oscillates between two vectors instead of
// converging. Two methods that converge: Lanczos with full reorthogonalisation and explicit
// restarts from the Ritz vector (the default), and the power iteration on A + cI, whose spectrum
// is shifted so that λ_max + c dominates |−λ_max + c|.
import { symmetricEigen } from "../../core/eigen.js";
import { Csr, csrMultiply } from "./adjacency.js";

/** Centrality methods. */
export const CENTRALITY_METHODS = ["lanczos", "shifted-power"] as const;
/** A centrality method. */
export type CentralityMethod = (typeof CENTRALITY_METHODS)[number];

/** Options of eigenvectorCentrality. */
export interface CentralityOptions {
  method?: CentralityMethod;
  /** Stop when ‖Ax − λx‖₂ ≤ tol·λ. */
  tol?: number;
  /** The most matrix–vector products. */
  maxMatvecs?: number;
  /** Lanczos basis size per restart. */
  basis?: number;
}

/** The eigenvector centrality found. */
export interface Centrality {
  method: CentralityMethod;
  /** λ_max, the largest eigenvalue of A (its spectral radius: A ≥ 0). */
  lambdaMax: number;
  /** Unit eigenvector with non-negative entries (empty for a graph without edges). */
  vector: Float64Array;
  /** ‖Ax − λx‖₂ of the returned pair. */
  residual: number;
  /** residual / λ_max. */
  relativeResidual: number;
  /** Restarts (Lanczos) or iterations (shifted power). */
  iterations: number;
  matvecs: number;
  converged: boolean;
  /** Most negative entry before the sign was fixed (−0 or a rounding-sized value for a Perron vector; larger magnitude means λ_max is not simple). */
  minEntry: number;
  /** The shift c of the shifted power iteration. */
  shift?: number;
}

function norm(x: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * x[i]!;
  return Math.sqrt(s);
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** ‖Ax − λx‖₂ with λ the Rayleigh quotient xᵀAx (x a unit vector). */
export function residualOf(a: Csr, x: Float64Array): { lambda: number; residual: number } {
  const y = csrMultiply(a, x, new Float64Array(a.n));
  const lambda = dot(x, y);
  let r = 0;
  for (let i = 0; i < a.n; i++) r += (y[i]! - lambda * x[i]!) ** 2;
  return { lambda, residual: Math.sqrt(r) };
}

/** The starting vector: every node's strength plus its mean (positive, so it is never orthogonal to the Perron vector of a connected graph). */
function start(a: Csr): Float64Array {
  const x = new Float64Array(a.n);
  let mean = 0;
  for (let i = 0; i < a.n; i++) { for (let k = a.ptr[i]!; k < a.ptr[i + 1]!; k++) x[i] += a.val[k]!; mean += x[i]!; }
  mean /= Math.max(1, a.n);
  for (let i = 0; i < a.n; i++) x[i] = x[i]! + mean;
  const s = norm(x);
  for (let i = 0; i < a.n; i++) x[i] = x[i]! / s;
  return x;
}

/** One Lanczos cycle of at most m steps from unit vector v: the top Ritz pair. */
function lanczosCycle(a: Csr, v0: Float64Array, m: number): { theta: number; x: Float64Array; steps: number } {
  const n = a.n;
  const V: Float64Array[] = [v0];
  const alpha: number[] = [], beta: number[] = [];
  const w = new Float64Array(n);
  for (let j = 0; j < m; j++) {
    csrMultiply(a, V[j]!, w);
    alpha.push(dot(w, V[j]!));
    // full reorthogonalisation, twice ("twice is enough"), keeps the basis orthogonal to rounding
    for (let pass = 0; pass < 2; pass++) {
      for (const q of V) { const c = dot(w, q); for (let i = 0; i < n; i++) w[i] = w[i]! - c * q[i]!; }
    }
    const b = norm(w);
    if (j === m - 1 || b <= 1e-14 * Math.max(Math.abs(alpha[j]!), 1e-300)) break;
    beta.push(b);
    const next = new Float64Array(n);
    for (let i = 0; i < n; i++) next[i] = w[i]! / b;
    V.push(next);
  }
  const k = alpha.length;
  const T = new Float64Array(k * k);
  for (let i = 0; i < k; i++) { T[i * k + i] = alpha[i]!; if (i + 1 < k) { T[i * k + i + 1] = beta[i]!; T[(i + 1) * k + i] = beta[i]!; } }
  const e = symmetricEigen(T, k);
  const x = new Float64Array(n);
  for (let j = 0; j < k; j++) { const c = e.vectors[j]!; for (let i = 0; i < n; i++) x[i] = x[i]! + c * V[j]![i]!; }
  const s = norm(x);
  for (let i = 0; i < n; i++) x[i] = x[i]! / s;
  return { theta: e.values[0]!, x, steps: k };
}

/** Fix the sign (sum positive), record the most negative entry, and clear rounding-sized negatives. */
function finish(x: Float64Array): { vector: Float64Array; minEntry: number } {
  let s = 0;
  for (const v of x) s += v;
  if (s < 0) for (let i = 0; i < x.length; i++) x[i] = -x[i]!;
  let min = 0;
  for (const v of x) if (v < min) min = v;
  for (let i = 0; i < x.length; i++) if (x[i]! < 0 && x[i]! >= -1e-12) x[i] = 0;
  return { vector: x, minEntry: min };
}

/**
 * Eigenvector centrality of the symmetric non-negative matrix `a` to ‖Ax − λx‖ ≤ tol·λ_max.
 * Lanczos: cycles of `basis` steps, each restarted from the previous Ritz vector. Shifted power:
 * x ← (A + cI)x / ‖·‖ with c = half the largest row sum (a bound on λ_max), so the iteration
 * converges at the rate (λ₂ + c)/(λ_max + c) instead of oscillating.
 */
export function eigenvectorCentrality(a: Csr, opts: CentralityOptions = {}): Centrality {
  const method = opts.method ?? "lanczos";
  const tol = opts.tol ?? 1e-10;
  const maxMatvecs = opts.maxMatvecs ?? 20_000;
  if (a.ptr[a.n] === 0 || a.n === 0) {
    return { method, lambdaMax: 0, vector: new Float64Array(a.n), residual: 0, relativeResidual: 0, iterations: 0, matvecs: 0, converged: true, minEntry: 0 };
  }
  let x = start(a), matvecs = 0, iterations = 0, lambda = 0, residual = Infinity;
  let shift: number | undefined;
  if (method === "lanczos") {
    const m = Math.max(2, Math.min(a.n, opts.basis ?? 40));
    while (matvecs < maxMatvecs) {
      const c = lanczosCycle(a, x, m);
      matvecs += c.steps + 1;
      iterations++;
      x = c.x;
      ({ lambda, residual } = residualOf(a, x));
      if (residual <= tol * lambda) break;
    }
  } else {
    let maxRow = 0;
    for (let i = 0; i < a.n; i++) { let s = 0; for (let k = a.ptr[i]!; k < a.ptr[i + 1]!; k++) s += a.val[k]!; maxRow = Math.max(maxRow, s); }
    shift = maxRow / 2;
    const y = new Float64Array(a.n);
    while (matvecs < maxMatvecs) {
      csrMultiply(a, x, y);
      matvecs++;
      iterations++;
      lambda = dot(x, y);
      let r = 0;
      for (let i = 0; i < a.n; i++) r += (y[i]! - lambda * x[i]!) ** 2;
      residual = Math.sqrt(r);
      if (residual <= tol * lambda) break;
      for (let i = 0; i < a.n; i++) y[i] = y[i]! + shift * x[i]!;
      const s = norm(y);
      for (let i = 0; i < a.n; i++) x[i] = y[i]! / s;
    }
    ({ lambda, residual } = residualOf(a, x));
  }
  const f = finish(x);
  const final = residualOf(a, f.vector);
  return {
    method, lambdaMax: final.lambda, vector: f.vector, residual: final.residual, relativeResidual: final.residual / final.lambda,
    iterations, matvecs, converged: final.residual <= tol * final.lambda, minEntry: f.minEntry, ...(shift !== undefined ? { shift } : {}),
  };
}
