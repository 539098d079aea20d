// The condensation lens's public face: one network (counts, spectrum, orders, the merged network) and a run's snapshots (the time course).
import { Lens } from "../../core/lens.js";
import { Network } from "../../core/network.js";
import { CONDENSATION_OPTIONS, condensation, CondensationInput, CondensationOptions, CondensationResult } from "./condensation.js";
import { unitLayers } from "./measure.js";
import { CONDENSATION_RUN_OPTIONS, condensationOverRun, CondensationRunOptions, CondensationRunResult, RunInput } from "./series.js";

export { condensation, CONDENSATION_OPTIONS, resolveSettings as resolveCondensationSettings, lossOf as datasetLoss } from "./condensation.js";
export type { CondensationOptions, CondensationResult, CondensationInput, MergeReport, MergeError } from "./condensation.js";
export { condensationOverRun, CONDENSATION_RUN_OPTIONS } from "./series.js";
export type { RunInput, RunSnapshot, RunFrame, CondensationRunResult, CondensationRunOptions } from "./series.js";
export { unitLayers, cosineMeasure, spectrum, eigenvectorOrder, selectLayers } from "./measure.js";
export type { UnitLayer, CosineMeasure, Spectrum } from "./measure.js";
export { greedyLines, completeLines, countLines, CLUSTER_RULES } from "./clusters.js";
export type { ClusterRule, Line, Counts } from "./clusters.js";
export { analyzeLayer, countedOrientations } from "./layer.js";
export type { LayerCondensation, LineReport, LayerSettings } from "./layer.js";
export { mergeNetwork, POSITIVELY_HOMOGENEOUS } from "./merge.js";
export type { LayerMergePlan, LayerMergeInfo } from "./merge.js";

/** Linear in the layers (unitLayers builds every layer's vectors; info asks this of 10⁵-layer networks). */
function hasUnits(net: Network): true | string {
  const found = net.layers.some((l) => l.kind === "activation" && l.fn !== "identity" && l.inputs.length === 1 && l.inputs[0]! >= 0
    && (net.layers[l.inputs[0]!]!.kind === "dense" || net.layers[l.inputs[0]!]!.kind === "conv2d"));
  return found || "the network has no dense or conv layer followed by an activation";
}

/** condensation: lines and orientations of the neurons' input vectors (Zhou et al.), the spectrum of S, and the merged smaller network. */
export const condensationLens: Lens<CondensationInput, CondensationOptions, CondensationResult> = {
  name: "condensation",
  schema: "netsize.condensation/1",
  description: "onto how many lines and orientations the hidden neurons' input weights (with bias) gather, and the smaller network that merges them",
  options: CONDENSATION_OPTIONS,
  applies: hasUnits,
  run: (net, input, options, ctx) => condensation(net, input, options, ctx),
};

/** condensation.run: the counts, share and loss of every snapshot of a training run (the network argument is unused; the snapshots are the input). */
export const condensationRunLens: Lens<RunInput, CondensationRunOptions, CondensationRunResult> = {
  name: "condensation.run",
  schema: "netsize.condensation.run/1",
  description: "condensation in one layer across a training run's snapshots: counts, share in counted clusters and loss per snapshot",
  options: CONDENSATION_RUN_OPTIONS,
  applies: hasUnits,
  run: (_net, input, options, ctx) => condensationOverRun(input, options, ctx),
};
