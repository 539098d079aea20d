// Representations on data (after Choi et al.): per hidden layer the N × m matrix of its outputs over
// the samples (uncentred, as numpy's matrix_rank sees it). Sparsity = fraction of exact zeros;
// numerical rank = singular values above the tolerance (numpy's default σ_max·max(N, m)·ε unless
// given); entropy effective rank (Roy & Vetterli); mean |Pearson correlation| over pairs of
// non-constant units. The same rank and effective rank for every weight matrix (conv kernels as
// out × in·kh·kw).
import { activations } from "../../core/activations.js";
import type { BatchResult } from "../../core/engine/reference.js";
import { denseForward } from "../../core/engine/kernels.js";
import { defaultRankTolerance, effectiveRank, numericalRank, singularValues } from "../../core/linalg/svd.js";
import { Layer, Network, sizeOf } from "../../core/network.js";

/** Statistics of one layer's representation on the data. */
export interface RepresentationReport {
  layer: number;
  name: string;
  /** "activation" (a unit layer's output) or "linear" (a dense layer read directly by the next dense layer). */
  kind: "activation" | "linear";
  samples: number;
  units: number;
  sparsity: number;
  rank: number;
  /** The tolerance the rank used and how it was chosen. */
  rankTol: number;
  effectiveRank: number;
  /** Mean |ρ| over pairs of non-constant units (null with fewer than two). */
  correlation: number | null;
  /** Units constant over the samples (dead units among them). */
  constantUnits: number;
  /** Largest and smallest singular value. */
  sigmaMax: number;
  sigmaMin: number;
}

/** Rank and effective rank of one weight matrix. */
export interface WeightReport {
  layer: number;
  name: string;
  rows: number;
  cols: number;
  rank: number;
  rankTol: number;
  effectiveRank: number;
}

/** Statistics of an N × m row-major matrix H. */
export function matrixStats(H: Float64Array, n: number, m: number, tol: number | undefined): Omit<RepresentationReport, "layer" | "name" | "kind"> {
  let zeros = 0;
  for (let i = 0; i < H.length; i++) if (H[i] === 0) zeros++;
  const s = singularValues(H, n, m);
  const rankTol = tol ?? defaultRankTolerance(s, n, m);
  const { correlation, constant } = meanAbsCorrelation(H, n, m);
  return {
    samples: n, units: m, sparsity: H.length ? zeros / H.length : 0,
    rank: numericalRank(s, rankTol), rankTol, effectiveRank: effectiveRank(s),
    correlation, constantUnits: constant,
    sigmaMax: s.length ? s[0]! : 0, sigmaMin: s.length ? s[s.length - 1]! : 0,
  };
}

/** Mean |Pearson ρ| over pairs of non-constant columns, from the centred Gram matrix (a ratio of its entries: no conditioning issue). */
export function meanAbsCorrelation(H: Float64Array, n: number, m: number): { correlation: number | null; constant: number } {
  const mean = new Float64Array(m);
  for (let s = 0; s < n; s++) for (let j = 0; j < m; j++) mean[j] += H[s * m + j]!;
  for (let j = 0; j < m; j++) mean[j] /= Math.max(n, 1);
  const live: number[] = [];
  for (let j = 0; j < m; j++) { for (let s = 0; s < n; s++) if (H[s * m + j] !== H[j]) { live.push(j); break; } }
  const k = live.length;
  if (k < 2 || n < 2) return { correlation: null, constant: m - k };
  const C = new Float64Array(n * k);
  for (let s = 0; s < n; s++) for (let t = 0; t < k; t++) C[s * k + t] = H[s * m + live[t]!]! - mean[live[t]!]!;
  // Upper triangle of CᵀC, row by row (each sample's outer product).
  const G = new Float64Array(k * k);
  for (let s = 0; s < n; s++) {
    const o = s * k;
    for (let a = 0; a < k; a++) {
      const ca = C[o + a]!;
      if (ca === 0) continue;
      const g = a * k;
      for (let b = a; b < k; b++) G[g + b] += ca * C[o + b]!;
    }
  }
  let sum = 0, pairs = 0;
  for (let a = 0; a < k; a++) {
    for (let b = a + 1; b < k; b++) {
      const d = Math.sqrt(G[a * k + a]! * G[b * k + b]!);
      if (d > 0) { sum += Math.min(1, Math.abs(G[a * k + b]! / d)); pairs++; }
    }
  }
  return { correlation: pairs ? sum / pairs : null, constant: m - k };
}

/** The representation layers of a network: activation unit layers, and dense layers whose only reader is a dense layer (a linear hidden layer). */
export function representationLayers(net: Network): { layer: number; kind: "activation" | "linear" }[] {
  const readers = net.layers.map(() => [] as number[]);
  net.layers.forEach((l, i) => { for (const j of l.inputs) if (j >= 0) readers[j]!.push(i); });
  const out: { layer: number; kind: "activation" | "linear" }[] = [];
  net.layers.forEach((l, i) => {
    if (i === net.layers.length - 1) return;
    if (l.kind === "activation" && l.fn !== "identity") out.push({ layer: i, kind: "activation" });
    else if (l.kind === "dense" && readers[i]!.length === 1 && net.layers[readers[i]![0]!]!.kind === "dense") out.push({ layer: i, kind: "linear" });
  });
  return out;
}

/**
 * Every representation layer's output on the samples, from an engine run with unit outputs: an
 * activation layer applies its function to the engine's pre-activations; a linear layer is computed
 * here from its input when that is the network input or another representation (else it is skipped).
 */
export function representationValues(net: Network, run: BatchResult, X: Float64Array): Map<number, Float64Array> {
  const values = new Map<number, Float64Array>();
  const n = run.n;
  for (const { layer: li, kind } of representationLayers(net)) {
    const layer = net.layers[li]!;
    const m = sizeOf(layer.shape);
    if (kind === "activation" && layer.kind === "activation") {
      const k = run.unitLayers.indexOf(li);
      if (k < 0) continue;
      const pre = run.preActivations[k]!, f = activations[layer.fn];
      const H = new Float64Array(pre.length);
      if (layer.fn === "relu") for (let i = 0; i < pre.length; i++) H[i] = pre[i]! > 0 ? pre[i]! : 0;
      else for (let i = 0; i < pre.length; i++) H[i] = f.output(pre[i]!, layer);
      values.set(li, H);
    } else if (layer.kind === "dense") {
      const src = layer.inputs[0]!;
      const input = src === -1 ? X : values.get(src);
      if (!input) continue;
      const H = new Float64Array(n * m), d = layer.inSize;
      for (let s = 0; s < n; s++) denseForward(layer as Layer & { kind: "dense" }, input.subarray(s * d, (s + 1) * d), H.subarray(s * m, (s + 1) * m));
      values.set(li, H);
    }
  }
  return values;
}

/** Rank and effective rank of every dense and conv weight matrix. */
export function weightReports(net: Network, tol: number | undefined): WeightReport[] {
  const out: WeightReport[] = [];
  net.layers.forEach((l, i) => {
    if (l.kind !== "dense" && l.kind !== "conv2d") return;
    const rows = l.kind === "dense" ? l.outSize : l.outChannels;
    const cols = l.weight.length / Math.max(rows, 1);
    const s = singularValues(l.weight, rows, cols);
    const rankTol = tol ?? defaultRankTolerance(s, rows, cols);
    out.push({ layer: i, name: l.name, rows, cols, rank: numericalRank(s, rankTol), rankTol, effectiveRank: effectiveRank(s) });
  });
  return out;
}
