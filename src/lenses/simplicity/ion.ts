// Identical-output networks (Choi et al., arXiv 1811.03666): the same function with different
// representation statistics. For a hidden layer h and its reader W'h + b', any invertible affine map
// h̃ = A h + c with the reader replaced by W'A⁻¹ h̃ + (b' − W'A⁻¹ c) leaves the output unchanged.
// A ReLU does not commute with an arbitrary A, so there are two constructions:
//  - "scale": A = P·D (a permutation times a positive diagonal) moved through the activation,
//    σ(PDz) = PDσ(z) for σ = ReLU, leaky ReLU, |·|: the producing dense layer's rows are permuted and
//    scaled, the reader's columns unscaled. Same architecture; no shift is possible.
//  - "affine": a new dense layer h̃ = A σ(z) + c after the activation (a linear hidden layer), with
//    A = Q·diag(s) (Q a random orthogonal matrix, s in [1/4, 4], so A⁻¹ = diag(1/s)·Qᵀ exactly in
//    real arithmetic) and c ~ N(0, 1); the reader gets W'A⁻¹ and b' − W'A⁻¹c.
import { fail } from "../../core/errors.js";
import { createNetwork, DenseOp, Layer, LayerSpec, Network, sizeOf } from "../../core/network.js";
import { createRng, Rng } from "../../core/random.js";

/** Which construction an identical-output network uses. */
export type IonMap = "scale" | "affine";

/** What was changed at one hidden layer. */
export interface IonChange {
  /** The activation layer (index and name in the original network). */
  layer: number;
  name: string;
  map: IonMap;
  units: number;
  /** Scale range used (s in [1/4, 4]). */
  scaleRange: [number, number];
  /** Name of the inserted linear layer (affine). */
  inserted?: string;
}

/** An identical-output network and how it was made. */
export interface IonResult {
  network: Network;
  seed: number;
  map: IonMap;
  changes: IonChange[];
}

const POSITIVELY_HOMOGENEOUS = new Set(["relu", "leakyrelu", "abs"]);
const S_LO = 0.25, S_HI = 4;

/** Which lens measures each construction leaves unchanged (true) or may change (false), and why. */
export const ION_INVARIANCE: Record<string, { scale: boolean; affine: boolean; why: string }> = {
  "loss, accuracy": { scale: true, affine: true, why: "the function is unchanged" },
  "prunability ρ*": { scale: false, affine: false, why: "magnitude pruning ranks raw |w|, which both maps rescale" },
  "dead / undead units": { scale: true, affine: true, why: "P·D keeps the sign of every pre-activation; the affine map acts after the activation, on a linear layer that has no units" },
  sparsity: { scale: true, affine: false, why: "P·D maps zeros to zeros; a dense A and shift c fill them in" },
  "numerical rank": { scale: true, affine: false, why: "an invertible A keeps rank(H), but the shift c can add or remove one (rank [H 1])" },
  "effective rank": { scale: false, affine: false, why: "a non-orthogonal map changes the singular values' spread" },
  correlation: { scale: true, affine: false, why: "Pearson ρ ignores positive scaling and permutation only permutes the pairs" },
  GDV: { scale: true, affine: false, why: "z-scoring removes per-dimension scale and shift, and distances ignore permutation; a rotation followed by z-scoring does not" },
};

/** Hidden activation layers an ION may transform: read by exactly one dense layer (and, for "scale", produced by a dense layer read only by it, with a positively homogeneous activation). */
export function ionCandidates(net: Network, map: IonMap): number[] {
  const readers = net.layers.map(() => [] as number[]);
  net.layers.forEach((l, i) => { for (const j of l.inputs) if (j >= 0) readers[j]!.push(i); });
  const out: number[] = [];
  net.layers.forEach((l, i) => {
    if (l.kind !== "activation" || l.fn === "identity" || readers[i]!.length !== 1) return;
    const r = net.layers[readers[i]![0]!]!;
    if (r.kind !== "dense" || r.inputs.length !== 1) return;
    if (map === "scale") {
      const p = l.inputs[0]!;
      if (!POSITIVELY_HOMOGENEOUS.has(l.fn) || p < 0 || net.layers[p]!.kind !== "dense" || readers[p]!.length !== 1) return;
    }
    out.push(i);
  });
  return out;
}

function permutation(rng: Rng, m: number): number[] {
  const p = Array.from({ length: m }, (_, i) => i);
  for (let i = m - 1; i > 0; i--) { const j = rng.int(i + 1); [p[i], p[j]] = [p[j]!, p[i]!]; }
  return p;
}

const scaleOf = (rng: Rng): number => Math.exp((2 * rng.next() - 1) * Math.log(S_HI));

/** A random m × m orthogonal matrix (row-major): the product of m Householder reflections with Gaussian directions. */
function randomOrthogonal(rng: Rng, m: number): Float64Array {
  const Q = new Float64Array(m * m);
  for (let i = 0; i < m; i++) Q[i * m + i] = 1;
  const v = new Float64Array(m);
  for (let r = 0; r < m; r++) {
    let vv = 0;
    for (let i = 0; i < m; i++) { v[i] = rng.normal(); vv += v[i]! * v[i]!; }
    if (!(vv > 0)) continue;
    // Q ← Q (I − 2 v vᵀ / vᵀv)
    for (let i = 0; i < m; i++) {
      let d = 0;
      for (let j = 0; j < m; j++) d += Q[i * m + j]! * v[j]!;
      const f = (2 * d) / vv;
      for (let j = 0; j < m; j++) Q[i * m + j] -= f * v[j]!;
    }
  }
  return Q;
}

type Spec = LayerSpec & { name: string; inputs: number[] };

/** An identical-output network of `net`: the chosen hidden activation layers (default: every candidate) transformed by seeded random maps. */
export function identicalOutputNetwork(net: Network, opts: { seed: number; map?: IonMap; layers?: number[] }): IonResult {
  const map = opts.map ?? "scale";
  if (map !== "scale" && map !== "affine") fail("BAD_ARGUMENT", `unknown ION map '${String(map)}'; use scale or affine`);
  if (!Number.isInteger(opts.seed)) fail("BAD_ARGUMENT", `the ION seed must be an integer, got ${opts.seed}`);
  const candidates = ionCandidates(net, map);
  const chosen = opts.layers ?? candidates;
  for (const li of chosen) {
    if (!candidates.includes(li)) {
      const l = net.layers[li];
      fail("BAD_ARGUMENT", `layer ${li}${l ? ` (${l.name}, ${l.kind})` : ""} cannot take a${map === "affine" ? "n affine" : " scale"} ION map: it must be a hidden activation read by one dense layer${map === "scale" ? ", produced by a dense layer, with ReLU, leaky ReLU or abs" : ""}; candidates: ${candidates.join(", ") || "none"}`);
    }
  }
  if (chosen.length === 0) fail("UNSUPPORTED_OP", `the network has no hidden activation layer between dense layers that a ${map} ION map can transform`);
  const rng = createRng(opts.seed);
  const readerOf = (a: number): number => net.layers.findIndex((l) => l.inputs.includes(a));
  const specs: Spec[] = net.layers.map((l) => {
    const { shape: _s, ...rest } = l as Layer;
    const spec = { ...rest, inputs: [...l.inputs] } as Spec;
    if (l.kind === "dense" || l.kind === "conv2d") Object.assign(spec, { weight: Float64Array.from(l.weight), bias: Float64Array.from(l.bias) });
    return spec;
  });
  const changes: IonChange[] = [];
  const insertAfter = new Map<number, Spec>();
  for (const a of [...chosen].sort((x, y) => x - y)) {
    const m = sizeOf(net.layers[a]!.shape);
    const reader = specs[readerOf(a)] as Spec & DenseOp;
    const n = reader.outSize;
    if (map === "scale") {
      const prod = specs[net.layers[a]!.inputs[0]!] as Spec & DenseOp;
      const p = permutation(rng, m), s = p.map(() => scaleOf(rng));
      const W = prod.weight, b = prod.bias, d = prod.inSize;
      const W2 = new Float64Array(W.length), b2 = new Float64Array(m);
      for (let k = 0; k < m; k++) { for (let j = 0; j < d; j++) W2[k * d + j] = s[k]! * W[p[k]! * d + j]!; b2[k] = s[k]! * b[p[k]!]!; }
      prod.weight = W2; prod.bias = b2;
      const R = reader.weight, R2 = new Float64Array(R.length);
      for (let o = 0; o < n; o++) for (let k = 0; k < m; k++) R2[o * m + k] = R[o * m + p[k]!]! / s[k]!;
      reader.weight = R2;
      changes.push({ layer: a, name: net.layers[a]!.name, map, units: m, scaleRange: [S_LO, S_HI] });
    } else {
      const Q = randomOrthogonal(rng, m), s = Array.from({ length: m }, () => scaleOf(rng)), c = Float64Array.from({ length: m }, () => rng.normal());
      // A = Q·diag(s); A⁻¹ = diag(1/s)·Qᵀ.
      const A = new Float64Array(m * m);
      for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) A[i * m + j] = Q[i * m + j]! * s[j]!;
      // (W'A⁻¹)[o][k] = Σ_j W'[o][j] / s[j] · Q[k][j]
      const R = reader.weight, R2 = new Float64Array(n * m), b2 = Float64Array.from(reader.bias);
      const Rs = new Float64Array(m);
      for (let o = 0; o < n; o++) {
        for (let j = 0; j < m; j++) Rs[j] = R[o * m + j]! / s[j]!;
        for (let k = 0; k < m; k++) {
          let t = 0;
          for (let j = 0; j < m; j++) t += Rs[j]! * Q[k * m + j]!;
          R2[o * m + k] = t;
        }
        for (let j = 0; j < m; j++) b2[o] -= R2[o * m + j]! * c[j]!;
      }
      reader.weight = R2; reader.bias = b2;
      const name = `${net.layers[a]!.name}_ion`;
      insertAfter.set(a, { kind: "dense", inSize: m, outSize: m, weight: A, bias: c, name, inputs: [a] } as Spec);
      changes.push({ layer: a, name: net.layers[a]!.name, map, units: m, scaleRange: [S_LO, S_HI], inserted: name });
    }
  }
  // Lay out the layers with the inserted ones, remapping every input index.
  const newIndex: number[] = [];
  const out: Spec[] = [];
  specs.forEach((sp, i) => {
    newIndex[i] = out.length;
    out.push(sp);
    const ins = insertAfter.get(i);
    if (ins) out.push({ ...ins, inputs: [newIndex[i]!] });
  });
  const insertedAt = new Map<number, number>([...insertAfter.keys()].map((a) => [a, newIndex[a]! + 1]));
  for (let i = 0; i < specs.length; i++) {
    const sp = out[newIndex[i]!]!;
    sp.inputs = specs[i]!.inputs.map((j) => (j === -1 ? -1 : insertedAt.get(j) ?? newIndex[j]!));
  }
  const network = createNetwork(net.inputShape, out, { ...net.meta, ion: { seed: opts.seed, map, layers: changes.map((c) => c.name) } });
  return { network, seed: opts.seed, map, changes };
}
