// The condensation lens: onto how many orientations do a layer's neurons gather (Zhou et al. 2022),
// and how close is the smaller network that merges each counted orientation into one neuron.
import { engineOf } from "../../core/engine/batch.js";
import { fail } from "../../core/errors.js";
import { LensContext, LensOptions, LensResultBase, checkAborted, since } from "../../core/lens.js";
import { inputSize, Network, outputSize } from "../../core/network.js";
import type { Dataset } from "../../data/dataset.js";
import { CLUSTER_RULES, ClusterRule } from "./clusters.js";
import { analyzeLayer, countedOrientations, LayerCondensation, LayerSettings } from "./layer.js";
import { selectLayers, unitLayers, UnitLayer } from "./measure.js";
import { LayerMergeInfo, LayerMergePlan, mergeNetwork } from "./merge.js";

/** Options of the condensation lens. */
export interface CondensationOptions {
  /** Main threshold τ: lines are |cos| ≥ τ, orientations cos ≥ τ. */
  threshold?: number;
  /** Thresholds reported side by side (the main one is added). */
  thresholds?: number[];
  /** Main clustering rule. */
  rule?: ClusterRule;
  /** A cluster counts when it holds at least this share of the kept neurons. */
  minShare?: number;
  /** Neurons with ‖u_k‖ below this × the layer's largest are left out (and counted). */
  normCut?: number;
  /** Layer name or network index of one dense/conv layer (default: every unit layer). */
  layer?: string | number;
  /** Share of trace(S) the eigenvalue count must carry. */
  traceShare?: number;
  /** Include the cosine matrix when at most this many neurons are kept. */
  matrixMax?: number;
  /** Build the merged network and measure it (dense → activation → dense layers only). */
  merge?: boolean;
  /** The most units one layer may have (S is units² float64). */
  maxUnits?: number;
}

/** The lens's options, each default stated once. */
export const CONDENSATION_OPTIONS: LensOptions<CondensationOptions> = {
  threshold: { default: 0.95, description: "main threshold τ: a line is |cos| ≥ τ, an orientation cos ≥ τ" },
  thresholds: { default: [0.9, 0.95, 0.99], description: "thresholds reported side by side (the main τ is added)" },
  rule: { default: "greedy", description: "main clustering rule: greedy (the neuron with most free neighbours and those neighbours, repeatedly) or complete (complete linkage cut at 1 − τ)" },
  minShare: { default: 0.05, description: "a line or orientation counts when it holds at least this share of the kept neurons (weighted: of Σ‖a_k‖·‖u_k‖)" },
  normCut: { default: 1e-3, description: "neurons with ‖u_k‖ below this × the layer's largest are left out and counted" },
  layer: { description: "one layer (name or network index of the dense/conv layer); default every dense/conv layer followed by an activation" },
  traceShare: { default: 0.95, description: "the threshold-free figure: fewest eigenvalues of S carrying this share of its trace" },
  matrixMax: { default: 512, description: "include the cosine matrix S in the result when at most this many neurons are kept" },
  merge: { default: true, description: "build the smaller network (each counted orientation merged into one neuron) and measure its error" },
  maxUnits: { default: 4096, description: "the most neurons one layer may have (S takes units² float64 values)" },
};

/** The resolved settings, checked. */
export function resolveSettings(o: CondensationOptions = {}): LayerSettings & { layer?: string | number; merge: boolean; maxUnits: number } {
  const d = CONDENSATION_OPTIONS;
  const s = {
    threshold: o.threshold ?? d.threshold.default!, thresholds: o.thresholds ?? d.thresholds.default!, rule: o.rule ?? d.rule.default!,
    minShare: o.minShare ?? d.minShare.default!, normCut: o.normCut ?? d.normCut.default!, traceShare: o.traceShare ?? d.traceShare.default!,
    matrixMax: o.matrixMax ?? d.matrixMax.default!, merge: o.merge ?? d.merge.default!, maxUnits: o.maxUnits ?? d.maxUnits.default!,
    ...(o.layer !== undefined ? { layer: o.layer } : {}),
  };
  const unit = (v: number): boolean => Number.isFinite(v) && v > 0 && v <= 1;
  if (!unit(s.threshold) || !s.thresholds.every(unit)) fail("BAD_ARGUMENT", `thresholds must be in (0, 1], got ${[s.threshold, ...s.thresholds].join(", ")}`);
  if (!CLUSTER_RULES.includes(s.rule)) fail("BAD_ARGUMENT", `rule must be one of ${CLUSTER_RULES.join(", ")}, got '${String(s.rule)}'`);
  if (!(s.minShare >= 0 && s.minShare <= 1)) fail("BAD_ARGUMENT", `minShare must be in [0, 1], got ${s.minShare}`);
  if (!(s.normCut >= 0 && s.normCut < 1)) fail("BAD_ARGUMENT", `normCut must be in [0, 1), got ${s.normCut}`);
  if (!unit(s.traceShare)) fail("BAD_ARGUMENT", `traceShare must be in (0, 1], got ${s.traceShare}`);
  if (!(Number.isInteger(s.maxUnits) && s.maxUnits >= 1) || !(Number.isInteger(s.matrixMax) && s.matrixMax >= 0)) fail("BAD_ARGUMENT", "maxUnits and matrixMax must be non-negative integers");
  return s;
}

/** Error of the merged network against the original on one data set. */
export interface MergeError {
  data: string;
  n: number;
  maxAbsDiff: number;
  /** Loss of each network on the data: ½·mean Σ(f − y)² for targets, mean cross-entropy for labels; absent without either. */
  loss?: { original: number; merged: number; kind: "mse" | "ce" };
  accuracy?: { original: number; merged: number };
}

/** The merged network's report. */
export interface MergeReport {
  /** Counted orientations merged, everything else kept as it was. */
  widths: { before: number[]; after: number[] };
  exact: boolean;
  layers: LayerMergeInfo[];
  errors: MergeError[];
  /** Only the counted orientations (all other neurons removed, their σ(0)·a_k kept in the bias). */
  orientationsOnly: { widths: number[]; exact: boolean; errors: MergeError[] };
  skipped?: string;
}

/** The condensation lens's result (schema "netsize.condensation/1"). */
export interface CondensationResult extends LensResultBase {
  schema: "netsize.condensation/1";
  layers: LayerCondensation[];
  merge?: MergeReport;
  /** The smaller networks, not serialised (non-enumerable): merged (rest kept) and orientations only. */
  mergedNetwork?: Network;
  orientationsNetwork?: Network;
}

/** Forward a whole data set through a network with the context's engine. */
export async function outputsOf(net: Network, ds: Dataset, ctx: LensContext): Promise<Float64Array> {
  const engine = await engineOf(ctx).create(net, { float: 64, withUnits: false });
  try {
    return (await engine.run(ds.x, ds.n, { withUnits: false, ...ctx })).outputs;
  } finally {
    await engine.dispose();
  }
}

/** Loss of outputs against a data set's targets or labels: ½·mean Σ(f−y)² (the training loss) or mean softmax cross-entropy. */
export function lossOf(out: Float64Array, ds: Dataset, m: number): { loss?: number; kind?: "mse" | "ce"; accuracy?: number } {
  if (ds.y && (ds.targetSize ?? 1) === m) {
    let s = 0;
    for (let i = 0; i < ds.n * m; i++) s += (out[i]! - ds.y[i]!) ** 2;
    return { loss: s / (2 * ds.n), kind: "mse" };
  }
  if (ds.labels) {
    let s = 0, hit = 0;
    for (let i = 0; i < ds.n; i++) {
      const row = out.subarray(i * m, (i + 1) * m);
      if (m === 1) { const p = 1 / (1 + Math.exp(-row[0]!)); s -= Math.log(Math.max(ds.labels[i] ? p : 1 - p, 1e-300)); hit += Number((row[0]! > 0 ? 1 : 0) === ds.labels[i]); continue; }
      let mx = -Infinity, arg = 0;
      for (let o = 0; o < m; o++) if (row[o]! > mx) { mx = row[o]!; arg = o; }
      let z = 0;
      for (let o = 0; o < m; o++) z += Math.exp(row[o]! - mx);
      s -= row[ds.labels[i]!]! - mx - Math.log(z);
      hit += Number(arg === ds.labels[i]);
    }
    return { loss: s / ds.n, kind: "ce", accuracy: hit / ds.n };
  }
  return {};
}

async function compare(a: Network, b: Network, datasets: Dataset[], ctx: LensContext): Promise<MergeError[]> {
  const out: MergeError[] = [];
  const m = outputSize(a);
  for (const ds of datasets) {
    const fa = await outputsOf(a, ds, ctx), fb = await outputsOf(b, ds, ctx);
    let mx = 0;
    for (let i = 0; i < fa.length; i++) mx = Math.max(mx, Math.abs(fa[i]! - fb[i]!));
    const la = lossOf(fa, ds, m), lb = lossOf(fb, ds, m);
    out.push({
      data: ds.name, n: ds.n, maxAbsDiff: mx,
      ...(la.loss !== undefined ? { loss: { original: la.loss, merged: lb.loss!, kind: la.kind! } } : {}),
      ...(la.accuracy !== undefined ? { accuracy: { original: la.accuracy, merged: lb.accuracy! } } : {}),
    });
  }
  return out;
}

/** Check that data sets fit the network. */
export function checkData(net: Network, datasets: Dataset[]): void {
  for (const ds of datasets) {
    const d = ds.n > 0 ? ds.x.length / ds.n : 0;
    if (d !== inputSize(net)) fail("DOMAIN_MISMATCH", `${ds.name} has ${d} features per sample, the network expects ${inputSize(net)}`);
  }
}

/** The input of the lens: nothing, one data set, or several (e.g. held-out data and the training set) for the merged network's error. */
export type CondensationInput = Dataset | Dataset[] | undefined;

/** Measure condensation in every unit layer (or the one asked for) and, optionally, the merged network. */
export async function condensation(net: Network, input: CondensationInput, opts: CondensationOptions = {}, ctx: LensContext = {}): Promise<CondensationResult> {
  const t0 = performance.now();
  const s = resolveSettings(opts);
  const datasets = input === undefined ? [] : Array.isArray(input) ? input : [input];
  checkData(net, datasets);
  const all = unitLayers(net);
  if (all.length === 0) fail("BAD_ARGUMENT", "the network has no dense or conv layer followed by an activation: there are no hidden neurons to condense");
  const chosen = selectLayers(all, s.layer);
  for (const u of chosen) {
    if (u.units > s.maxUnits) fail("LIMIT_EXCEEDED", `layer ${u.name} has ${u.units} neurons, more than maxUnits ${s.maxUnits} (S would take ${u.units}² values); raise maxUnits or pick another layer`);
  }
  const layers: LayerCondensation[] = [];
  chosen.forEach((u, i) => {
    checkAborted(ctx);
    ctx.onProgress?.({ done: i, total: chosen.length, stage: `layer ${u.name}` });
    layers.push(analyzeLayer(u, s).report);
  });
  const tMeasure = since(t0);
  const result: CondensationResult = {
    schema: "netsize.condensation/1",
    options: { ...s },
    tolerance: { normCut: s.normCut, parallel: 1e-12 },
    timings: { measure: tMeasure, total: 0 },
    layers,
  };
  if (s.merge) result.merge = await mergeReport(net, all, chosen, layers, datasets, ctx, result);
  result.timings.total = since(t0);
  return result;
}

async function mergeReport(net: Network, all: UnitLayer[], chosen: UnitLayer[], layers: LayerCondensation[], datasets: Dataset[], ctx: LensContext, result: CondensationResult): Promise<MergeReport> {
  const mergeable = chosen.filter((u) => u.kind === "dense" && u.consumerIndex !== undefined);
  const skippedNames = chosen.filter((u) => !mergeable.includes(u)).map((u) => u.name);
  const plans = (only: boolean): LayerMergePlan[] => mergeable.map((u) => {
    const r = layers.find((l) => l.index === u.index)!;
    const groups = countedOrientations(r);
    const inGroup = new Set(groups.flat());
    return { index: u.index, groups, remove: only ? Array.from({ length: u.units }, (_, k) => k).filter((k) => !inGroup.has(k)) : [] };
  });
  const a = mergeNetwork(net, all, plans(false));
  const b = mergeNetwork(net, all, plans(true));
  Object.defineProperty(result, "mergedNetwork", { value: a.network, enumerable: false, writable: true, configurable: true });
  Object.defineProperty(result, "orientationsNetwork", { value: b.network, enumerable: false, writable: true, configurable: true });
  const report: MergeReport = {
    widths: { before: a.layers.map((l) => l.widthBefore), after: a.layers.map((l) => l.widthAfter) },
    exact: a.layers.every((l) => l.exact),
    layers: a.layers,
    errors: await compare(net, a.network, datasets, ctx),
    orientationsOnly: { widths: b.layers.map((l) => l.widthAfter), exact: b.layers.every((l) => l.exact), errors: await compare(net, b.network, datasets, ctx) },
  };
  if (skippedNames.length) report.skipped = `not merged (no single dense consumer): ${skippedNames.join(", ")}`;
  return report;
}
