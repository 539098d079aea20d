// The simplicity lens's public face: prunability, dead/undead units, representation rank, GDV, and identical-output networks.
import { Lens } from "../../core/lens.js";
import type { Dataset } from "../../data/dataset.js";
import { simplicity, SIMPLICITY_OPTIONS, SimplicityOptions, SimplicityResult } from "./simplicity.js";

export { simplicity, SIMPLICITY_OPTIONS, SIMPLICITY_MEASURES } from "./simplicity.js";
export type { SimplicityOptions, SimplicityResult, SimplicityMeasure, GdvLayer } from "./simplicity.js";
export { gdv, firstPerClass } from "./gdv.js";
export type { GdvValue } from "./gdv.js";
export { prunability, keepOrder, pruneNetwork, prunableLayers, lossKind, lossOf } from "./prune.js";
export type { Prunability, PrunePoint, PrunabilityOptions, KeepOrder, PruneLoss } from "./prune.js";
export { deadAndUndead, certifyOnBox, dataBoundingBox } from "./units.js";
export type { UnitLayerReport, UnitMargin } from "./units.js";
export { matrixStats, meanAbsCorrelation, representationLayers, representationValues, weightReports } from "./representations.js";
export type { RepresentationReport, WeightReport } from "./representations.js";
export { identicalOutputNetwork, ionCandidates, ION_INVARIANCE } from "./ion.js";
export type { IonMap, IonChange, IonResult } from "./ion.js";

/** simplicity: how much of the network the data use — prunability, dead/undead units, representation rank and effective rank, GDV. */
export const simplicityLens: Lens<Dataset, SimplicityOptions, SimplicityResult> = {
  name: "simplicity",
  schema: "netsize.simplicity/1",
  description: "prunability ρ* (magnitude pruning, no retraining), dead/undead units on data vs certified on its bounding box, representation sparsity/rank/effective rank/correlation, GDV per layer",
  options: SIMPLICITY_OPTIONS,
  run: (net, data, options, ctx) => simplicity(net, data, options, ctx),
};
