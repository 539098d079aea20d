// The smaller network condensation implies: each counted orientation of a layer merged into one
// neuron. For positively homogeneous activations (σ(r·z) = r·σ(z) for r > 0: ReLU, leaky ReLU, abs)
// neurons with exactly parallel, same-sign u_k = r_k·û merge exactly: Σ a_k σ(u_k·x) = (Σ a_k r_k)·σ(û·x).
// Otherwise the merged neuron is an approximation, and its error is measured, never assumed.
import { ActivationName, activations } from "../../core/activations.js";
import { fail } from "../../core/errors.js";
import { createNetwork, Layer, LayerSpec, Network } from "../../core/network.js";
import { TOLERANCE } from "../../core/tolerance.js";
import { UnitLayer } from "./measure.js";

/** Activations with σ(r·z) = r·σ(z) for every r > 0 (then parallel same-sign neurons merge exactly). */
export const POSITIVELY_HOMOGENEOUS: readonly ActivationName[] = ["relu", "leakyrelu", "abs", "identity"];

/** What to merge in one layer: groups of unit indices (each becomes one neuron) and units to remove. */
export interface LayerMergePlan {
  /** Index of the dense layer in net.layers (a unit layer with a dense consumer). */
  index: number;
  groups: number[][];
  /** Units removed; their constant part a_k·σ(0) goes into the consumer's bias. */
  remove: number[];
}

/** Why a merge is exact or not, per layer. */
export interface LayerMergeInfo {
  layer: string;
  widthBefore: number;
  widthAfter: number;
  mergedGroups: number;
  removed: number;
  /** Exact: homogeneous activation, every group exactly parallel (‖û_k − û_leader‖ ≤ TOLERANCE.parallel), nothing removed but zero rows. */
  exact: boolean;
  reason: string;
}

type Dense = Extract<Layer, { kind: "dense" }>;

function unitRow(w: Float64Array, b: Float64Array, k: number, fan: number): Float64Array {
  const r = new Float64Array(fan + 1);
  r.set(w.subarray(k * fan, (k + 1) * fan));
  r[fan] = b[k]!;
  return r;
}

const norm = (v: Float64Array): number => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

/**
 * Apply merge plans to a network, layer by layer in order (a merge changes only its layer's rows
 * and its consumer's columns, so later plans still index their own rows). The merged neuron of a
 * group G: direction û = the normalised sum of the members' unit vectors; homogeneous activations
 * take u' = r̄·û with r̄ the mean norm and output weights a' = Σ a_k r_k / r̄ (exact when parallel);
 * others keep a' = Σ a_k and u' = r'·û with r' the |a|-weighted mean norm (their first-order match
 * at small scale, where condensation happens).
 */
export function mergeNetwork(net: Network, units: UnitLayer[], plans: LayerMergePlan[]): { network: Network; layers: LayerMergeInfo[] } {
  const specs: LayerSpec[] = net.layers.map((l) => {
    const { shape: _s, ...rest } = l;
    return { ...rest } as LayerSpec;
  });
  const infos: LayerMergeInfo[] = [];
  for (const plan of plans) {
    const u = units.find((x) => x.index === plan.index);
    if (!u || u.kind !== "dense" || u.consumerIndex === undefined) fail("BAD_ARGUMENT", `layer #${plan.index} has no single dense consumer; only dense → activation → dense layers can be merged`);
    const L = specs[plan.index] as Dense, C = specs[u.consumerIndex] as Dense;
    const fan = L.inSize, width = L.outSize, m = C.outSize;
    const homogeneous = POSITIVELY_HOMOGENEOUS.includes(u.activation);
    const act = net.layers[u.activationIndex] as Extract<Layer, { kind: "activation" }>;
    const sigma0 = activations[u.activation].output(0, act);
    const inGroup = new Int32Array(width).fill(-1);
    plan.groups.forEach((g, gi) => { for (const k of g) inGroup[k] = gi; });
    const removed = new Set(plan.remove);
    const rows: Float64Array[] = [], cols: Float64Array[] = [];
    const colOf = (k: number): Float64Array => Float64Array.from({ length: m }, (_, o) => C.weight[o * width + k]!);
    const bias = Float64Array.from(C.bias);
    const trivial = plan.groups.every((g) => g.length <= 1) && removed.size === 0;
    let exact = homogeneous || trivial, why = homogeneous || trivial ? "" : `${u.activation} is not positively homogeneous`;
    for (const k of removed) {
      const r = unitRow(L.weight, L.bias, k, fan);
      if (norm(r) !== 0 && exact) { exact = false; why = `${removed.size} neuron(s) outside the counted orientations removed`; }
      const a = colOf(k);
      for (let o = 0; o < m; o++) bias[o] += a[o]! * sigma0;
    }
    for (let k = 0; k < width; k++) {
      if (removed.has(k)) continue;
      const g = inGroup[k]!;
      if (g < 0) { rows.push(unitRow(L.weight, L.bias, k, fan)); cols.push(colOf(k)); continue; }
      const group = plan.groups[g]!;
      if (group[0] !== k) continue;
      const members = group.map((j) => unitRow(L.weight, L.bias, j, fan));
      const r = members.map(norm);
      const dir = new Float64Array(fan + 1);
      members.forEach((v, i) => { if (r[i]! > 0) for (let t = 0; t <= fan; t++) dir[t] += v[t]! / r[i]!; });
      const dn = norm(dir);
      if (dn > 0) for (let t = 0; t <= fan; t++) dir[t] /= dn;
      const lead = members[0]!, lr = r[0]!;
      if (exact && members.some((v, i) => {
        let s = 0;
        for (let t = 0; t <= fan; t++) s += (v[t]! / (r[i]! || 1) - lead[t]! / (lr || 1)) ** 2;
        return Math.sqrt(s) > TOLERANCE.parallel || r[i] === 0;
      })) { exact = false; why = "some merged neurons are not exactly parallel (‖û_k − û_leader‖ > TOLERANCE.parallel)"; }
      const a = group.map(colOf);
      const col = new Float64Array(m);
      let scale: number;
      if (homogeneous) {
        scale = r.reduce((s, x) => s + x, 0) / r.length;
        for (let i = 0; i < group.length; i++) for (let o = 0; o < m; o++) col[o] += (a[i]![o]! * r[i]!) / (scale || 1);
      } else {
        const wa = a.map(norm);
        const tw = wa.reduce((s, x) => s + x, 0);
        scale = tw > 0 ? r.reduce((s, x, i) => s + x * wa[i]!, 0) / tw : r.reduce((s, x) => s + x, 0) / r.length;
        for (let i = 0; i < group.length; i++) for (let o = 0; o < m; o++) col[o] += a[i]![o]!;
      }
      rows.push(dir.map((x) => x * scale));
      cols.push(col);
    }
    const w2 = rows.length;
    const W = new Float64Array(w2 * fan), B = new Float64Array(w2), CW = new Float64Array(m * w2);
    rows.forEach((r, i) => { W.set(r.subarray(0, fan), i * fan); B[i] = r[fan]!; });
    cols.forEach((c, i) => { for (let o = 0; o < m; o++) CW[o * w2 + i] = c[o]!; });
    specs[plan.index] = { ...L, outSize: w2, weight: W, bias: B };
    specs[u.consumerIndex] = { ...C, inSize: w2, weight: CW, bias };
    if (exact) why = trivial ? "no counted orientation has two or more neurons: nothing merged" : `${u.activation} is positively homogeneous and every merged group is exactly parallel`;
    infos.push({ layer: u.name, widthBefore: width, widthAfter: w2, mergedGroups: plan.groups.length, removed: removed.size, exact, reason: why });
  }
  // activation and flatten layers between take their size from their inputs
  const network = createNetwork(net.inputShape, specs, { ...net.meta, condensationMerge: infos.map((i) => `${i.layer}: ${i.widthBefore} → ${i.widthAfter}`) });
  return { network, layers: infos };
}
