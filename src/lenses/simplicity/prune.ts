// Prunability (Kuhn et al., arXiv 2103.06002): global unstructured magnitude pruning of every weight
// matrix (dense and conv weights; biases and folded scales untouched), no retraining. Keeping
// k = round(ρ·N) weights means the k largest |w|, ties broken by position (earlier layer, then
// earlier flat index, kept first). ρ* is the smallest ρ on a grid (1e-3 by default) whose loss on the
// data is at most (1 + δ)·loss(1), found by bisection (which, as in the paper, assumes the loss falls
// as ρ grows; the curve shows whether it does).
import { engineOf } from "../../core/engine/batch.js";
import { fail } from "../../core/errors.js";
import { checkAborted, LensContext } from "../../core/lens.js";
import { createNetwork, Layer, LayerSpec, Network, outputSize } from "../../core/network.js";
import type { Dataset } from "../../data/dataset.js";
import { predictedClass } from "../eval/index.js";

/** How the loss is measured: softmax cross-entropy with labels (logistic for one output), MSE with regression targets. */
export type PruneLoss = "cross-entropy" | "logistic" | "mse";

/** One pruned network's figures. */
export interface PrunePoint {
  /** Fraction of weights kept (a multiple of the grid). */
  rho: number;
  kept: number;
  loss: number;
  /** Classification accuracy (absent for regression). */
  accuracy?: number;
}

/** Indices of the prunable tensors: dense and conv weights, in layer order. */
export function prunableLayers(net: Network): number[] {
  const out: number[] = [];
  net.layers.forEach((l, i) => { if (l.kind === "dense" || l.kind === "conv2d") out.push(i); });
  return out;
}

/**
 * The keep order of every weight (flat position over prunableLayers, layer by layer): by |w|
 * descending, ties by position ascending. Global mode ranks all weights together; layer-wise mode
 * ranks within each layer (then `order` is the layers' rankings one after another).
 */
export interface KeepOrder {
  layers: number[];
  /** Start of each layer's weights in the flat numbering (length layers + 1). */
  offsets: number[];
  order: Uint32Array;
  layerwise: boolean;
}

/** Rank the weights of `net` for magnitude pruning. */
export function keepOrder(net: Network, layerwise: boolean): KeepOrder {
  const layers = prunableLayers(net);
  const offsets = [0];
  for (const li of layers) offsets.push(offsets[offsets.length - 1]! + (net.layers[li] as Layer & { weight: Float64Array }).weight.length);
  const total = offsets[offsets.length - 1]!;
  const mag = new Float64Array(total);
  layers.forEach((li, k) => { const w = (net.layers[li] as Layer & { weight: Float64Array }).weight; for (let i = 0; i < w.length; i++) mag[offsets[k]! + i] = Math.abs(w[i]!); });
  const order = Uint32Array.from({ length: total }, (_, i) => i);
  const cmp = (a: number, b: number): number => mag[b]! - mag[a]! || a - b;
  if (!layerwise) order.sort(cmp);
  else layers.forEach((_, k) => order.subarray(offsets[k]!, offsets[k + 1]!).sort(cmp));
  return { layers, offsets, order, layerwise };
}

/** The network with only the top fraction `rho` of its weights kept (globally, or in each layer when layer-wise); returns it and the count kept. */
export function pruneNetwork(net: Network, ko: KeepOrder, rho: number): { network: Network; kept: number } {
  const total = ko.offsets[ko.offsets.length - 1]!;
  const keep = new Uint8Array(total);
  let kept = 0;
  if (!ko.layerwise) {
    kept = Math.round(rho * total);
    for (let i = 0; i < kept; i++) keep[ko.order[i]!] = 1;
  } else {
    ko.layers.forEach((_, k) => {
      const a = ko.offsets[k]!, n = ko.offsets[k + 1]! - a, kk = Math.round(rho * n);
      for (let i = 0; i < kk; i++) keep[ko.order[a + i]!] = 1;
      kept += kk;
    });
  }
  const specs: LayerSpec[] = net.layers.map((l, i) => {
    const k = ko.layers.indexOf(i);
    const { shape: _s, ...rest } = l;
    if (k < 0) return rest as LayerSpec;
    const w = (l as Layer & { weight: Float64Array }).weight;
    const o = ko.offsets[k]!;
    const weight = Float64Array.from(w, (v, j) => (keep[o + j] ? v : 0));
    return { ...rest, weight } as LayerSpec;
  });
  return { network: createNetwork(net.inputShape, specs, net.meta), kept };
}

/** Which loss the data set calls for. */
export function lossKind(net: Network, ds: Dataset): PruneLoss {
  const m = outputSize(net);
  if (ds.labels) return m === 1 ? "logistic" : "cross-entropy";
  if (ds.y && ds.targetSize === m) return "mse";
  return fail("BAD_DATA", `${ds.name} has neither labels nor regression targets of the network's ${m} outputs; prunability needs a loss`);
}

/** Mean loss (and accuracy with labels) of outputs n × m on the data. */
export function lossOf(outputs: Float64Array, n: number, m: number, ds: Dataset, kind: PruneLoss): { loss: number; accuracy?: number } {
  let sum = 0, correct = 0;
  for (let s = 0; s < n; s++) {
    const o = s * m;
    if (kind === "cross-entropy") {
      let max = -Infinity;
      for (let j = 0; j < m; j++) max = Math.max(max, outputs[o + j]!);
      let e = 0;
      for (let j = 0; j < m; j++) e += Math.exp(outputs[o + j]! - max);
      sum += max + Math.log(e) - outputs[o + ds.labels![s]!]!;
    } else if (kind === "logistic") {
      // −log σ(z) for label 1, −log(1 − σ(z)) for 0: softplus(∓z), computed without overflow.
      const z = ds.labels![s]! === 1 ? -outputs[o]! : outputs[o]!;
      sum += z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
    } else {
      for (let j = 0; j < m; j++) { const d = outputs[o + j]! - ds.y![o + j]!; sum += (d * d) / m; }
    }
    if (kind !== "mse" && predictedClass(outputs, o, m) === ds.labels![s]) correct++;
  }
  const loss = n > 0 ? sum / n : 0;
  if (!Number.isFinite(loss)) fail("BAD_WEIGHTS", `the ${kind} loss on ${ds.name} is ${loss}: some output is not finite`);
  return kind === "mse" ? { loss } : { loss, accuracy: n > 0 ? correct / n : 0 };
}

/** Options of prunability(). */
export interface PrunabilityOptions {
  delta: number;
  grid: number;
  layerwise: boolean;
  /** Points of the curve, evenly spaced in ρ from 0 to 1 (0: no curve). */
  curvePoints: number;
  float: 32 | 64;
  chunkSize?: number;
}

/** The prunability of a network on data, with the evaluations it made. */
export interface Prunability {
  /** Smallest ρ on the grid with loss(ρ) ≤ (1 + δ)·loss(1), by bisection. */
  rhoStar: number;
  keptAtRhoStar: number;
  weights: number;
  loss: PruneLoss;
  lossFull: number;
  accuracyFull?: number;
  threshold: number;
  /** Bisection steps (forward passes) after loss(1) and loss(0). */
  steps: number;
  /** The curve plus every bisection point, by ρ ascending. */
  curve: PrunePoint[];
  /** Curve points below ρ* whose loss already meets the threshold (the loss is not monotone there; 0 when it is). */
  belowRhoStarPassing: number;
  engine: string;
  /** Milliseconds of the bisection alone (ranking included), and of the extra curve points. */
  ms: { bisection: number; curve: number };
}

/** Prunability ρ* of `net` on `ds` by bisection on the grid, plus the loss/accuracy curve. */
export async function prunability(net: Network, ds: Dataset, o: PrunabilityOptions, ctx: LensContext = {}): Promise<Prunability> {
  if (!(o.delta >= 0) || !Number.isFinite(o.delta)) fail("BAD_ARGUMENT", `delta must be a finite number >= 0, got ${o.delta}`);
  const K = Math.round(1 / o.grid);
  if (!(o.grid > 0 && o.grid <= 1) || Math.abs(K * o.grid - 1) > 1e-9) fail("BAD_ARGUMENT", `grid must divide 1 (e.g. 0.001, 0.01), got ${o.grid}`);
  if (!Number.isInteger(o.curvePoints) || o.curvePoints < 0 || o.curvePoints === 1) fail("BAD_ARGUMENT", `curvePoints must be 0 or an integer >= 2, got ${o.curvePoints}`);
  const kind = lossKind(net, ds);
  const m = outputSize(net);
  const provider = engineOf(ctx);
  let engineName = provider.name;
  const t0 = performance.now();
  const ko = keepOrder(net, o.layerwise);
  const weights = ko.offsets[ko.offsets.length - 1]!;
  const seen = new Map<number, PrunePoint>();
  const evaluate = async (j: number): Promise<PrunePoint> => {
    const hit = seen.get(j);
    if (hit) return hit;
    checkAborted(ctx);
    const rho = j / K;
    const { network, kept } = pruneNetwork(net, ko, rho);
    const engine = await provider.create(network, { float: o.float, withUnits: false, ...(o.chunkSize ? { chunkSize: o.chunkSize } : {}) });
    engineName = engine.name;
    let outputs: Float64Array;
    try {
      outputs = (await engine.run(ds.x, ds.n, { withUnits: false, ...(ctx.signal ? { signal: ctx.signal } : {}) })).outputs;
    } finally {
      await engine.dispose();
    }
    const p: PrunePoint = { rho, kept, ...lossOf(outputs, ds.n, m, ds, kind) };
    seen.set(j, p);
    ctx.onProgress?.({ done: seen.size, total: seen.size + 1, stage: "prunability" });
    return p;
  };
  const full = await evaluate(K);
  const threshold = (1 + o.delta) * full.loss;
  let lo = 0, hi = K, steps = 0;
  const zero = await evaluate(0);
  if (zero.loss <= threshold) hi = 0;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    steps++;
    if ((await evaluate(mid)).loss <= threshold) hi = mid; else lo = mid;
  }
  const tBisect = performance.now() - t0;
  const t1 = performance.now();
  for (let i = 0; i < o.curvePoints; i++) await evaluate(Math.round((i * K) / (o.curvePoints - 1)));
  const curve = [...seen.values()].sort((a, b) => a.rho - b.rho);
  const star = seen.get(hi)!;
  return {
    rhoStar: star.rho, keptAtRhoStar: star.kept, weights, loss: kind,
    lossFull: full.loss, ...(full.accuracy !== undefined ? { accuracyFull: full.accuracy } : {}),
    threshold, steps, curve,
    belowRhoStarPassing: curve.filter((p) => p.rho < star.rho && p.loss <= threshold).length,
    engine: engineName,
    ms: { bisection: tBisect, curve: performance.now() - t1 },
  };
}
