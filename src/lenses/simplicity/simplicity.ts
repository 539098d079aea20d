// The simplicity lens: how much of a network its data really use — prunability, dead and undead
// units (beside their certificate on the data's bounding box), representation sparsity and rank,
// effective ranks of representations and weights, and the GDV per layer.
import type { StabilityMethod } from "../stability/index.js";
import { engineOf } from "../../core/engine/batch.js";
import { fail } from "../../core/errors.js";
import { checkAborted, LensContext, LensOptions, LensResultBase, since, Timings } from "../../core/lens.js";
import { EPS64 } from "../../core/linalg/svd.js";
import { inputSize, Network, outputSize } from "../../core/network.js";
import { subset, type Dataset } from "../../data/dataset.js";
import { firstPerClass, gdv, GdvValue } from "./gdv.js";
import { ION_INVARIANCE } from "./ion.js";
import { prunability, Prunability } from "./prune.js";
import { matrixStats, representationValues, RepresentationReport, weightReports, WeightReport } from "./representations.js";
import { certifyOnBox, deadAndUndead, UnitLayerReport } from "./units.js";

/** The measures the lens can take. */
export const SIMPLICITY_MEASURES = ["prunability", "units", "representations", "gdv"] as const;
/** One measure of the lens. */
export type SimplicityMeasure = (typeof SIMPLICITY_MEASURES)[number];

/** Options of the simplicity lens. */
export interface SimplicityOptions {
  measures?: string;
  delta?: number;
  grid?: number;
  layerwise?: boolean;
  curvePoints?: number;
  certify?: Exclude<StabilityMethod, "auto"> | "none";
  certifyTimeLimit?: number;
  gdvPerClass?: number;
  rankTol?: number;
  float?: 32 | 64;
  chunkSize?: number;
}

/** The simplicity lens's options, each default stated once. */
export const SIMPLICITY_OPTIONS: LensOptions<SimplicityOptions> = {
  measures: { default: "prunability,units,representations,gdv", description: "comma-separated measures to take: prunability, units (dead/undead), representations (sparsity, rank, effective rank, correlation), gdv" },
  delta: { default: 0.05, description: "prunability tolerance δ: ρ* is the smallest kept fraction with loss ≤ (1 + δ)·loss(1)" },
  grid: { default: 0.001, description: "grid of ρ on which ρ* is found by bisection (must divide 1)" },
  layerwise: { default: false, description: "prune each weight matrix to the same fraction instead of ranking all weights globally" },
  curvePoints: { default: 51, description: "points of the loss/accuracy-against-ρ curve, evenly spaced from 0 to 1 (0: none; bisection points are always in it)" },
  certify: { default: "crown", description: "stability method certifying dead/undead units on the data's bounding box: ibp, crown, lp, milp, or none" },
  certifyTimeLimit: { default: 120, description: "seconds for the certification on the bounding box (undecided units count as not certified)" },
  gdvPerClass: { default: 200, description: "GDV points: the first N samples of each class in data order (the GDV is quadratic in points)" },
  rankTol: { description: "absolute singular-value tolerance of the numerical rank (default numpy's: σ_max·max(rows, cols)·ε)" },
  float: { default: 64, description: "engine precision: 64 (exact) or 32 (faster; needs the onnxruntime engine)" },
  chunkSize: { description: "samples per engine run (the engine's default when absent)" },
};

/** GDV of one layer. */
export interface GdvLayer extends GdvValue {
  layer: number | "input" | "output";
  name: string;
}

/** The simplicity lens's result (schema "netsize.simplicity/1"). */
export interface SimplicityResult extends LensResultBase {
  schema: "netsize.simplicity/1";
  data: string;
  samples: number;
  engine: string;
  parameters: { weights: number; biases: number };
  prunability?: Prunability;
  units?: { layers: UnitLayerReport[]; certification?: { method: string; certificate: string; box: string; ms: number; complete: boolean } };
  representations?: { layers: RepresentationReport[]; weights: WeightReport[]; rankTolerance: string };
  gdv?: { layers: GdvLayer[]; points: number; perClass: number };
  /** Which measures identical-output networks (netsize transform --ion) leave unchanged. */
  invariance: typeof ION_INVARIANCE;
}

function parseMeasures(s: string): Set<SimplicityMeasure> {
  const out = new Set<SimplicityMeasure>();
  for (const part of s.split(",").map((x) => x.trim()).filter((x) => x !== "")) {
    if (!(SIMPLICITY_MEASURES as readonly string[]).includes(part)) fail("BAD_ARGUMENT", `unknown simplicity measure '${part}'; use ${SIMPLICITY_MEASURES.join(", ")}`);
    out.add(part as SimplicityMeasure);
  }
  if (out.size === 0) fail("BAD_ARGUMENT", `no measure asked for; use some of ${SIMPLICITY_MEASURES.join(", ")}`);
  return out;
}

/** Measure how much of `net` the data `ds` use. */
export async function simplicity(net: Network, ds: Dataset, options: SimplicityOptions = {}, ctx: LensContext = {}): Promise<SimplicityResult> {
  const t0 = performance.now();
  const D = SIMPLICITY_OPTIONS;
  const o = {
    measures: options.measures ?? D.measures.default!, delta: options.delta ?? D.delta.default!, grid: options.grid ?? D.grid.default!,
    layerwise: options.layerwise ?? D.layerwise.default!, curvePoints: options.curvePoints ?? D.curvePoints.default!,
    certify: options.certify ?? D.certify.default!, certifyTimeLimit: options.certifyTimeLimit ?? D.certifyTimeLimit.default!,
    gdvPerClass: options.gdvPerClass ?? D.gdvPerClass.default!, float: options.float ?? D.float.default!,
    ...(options.rankTol !== undefined ? { rankTol: options.rankTol } : {}), ...(options.chunkSize ? { chunkSize: options.chunkSize } : {}),
  };
  const measures = parseMeasures(o.measures);
  const d = ds.n > 0 ? ds.x.length / ds.n : inputSize(net);
  if (d !== inputSize(net)) fail("DOMAIN_MISMATCH", `${ds.name} has ${d} features per sample ([${ds.shape.join(",")}]), the network expects ${inputSize(net)} ([${net.inputShape.join(",")}])`);
  if (ds.n === 0) fail("BAD_DATA", `${ds.name} has no samples`);
  if (!["ibp", "crown", "lp", "milp", "none"].includes(o.certify)) fail("BAD_ARGUMENT", `certify must be ibp, crown, lp, milp or none, got '${o.certify}'`);
  if (!Number.isInteger(o.gdvPerClass) || o.gdvPerClass < 2) fail("BAD_ARGUMENT", `gdvPerClass must be an integer >= 2, got ${o.gdvPerClass}`);
  if (o.rankTol !== undefined && !(o.rankTol >= 0)) fail("BAD_ARGUMENT", `rankTol must be >= 0, got ${o.rankTol}`);
  const timings: Timings = { total: 0 };
  let weights = 0, biases = 0;
  for (const l of net.layers) if (l.kind === "dense" || l.kind === "conv2d") { weights += l.weight.length; biases += l.bias.length; }
  const result: SimplicityResult = {
    schema: "netsize.simplicity/1", options: o,
    tolerance: { rankEps: EPS64, ...(o.rankTol !== undefined ? { rankTol: o.rankTol } : {}) },
    timings, data: ds.name, samples: ds.n, engine: engineOf(ctx).name, parameters: { weights, biases }, invariance: ION_INVARIANCE,
  };

  if (measures.has("prunability")) {
    const t = performance.now();
    result.prunability = await prunability(net, ds, { delta: o.delta, grid: o.grid, layerwise: o.layerwise, curvePoints: o.curvePoints, float: o.float, ...(o.chunkSize ? { chunkSize: o.chunkSize } : {}) }, ctx);
    result.engine = result.prunability.engine;
    timings.prunability = since(t);
  }
  if (!measures.has("units") && !measures.has("representations") && !measures.has("gdv")) { timings.total = since(t0); return result; }

  // One forward pass with unit outputs serves dead/undead units, representations and the GDV.
  let t = performance.now();
  checkAborted(ctx);
  const engine = await engineOf(ctx).create(net, { float: o.float, withUnits: true, ...(o.chunkSize ? { chunkSize: o.chunkSize } : {}) });
  result.engine = engine.name;
  let run;
  try {
    run = await engine.run(ds.x, ds.n, { withUnits: true, ...ctx });
  } finally {
    await engine.dispose();
  }
  timings.forward = since(t);

  if (measures.has("units")) {
    t = performance.now();
    const layers = deadAndUndead(net, run);
    result.units = { layers };
    if (o.certify !== "none") result.units.certification = await certifyOnBox(net, ds, layers, o.certify, o.certifyTimeLimit, ctx);
    timings.units = since(t);
  }
  const values = measures.has("representations") || measures.has("gdv") ? representationValues(net, run, ds.x) : new Map<number, Float64Array>();
  if (measures.has("representations")) {
    t = performance.now();
    const layers: RepresentationReport[] = [];
    for (const [li, H] of values) {
      checkAborted(ctx);
      const layer = net.layers[li]!;
      const m = H.length / ds.n;
      layers.push({ layer: li, name: layer.name, kind: layer.kind === "activation" ? "activation" : "linear", ...matrixStats(H, ds.n, m, o.rankTol) });
      ctx.onProgress?.({ done: layers.length, total: values.size, stage: "representations" });
    }
    result.representations = { layers, weights: weightReports(net, o.rankTol), rankTolerance: o.rankTol !== undefined ? `absolute ${o.rankTol}` : "numpy matrix_rank default: σ_max · max(rows, cols) · 2^-52" };
    timings.representations = since(t);
  }
  if (measures.has("gdv")) {
    t = performance.now();
    if (!ds.labels) fail("BAD_DATA", `${ds.name} has no labels; the GDV needs classes (leave gdv out of --measures)`);
    const idx = firstPerClass(ds.labels, o.gdvPerClass);
    const labels = Int32Array.from(idx, (i) => ds.labels![i]!);
    const rows = (M: Float64Array, w: number): Float64Array => subset({ name: "", n: ds.n, shape: [w], x: M }, idx).x;
    const layers: GdvLayer[] = [{ layer: "input", name: "input", ...gdv(rows(ds.x, d), idx.length, labels, d) }];
    for (const [li, H] of values) {
      checkAborted(ctx);
      const w = H.length / ds.n;
      layers.push({ layer: li, name: net.layers[li]!.name, ...gdv(rows(H, w), idx.length, labels, w) });
    }
    const m = outputSize(net);
    layers.push({ layer: "output", name: "logits", ...gdv(rows(run.outputs, m), idx.length, labels, m) });
    result.gdv = { layers, points: idx.length, perClass: o.gdvPerClass };
    timings.gdv = since(t);
  }
  timings.total = since(t0);
  return result;
}
