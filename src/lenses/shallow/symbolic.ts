/**
 * An et al.'s transformation, layer by layer (a reconstruction: only the paper's abstract could be
 * read; see README "Shallow"). Every unit beyond the first unit layer is gated: ReLU(u) = max_{s∈{0,1}} s·u.
 *
 * Two hidden layers, f = c + Σ_k v_k ReLU(u_k(x)) with u_k = W_k·ReLU(Ax + b) + c_k already shallow:
 * with P = {k : v_k > 0} and N = {k : v_k < 0},
 *
 *     f = max_{s ⊆ P} min_{t ⊆ N} T_{s,t},   T_{s,t}(x) = c + Σ_{k ∈ s ∪ t} v_k u_k(x),
 *
 * since v·ReLU(u) = max(0, v·u) for v > 0 and min(0, v·u) for v < 0, and sums distribute over
 * max and min. Each T_{s,t} is one one-hidden-layer network on the n_1 first-layer units
 * (output weights Σ_{k∈s∪t} v_k W_k). All v_k >= 0 gives a pure maximum of 2^|P| shallow nets.
 *
 * Deeper (or residual) nets: gating every unit of layers 2..L by a pattern s leaves f_s(x), one
 * shallow network on the first layer's units, and f(x) = f_{s(x)}(x). The layer-by-layer form uses
 * up to ∏_{l>=2} (pieces per unit)^{n_l} such networks — counted here without enumeration — while on
 * a domain only the gatings that occur there are needed (counted from the regions).
 */
import { activations } from "../../core/activations.js";
import { DenseOp, Layer, Network, sizeOf } from "../../core/network.js";
import { unitLayerIndices } from "../../core/summary.js";

/** The counts of the layer-by-layer form, and the explicit two-layer form's check when it ran. */
export interface AnReport {
  /** Units per unit layer. */
  widths: number[];
  /** log2 of the number of gatings of unit layers 2..L: ∏ (pieces per unit)^{units}. */
  gatingsLog2: number;
  /** That number when below 2^53, else null. */
  gatings: number | null;
  /** Hidden units of each gated shallow network (the first unit layer's units). */
  unitsPerNetwork: number;
  /** Gatings (patterns of unit layers 2..L) that occur on the domain's regions. */
  realisedGatings?: number;
  /** The explicit two-hidden-layer max-min form, per target. */
  twoLayer?: {
    perTarget: { positive: number; negative: number; maxTerms: number; minTerms: number; shallowNets: number }[];
    /** Whether the explicit form was evaluated (it has at most maxTerms shallow networks per target). */
    evaluated: boolean;
    /** max |f − max_s min_t T_{s,t}| over the check points (when evaluated). */
    maxAbsDiff?: number;
    points?: number;
  };
}

function piecesPerUnit(layer: Layer): number {
  if (layer.kind === "activation") return (activations[layer.fn].breakpoints?.(layer)?.length ?? 0) + 1;
  if (layer.kind === "maxpool") return layer.kernel[0] * layer.kernel[1];
  return 1;
}

/** Counts of the layer-by-layer form from the architecture; `patterns` (region pattern strings) adds the realised gatings. */
export function anCounts(net: Network, patterns?: string[]): AnReport {
  const ul = unitLayerIndices(net);
  const widths = ul.map((li) => sizeOf(net.layers[li]!.shape));
  let log2 = 0;
  ul.slice(1).forEach((li, k) => { log2 += widths[k + 1]! * Math.log2(piecesPerUnit(net.layers[li]!)); });
  const first = widths[0] ?? 0;
  const r: AnReport = { widths, gatingsLog2: log2, gatings: log2 < 53 ? Math.round(2 ** log2) : null, unitsPerNetwork: first };
  if (patterns) r.realisedGatings = new Set(patterns.map((p) => p.slice(first))).size;
  return r;
}

/** The layers of dense → relu → dense → relu → dense, or undefined for any other shape. */
export function twoLayerMlp(net: Network): { l1: DenseOp; l2: DenseOp; l3: DenseOp } | undefined {
  const L = net.layers;
  const chain = L.every((l, i) => l.inputs.length === 1 && l.inputs[0] === i - 1);
  const kinds = L.map((l) => (l.kind === "activation" ? l.fn : l.kind)).join(",");
  if (!chain || kinds !== "dense,relu,dense,relu,dense") return undefined;
  return { l1: L[0] as DenseOp, l2: L[2] as DenseOp, l3: L[4] as DenseOp };
}

/**
 * The explicit two-layer form of target weights (v, c) — an output, or a difference of outputs — as
 * its shallow networks: T[s,t] output weights over the first-layer units and bias. Ordered with the
 * P-subset s major, the N-subset t minor.
 */
export function twoLayerTerms(l2: DenseOp, v: Float64Array, c: number): { P: number[]; N: number[]; weights: Float64Array[]; bias: number[] } {
  const n1 = l2.inSize, n2 = l2.outSize;
  const P: number[] = [], N: number[] = [];
  for (let k = 0; k < n2; k++) { if (v[k]! > 0) P.push(k); else if (v[k]! < 0) N.push(k); }
  const weights: Float64Array[] = [], bias: number[] = [];
  for (let s = 0; s < 2 ** P.length; s++) {
    for (let t = 0; t < 2 ** N.length; t++) {
      const w = new Float64Array(n1);
      let b = c;
      const add = (k: number): void => { for (let j = 0; j < n1; j++) w[j]! += v[k]! * l2.weight[k * n1 + j]!; b += v[k]! * l2.bias[k]!; };
      P.forEach((k, i) => { if (s & (1 << i)) add(k); });
      N.forEach((k, i) => { if (t & (1 << i)) add(k); });
      weights.push(w); bias.push(b);
    }
  }
  return { P, N, weights, bias };
}

/** max over s of min over t of the explicit terms at one point, from the first layer's ReLU values z1. */
export function twoLayerValue(terms: { P: number[]; N: number[]; weights: Float64Array[]; bias: number[] }, z1: Float64Array): number {
  const nt = 2 ** terms.N.length, ns = 2 ** terms.P.length;
  let best = -Infinity;
  for (let s = 0; s < ns; s++) {
    let worst = Infinity;
    for (let t = 0; t < nt; t++) {
      const k = s * nt + t, w = terms.weights[k]!;
      let y = terms.bias[k]!;
      for (let j = 0; j < z1.length; j++) y += w[j]! * z1[j]!;
      if (y < worst) worst = y;
    }
    if (worst > best) best = worst;
  }
  return best;
}

/** First-layer ReLU values of a point. */
export function firstLayer(l1: DenseOp, x: ArrayLike<number>): Float64Array {
  const z = new Float64Array(l1.outSize);
  for (let k = 0; k < l1.outSize; k++) {
    let s = l1.bias[k]!;
    for (let i = 0; i < l1.inSize; i++) s += l1.weight[k * l1.inSize + i]! * x[i]!;
    z[k] = s > 0 ? s : 0;
  }
  return z;
}
