// Node strengths and degrees, per-layer summaries and distributions, and Scabini's signed strengths
// of each weight matrix (src/core/weights/strength.ts).
import { Layer, Network } from "../../core/network.js";
import { strengths as signedStrengths, variance } from "../../core/weights/strength.js";
import { NetGraph } from "./build.js";

/** Per node: strength s = Σ|w| over all incident edges, its parts from earlier (in) and to later (out) layers, and the number of edges. */
export interface NodeStrengths {
  strength: Float64Array;
  inStrength: Float64Array;
  outStrength: Float64Array;
  degree: Int32Array;
}

/** Strengths and degrees of every node. */
export function nodeStrengths(g: NetGraph): NodeStrengths {
  const strength = new Float64Array(g.nodes), inStrength = new Float64Array(g.nodes), outStrength = new Float64Array(g.nodes);
  const degree = new Int32Array(g.nodes);
  for (let e = 0; e < g.src.length; e++) {
    const s = g.src[e]!, d = g.dst[e]!, a = g.abs[e]!;
    outStrength[s] += a; inStrength[d] += a;
    degree[s]++; degree[d]++;
  }
  for (let i = 0; i < g.nodes; i++) strength[i] = inStrength[i]! + outStrength[i]!;
  return { strength, inStrength, outStrength, degree };
}

/** Mean, population variance, standard deviation, min and max of a list. */
export interface Stats { mean: number; variance: number; std: number; min: number; max: number }

/** The summary statistics of a[lo, hi). */
export function statsOf(a: ArrayLike<number>, lo = 0, hi = a.length): Stats {
  const n = hi - lo;
  if (n <= 0) return { mean: 0, variance: 0, std: 0, min: 0, max: 0 };
  let m = 0, min = Infinity, max = -Infinity;
  for (let i = lo; i < hi; i++) { const v = a[i]!; m += v; if (v < min) min = v; if (v > max) max = v; }
  m /= n;
  let q = 0;
  for (let i = lo; i < hi; i++) q += (a[i]! - m) ** 2;
  const variance = q / n;
  return { mean: m, variance, std: Math.sqrt(variance), min, max };
}

/** An equal-width histogram: bins[k] counts values in [edges[k], edges[k+1]) (the last bin closed). */
export interface Histogram { edges: number[]; counts: number[] }

/** Histogram of a[lo, hi) over `bins` equal bins from min to max (integer values: one bin per integer when they span at most `bins`). */
export function histogramOf(a: ArrayLike<number>, lo: number, hi: number, bins: number, integer = false): Histogram {
  const s = statsOf(a, lo, hi);
  if (hi <= lo) return { edges: [0, 1], counts: [0] };
  let width: number, nb: number, first = s.min;
  if (integer && s.max - s.min + 1 <= bins) { nb = s.max - s.min + 1; width = 1; first = s.min - 0.5; }
  else { nb = bins; width = s.max > s.min ? (s.max - s.min) / bins : 1; }
  const counts = new Array<number>(nb).fill(0);
  for (let i = lo; i < hi; i++) counts[Math.min(nb - 1, Math.max(0, Math.floor((a[i]! - first) / width)))]!++;
  return { edges: Array.from({ length: nb + 1 }, (_, k) => first + k * width), counts };
}

/** Scabini et al.'s signed strengths of one weight matrix W (rows = outputs; conv reshaped to out × in·kh·kw). */
export interface SignedStrengths {
  layer: string;
  networkLayer: number;
  rows: number;
  cols: number;
  /** Variance of the column sums Σ_i W_ij (the in-strength of each input j). */
  columnSumVariance: number;
  /** Variance of the row sums Σ_j W_ij (the out-strength of each output i). */
  rowSumVariance: number;
  columnSumMean: number;
  rowSumMean: number;
  /** The authors' score: the mean of the two variances. */
  score: number;
}

/** Signed strengths of a dense or conv layer's weight matrix. */
export function signedStrengthsOf(l: Layer, idx: number): SignedStrengths | undefined {
  if (l.kind !== "dense" && l.kind !== "conv2d") return undefined;
  const rows = l.kind === "dense" ? l.outSize : l.outChannels;
  const cols = l.kind === "dense" ? l.inSize : l.inChannels * l.kernel[0] * l.kernel[1];
  const s = signedStrengths(l.weight, rows, cols);
  const cv = variance(s.input), rv = variance(s.output);
  return {
    layer: l.name, networkLayer: idx, rows, cols, columnSumVariance: cv, rowSumVariance: rv,
    columnSumMean: statsOf(s.input).mean, rowSumMean: statsOf(s.output).mean, score: (cv + rv) / 2,
  };
}

/** Signed strengths of every weight matrix of a network, in order. */
export function signedStrengthsOfNetwork(net: Network): SignedStrengths[] {
  return net.layers.map((l, i) => signedStrengthsOf(l, i)).filter((x): x is SignedStrengths => x !== undefined);
}
