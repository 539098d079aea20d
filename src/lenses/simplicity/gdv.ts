// The generalized discrimination value (Schilling et al., arXiv 1811.01753) exactly as the FAU
// reference code (cmpGDV) computes it: every dimension z-scored over all points and halved,
// s = (x − μ)/(2σ) with σ the population standard deviation (a constant dimension gives 0, as the
// reference's NaN → 0), then (mean intra-class distance − mean inter-class distance) / √D, with D
// the full dimension (constant dimensions included). 0 = no separation, more negative = better.
import { fail } from "../../core/errors.js";

/** The GDV of one point set and the parts it is made of. */
export interface GdvValue {
  gdv: number;
  /** Mean over classes of the mean pairwise distance within the class (z-scored, halved units). */
  intra: number;
  /** Mean over class pairs of the mean distance between them. */
  inter: number;
  /** Full dimension D (the divisor √D). */
  dims: number;
  /** Dimensions constant over the points (they contribute 0). */
  constantDims: number;
  /** Points per class used, by class label (ascending). */
  perClass: { label: number; n: number }[];
}

/**
 * GDV of n points X (n × D row-major) with class labels: classes with fewer than two points have no
 * intra-class distance and are BAD_ARGUMENT, as are fewer than two classes.
 */
export function gdv(X: Float64Array, n: number, labels: ArrayLike<number>, dims: number): GdvValue {
  if (X.length !== n * dims) fail("SHAPE_MISMATCH", `GDV: ${X.length} values for ${n} points of ${dims} dimensions`);
  if (labels.length !== n) fail("SHAPE_MISMATCH", `GDV: ${labels.length} labels for ${n} points`);
  // z-score (population σ), halved; keep only the non-constant dimensions (the others are 0 everywhere).
  const mean = new Float64Array(dims), sd = new Float64Array(dims);
  for (let i = 0; i < n; i++) for (let d = 0; d < dims; d++) mean[d] += X[i * dims + d]!;
  for (let d = 0; d < dims; d++) mean[d] /= n;
  for (let i = 0; i < n; i++) for (let d = 0; d < dims; d++) { const t = X[i * dims + d]! - mean[d]!; sd[d] += t * t; }
  const live: number[] = [];
  for (let d = 0; d < dims; d++) {
    sd[d] = Math.sqrt(sd[d]! / n);
    if (!Number.isFinite(sd[d]!) || !Number.isFinite(mean[d]!)) fail("BAD_ARGUMENT", `GDV: dimension ${d} has non-finite values`);
    if (sd[d]! > 0) live.push(d);
  }
  const k = live.length;
  const S = new Float64Array(n * k);
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) { const d = live[j]!; S[i * k + j] = (X[i * dims + d]! - mean[d]!) / (2 * sd[d]!); }
  // Points grouped by class, classes ascending.
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < n; i++) { const l = labels[i]!; let g = byClass.get(l); if (!g) byClass.set(l, (g = [])); g.push(i); }
  const classes = [...byClass.keys()].sort((a, b) => a - b);
  if (classes.length < 2) fail("BAD_ARGUMENT", `GDV needs points of at least two classes, got ${classes.length}`);
  for (const c of classes) if (byClass.get(c)!.length < 2) fail("BAD_ARGUMENT", `GDV: class ${c} has ${byClass.get(c)!.length} point; every class needs at least two (the intra-class mean is over pairs)`);
  const dist = (i: number, j: number): number => {
    let s = 0;
    const a = i * k, b = j * k;
    for (let t = 0; t < k; t++) { const u = S[a + t]! - S[b + t]!; s += u * u; }
    return Math.sqrt(s);
  };
  let intra = 0;
  for (const c of classes) {
    const g = byClass.get(c)!;
    let s = 0;
    for (let x = 0; x < g.length; x++) for (let y = x + 1; y < g.length; y++) s += dist(g[x]!, g[y]!);
    intra += (2 * s) / (g.length * (g.length - 1));
  }
  intra /= classes.length;
  let inter = 0;
  for (let p = 0; p < classes.length; p++) {
    for (let q = p + 1; q < classes.length; q++) {
      const g = byClass.get(classes[p]!)!, h = byClass.get(classes[q]!)!;
      let s = 0;
      for (const i of g) for (const j of h) s += dist(i, j);
      inter += s / (g.length * h.length);
    }
  }
  inter /= (classes.length * (classes.length - 1)) / 2;
  return { gdv: (intra - inter) / Math.sqrt(dims), intra, inter, dims, constantDims: dims - k, perClass: classes.map((label) => ({ label, n: byClass.get(label)!.length })) };
}

/** Indices of the first `perClass` samples of each class in data order (all of a class when it has fewer), ascending. */
export function firstPerClass(labels: ArrayLike<number>, perClass: number): number[] {
  const seen = new Map<number, number>();
  const out: number[] = [];
  for (let i = 0; i < labels.length; i++) {
    const c = seen.get(labels[i]!) ?? 0;
    if (c < perClass) { out.push(i); seen.set(labels[i]!, c + 1); }
  }
  return out;
}
