// Predicting a network's final accuracy from its early graph (Vahedian et al.): two small, plainly
// written models — ridge regression for the accuracy, ridge-penalised logistic regression (Newton
// steps) for above/below the median — and seeded k-fold cross-validation. Features are standardised
// with the training fold's mean and standard deviation only.
import { fail } from "../../core/errors.js";
import { createRng } from "../../core/random.js";

/** Solve the symmetric positive-definite system A x = b (p × p, row-major) by Cholesky. */
export function solveSpd(A: Float64Array, b: Float64Array, p: number): Float64Array {
  const L = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * p + j]!;
      for (let k = 0; k < j; k++) s -= L[i * p + k]! * L[j * p + k]!;
      if (i === j) { if (!(s > 0)) fail("BAD_ARGUMENT", "the normal equations are not positive definite; raise the ridge penalty"); L[i * p + i] = Math.sqrt(s); }
      else L[i * p + j] = s / L[j * p + j]!;
    }
  }
  const y = new Float64Array(p), x = new Float64Array(p);
  for (let i = 0; i < p; i++) { let s = b[i]!; for (let k = 0; k < i; k++) s -= L[i * p + k]! * y[k]!; y[i] = s / L[i * p + i]!; }
  for (let i = p - 1; i >= 0; i--) { let s = y[i]!; for (let k = i + 1; k < p; k++) s -= L[k * p + i]! * x[k]!; x[i] = s / L[i * p + i]!; }
  return x;
}

/** Column means and standard deviations (std 1 for a constant column) of rows X. */
function scaler(X: number[][]): { mean: number[]; sd: number[] } {
  const p = X[0]?.length ?? 0, n = X.length;
  const mean = new Array<number>(p).fill(0), sd = new Array<number>(p).fill(0);
  for (const r of X) r.forEach((v, j) => { mean[j] += v / n; });
  for (const r of X) r.forEach((v, j) => { sd[j] += (v - mean[j]!) ** 2 / n; });
  return { mean, sd: sd.map((v) => (v > 1e-24 ? Math.sqrt(v) : 1)) };
}

/** A fitted model: predict(x) for one raw feature row. */
export type Predictor = (x: number[]) => number;

/** Ridge regression y ≈ β₀ + βᵀz on standardised features z: β = (ZᵀZ + αI)⁻¹Zᵀ(y − ȳ), β₀ = ȳ. */
export function fitRidge(X: number[][], y: number[], alpha: number): Predictor {
  const { mean, sd } = scaler(X);
  const p = mean.length, n = X.length;
  const ybar = y.reduce((s, v) => s + v, 0) / n;
  const A = new Float64Array(p * p), b = new Float64Array(p);
  const Z = X.map((r) => r.map((v, j) => (v - mean[j]!) / sd[j]!));
  Z.forEach((z, i) => { for (let j = 0; j < p; j++) { b[j] += z[j]! * (y[i]! - ybar); for (let k = 0; k < p; k++) A[j * p + k] += z[j]! * z[k]!; } });
  for (let j = 0; j < p; j++) A[j * p + j] += alpha;
  const beta = p ? solveSpd(A, b, p) : new Float64Array(0);
  return (x) => ybar + x.reduce((s, v, j) => s + beta[j]! * ((v - mean[j]!) / sd[j]!), 0);
}

/** Logistic regression P(y = 1) = 1/(1 + e^(−β₀ − βᵀz)) with penalty ½α‖β‖², fitted by 30 Newton steps; predicts the probability. */
export function fitLogistic(X: number[][], y: number[], alpha: number): Predictor {
  const { mean, sd } = scaler(X);
  const p = mean.length + 1;
  const Z = X.map((r) => [1, ...r.map((v, j) => (v - mean[j]!) / sd[j]!)]);
  let beta = new Float64Array(p);
  for (let it = 0; it < 30; it++) {
    const H = new Float64Array(p * p), g = new Float64Array(p);
    Z.forEach((z, i) => {
      const eta = z.reduce((s, v, j) => s + v * beta[j]!, 0);
      const mu = 1 / (1 + Math.exp(-eta)), w = Math.max(mu * (1 - mu), 1e-10);
      for (let j = 0; j < p; j++) { g[j] += z[j]! * (y[i]! - mu); for (let k = 0; k < p; k++) H[j * p + k] += w * z[j]! * z[k]!; }
    });
    for (let j = 1; j < p; j++) { H[j * p + j] += alpha; g[j] -= alpha * beta[j]!; }
    H[0] += 1e-8;
    const step = solveSpd(H, g, p);
    beta = beta.map((v, j) => v + step[j]!);
  }
  return (x) => 1 / (1 + Math.exp(-(beta[0]! + x.reduce((s, v, j) => s + beta[j + 1]! * ((v - mean[j]!) / sd[j]!), 0))));
}

/** k folds of 0 … n−1 after a seeded shuffle (sizes differ by at most one). */
export function kFolds(n: number, k: number, seed: number): number[][] {
  if (!(Number.isInteger(k) && k >= 2 && k <= n)) fail("BAD_ARGUMENT", `k-fold cross-validation needs 2 ≤ k ≤ n = ${n}, got k = ${k}`);
  const rng = createRng(seed);
  const idx = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) { const j = rng.int(i + 1); [idx[i], idx[j]] = [idx[j]!, idx[i]!]; }
  return Array.from({ length: k }, (_, f) => idx.filter((_, i) => i % k === f));
}

/** Cross-validated scores of one feature set. */
export interface CvScores {
  /** Regression: R² = 1 − Σ(y − ŷ)²/Σ(y − ȳ)² over the held-out predictions, their mean absolute error, and Spearman's ρ. */
  r2: number;
  mae: number;
  spearman: number;
  /** Classification (above the median): held-out accuracy. */
  accuracy: number;
}

function ranks(a: number[]): number[] {
  const o = a.map((v, i) => [v, i] as const).sort((x, y) => x[0] - y[0]);
  const r = new Array<number>(a.length);
  for (let i = 0; i < o.length;) {
    let j = i;
    while (j + 1 < o.length && o[j + 1]![0] === o[i]![0]) j++;
    for (let k = i; k <= j; k++) r[o[k]![1]] = (i + j) / 2;
    i = j + 1;
  }
  return r;
}

/** Pearson correlation of the ranks. */
export function spearman(a: number[], b: number[]): number {
  const ra = ranks(a), rb = ranks(b), n = a.length;
  const ma = ra.reduce((s, v) => s + v, 0) / n, mb = rb.reduce((s, v) => s + v, 0) / n;
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < n; i++) { sab += (ra[i]! - ma) * (rb[i]! - mb); saa += (ra[i]! - ma) ** 2; sbb += (rb[i]! - mb) ** 2; }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : 0;
}

/** k-fold cross-validation of ridge (target y) and logistic regression (target: y above the median of all y). */
export function crossValidate(X: number[][], y: number[], opts: { k?: number; seed?: number; alpha?: number } = {}): CvScores {
  const n = X.length, k = opts.k ?? 5, alpha = opts.alpha ?? 1;
  const sorted = [...y].sort((a, b) => a - b);
  const median = n % 2 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
  const cls = y.map((v) => (v > median ? 1 : 0));
  const pred = new Array<number>(n), prob = new Array<number>(n);
  for (const test of kFolds(n, k, opts.seed ?? 1)) {
    const held = new Set(test);
    const tr = Array.from({ length: n }, (_, i) => i).filter((i) => !held.has(i));
    const ridge = fitRidge(tr.map((i) => X[i]!), tr.map((i) => y[i]!), alpha);
    const logit = fitLogistic(tr.map((i) => X[i]!), tr.map((i) => cls[i]!), alpha);
    for (const i of test) { pred[i] = ridge(X[i]!); prob[i] = logit(X[i]!); }
  }
  const ybar = y.reduce((s, v) => s + v, 0) / n;
  let ss = 0, st = 0, ae = 0, hit = 0;
  for (let i = 0; i < n; i++) { ss += (y[i]! - pred[i]!) ** 2; st += (y[i]! - ybar) ** 2; ae += Math.abs(y[i]! - pred[i]!); hit += Number((prob[i]! > 0.5 ? 1 : 0) === cls[i]); }
  return { r2: st > 0 ? 1 - ss / st : 0, mae: ae / n, spearman: spearman(pred, y), accuracy: hit / n };
}
