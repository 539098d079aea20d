// The measurement of condensation (Zhou et al. 2022): each hidden neuron's input vector
// u_k = (w_k, b_k), the unit-normalised rows of the kept neurons and their cosine matrix S = U Uᵀ,
// its spectrum (the threshold-free figure) and the authors' ordering by the leading eigenvector.
import { ActivationName } from "../../core/activations.js";
import { symmetricEigen } from "../../core/eigen.js";
import { fail, printable } from "../../core/errors.js";
import { Layer, Network } from "../../core/network.js";

/** A dense or conv layer whose output goes straight into a (non-identity) activation: its neurons are the ones that condense. */
export interface UnitLayer {
  /** Index of the dense/conv layer in net.layers. */
  index: number;
  name: string;
  kind: "dense" | "conv2d";
  activation: ActivationName;
  /** Index of the activation layer. */
  activationIndex: number;
  units: number;
  /** Length of u_k: fan-in plus one (the bias). */
  dim: number;
  /** units × dim, row k = (w_k, b_k) (a conv filter flattened in [in][kh][kw] order, then its bias). */
  vectors: Float64Array;
  /** Index of the dense layer that reads the activation (directly or through a flatten of a vector), when there is exactly one. */
  consumerIndex?: number;
  /** units × outputs of the consumer: row k = a_k, the output weights of neuron k. */
  outWeights?: Float64Array;
  outputs?: number;
}

function consumersOf(net: Network, i: number): number[] {
  const out: number[] = [];
  net.layers.forEach((l, j) => { if (l.inputs.includes(i)) out.push(j); });
  return out;
}

/** Every unit layer of the network, in order. */
export function unitLayers(net: Network): UnitLayer[] {
  const out: UnitLayer[] = [];
  net.layers.forEach((layer, i) => {
    if (layer.kind !== "dense" && layer.kind !== "conv2d") return;
    const next = consumersOf(net, i);
    if (next.length !== 1) return;
    const act = net.layers[next[0]!]!;
    if (act.kind !== "activation" || act.fn === "identity") return;
    const units = layer.kind === "dense" ? layer.outSize : layer.outChannels;
    const fan = layer.kind === "dense" ? layer.inSize : layer.inChannels * layer.kernel[0] * layer.kernel[1];
    const dim = fan + 1;
    const vectors = new Float64Array(units * dim);
    for (let k = 0; k < units; k++) {
      vectors.set(layer.weight.subarray(k * fan, (k + 1) * fan), k * dim);
      vectors[k * dim + fan] = layer.bias[k]!;
    }
    const u: UnitLayer = { index: i, name: layer.name, kind: layer.kind, activation: act.fn, activationIndex: next[0]!, units, dim, vectors };
    const reader = readerOf(net, next[0]!);
    if (layer.kind === "dense" && reader !== undefined) {
      const c = net.layers[reader] as Extract<Layer, { kind: "dense" }>;
      const m = c.outSize;
      const a = new Float64Array(units * m);
      for (let k = 0; k < units; k++) for (let o = 0; o < m; o++) a[k * m + o] = c.weight[o * units + k]!;
      Object.assign(u, { consumerIndex: reader, outWeights: a, outputs: m });
    }
    out.push(u);
  });
  return out;
}

/** The single dense layer reading activation layer `j` (possibly through one flatten, a no-op on a vector), or undefined. */
function readerOf(net: Network, j: number): number | undefined {
  let c = consumersOf(net, j);
  if (c.length !== 1) return undefined;
  if (net.layers[c[0]!]!.kind === "flatten") {
    const f = c[0]!;
    c = consumersOf(net, f);
    if (c.length !== 1) return undefined;
  }
  return net.layers[c[0]!]!.kind === "dense" ? c[0]! : undefined;
}

/** Pick the unit layers a lens option names: a layer name, or the network index of the dense/conv layer; all when absent. */
export function selectLayers(all: UnitLayer[], layer: string | number | undefined): UnitLayer[] {
  if (layer === undefined || layer === "") return all;
  const asIndex = typeof layer === "number" ? layer : /^\d+$/.test(layer) ? Number(layer) : undefined;
  const hit = all.filter((u) => u.name === layer || (asIndex !== undefined && u.index === asIndex));
  if (hit.length === 0) {
    fail("BAD_ARGUMENT", `layer '${printable(String(layer), 60)}' is not a dense or conv layer followed by an activation; the unit layers are ${all.map((u) => `${printable(u.name, 40)} (#${u.index})`).join(", ") || "none"}`);
  }
  return hit;
}

/** The kept neurons of a layer, their unit rows and the cosine matrix. */
export interface CosineMeasure {
  /** Unit indices of the kept neurons (norm ≥ normCut × the layer's largest), ascending. */
  kept: number[];
  /** Unit indices left out for a small norm. */
  dropped: number[];
  /** ‖u_k‖ of every unit. */
  norms: Float64Array;
  /** kept × dim unit rows. */
  rows: Float64Array;
  /** kept × kept cosine matrix S = U Uᵀ (entries clamped to [−1, 1]). */
  cosine: Float64Array;
}

/** Norms, the kept set and S for one unit layer. */
export function cosineMeasure(u: UnitLayer, normCut: number): CosineMeasure {
  const { units, dim, vectors } = u;
  const norms = new Float64Array(units);
  let top = 0;
  for (let k = 0; k < units; k++) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += vectors[k * dim + j]! ** 2;
    norms[k] = Math.sqrt(s);
    top = Math.max(top, norms[k]!);
  }
  const kept: number[] = [], dropped: number[] = [];
  for (let k = 0; k < units; k++) (top > 0 && norms[k]! >= normCut * top ? kept : dropped).push(k);
  const n = kept.length;
  const rows = new Float64Array(n * dim);
  kept.forEach((k, i) => { for (let j = 0; j < dim; j++) rows[i * dim + j] = vectors[k * dim + j]! / norms[k]!; });
  const cosine = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    cosine[i * n + i] = 1;
    for (let j = i + 1; j < n; j++) {
      let s = 0;
      for (let t = 0; t < dim; t++) s += rows[i * dim + t]! * rows[j * dim + t]!;
      s = Math.max(-1, Math.min(1, s));
      cosine[i * n + j] = s;
      cosine[j * n + i] = s;
    }
  }
  return { kept, dropped, norms, rows, cosine };
}

/** The spectrum of S: its largest eigenvalues, how many carry `share` of the trace, and the leading eigenvector (over the kept neurons). */
export interface Spectrum {
  /** Largest eigenvalues of S, descending (at most `max`). */
  eigenvalues: number[];
  /** Fewest eigenvalues whose sum reaches share × trace (trace = number of kept neurons). */
  count: number;
  share: number;
  /** Leading eigenvector of S, one entry per kept neuron. */
  leading: Float64Array;
}

/**
 * The spectrum of S = U Uᵀ, computed from the smaller of S (kept × kept) and the Gram matrix UᵀU
 * (dim × dim), which share their non-zero eigenvalues; the leading eigenvector of S is U v / √λ.
 */
export function spectrum(m: CosineMeasure, dim: number, share: number, max = 20): Spectrum {
  const n = m.kept.length;
  if (n === 0) return { eigenvalues: [], count: 0, share, leading: new Float64Array(0) };
  let values: Float64Array, leading: Float64Array;
  if (n <= dim) {
    const e = symmetricEigen(m.cosine, n);
    values = e.values;
    leading = e.vectors.slice(0, n);
  } else {
    const g = new Float64Array(dim * dim);
    for (let i = 0; i < n; i++) {
      for (let a = 0; a < dim; a++) {
        const ra = m.rows[i * dim + a]!;
        if (ra === 0) continue;
        for (let b = 0; b < dim; b++) g[a * dim + b] += ra * m.rows[i * dim + b]!;
      }
    }
    const e = symmetricEigen(g, dim);
    values = e.values;
    leading = new Float64Array(n);
    const lam = Math.max(values[0]!, Number.MIN_VALUE);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let a = 0; a < dim; a++) s += m.rows[i * dim + a]! * e.vectors[a]!;
      leading[i] = s / Math.sqrt(lam);
    }
    let big = 0;
    for (let i = 1; i < n; i++) if (Math.abs(leading[i]!) > Math.abs(leading[big]!)) big = i;
    if (leading[big]! < 0) for (let i = 0; i < n; i++) leading[i] = -leading[i]!;
  }
  let acc = 0, count = 0;
  const target = share * n;
  for (let k = 0; k < values.length && acc < target * (1 - 1e-12); k++) { acc += Math.max(0, values[k]!); count++; }
  return { eigenvalues: Array.from(values.slice(0, max), (v) => Math.max(0, v)), count, share, leading };
}

/** Kept positions (0..kept−1) sorted by the leading eigenvector's entry, the authors' display order (ties by position). */
export function eigenvectorOrder(s: Spectrum): number[] {
  return Array.from(s.leading.keys()).sort((i, j) => s.leading[i]! - s.leading[j]! || i - j);
}

/** The authors' 1-D features: θ_k = sign(b_k)·arccos(w_k/‖u_k‖) and A_k = a_k·‖u_k‖ (one input, one output). */
export function features1d(u: UnitLayer, norms: Float64Array, units: number[]): { theta: number[]; amplitude: number[] } | undefined {
  if (u.dim !== 2 || !u.outWeights || u.outputs !== 1) return undefined;
  const theta: number[] = [], amplitude: number[] = [];
  for (const k of units) {
    const w = u.vectors[k * 2]!, b = u.vectors[k * 2 + 1]!, r = norms[k]!;
    theta.push((b < 0 ? -1 : 1) * Math.acos(Math.max(-1, Math.min(1, w / r))));
    amplitude.push(u.outWeights[k]! * r);
  }
  return { theta, amplitude };
}
