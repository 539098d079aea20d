// The shallow lens's public face: the exact shallow form on a box (lattice form, maximum of one-hidden-layer
// ReLU networks, An et al.'s layer-by-layer counts) and Olson et al.'s ensemble decomposition by LP.
import type { Box } from "../../core/domain.js";
import { Lens } from "../../core/lens.js";
import { notPiecewiseLinear } from "../../core/network.js";
import type { Dataset } from "../../data/dataset.js";
import { ENSEMBLE_OPTIONS, EnsembleOptions, EnsembleResult, ensembleDecomposition, outputLayer } from "./ensemble.js";
import { SHALLOW_OPTIONS, ShallowOptions, ShallowResult, shallowForm } from "./shallow.js";

export { shallowForm, shallowTermNetworks, shallowFormNetwork, SHALLOW_OPTIONS } from "./shallow.js";
export type { ShallowOptions, ShallowResult, ShallowTargetReport } from "./shallow.js";
export { ensembleDecomposition, memberOutputs, margins, residuals, pearson, hiddenValues, outputLayer, ENSEMBLE_OPTIONS } from "./ensemble.js";
export type { EnsembleOptions, EnsembleResult, EnsembleMember } from "./ensemble.js";
export { latticeSets, targetForm, latticeValue } from "./lattice.js";
export type { LatticeTerm, TargetForm } from "./lattice.js";
export { termNetwork, shallowNetwork, maxOfTerms } from "./networks.js";
export type { PieceX } from "./networks.js";
export { boxPieces, boxFrame, pieceInX } from "./pieces.js";
export type { ShallowTarget, BoxPieces, AffineU } from "./pieces.js";
export { anCounts, twoLayerMlp, twoLayerTerms, twoLayerValue, firstLayer } from "./symbolic.js";
export type { AnReport } from "./symbolic.js";

/** shallow: the exact shallow form of a piecewise-linear network on a low-dimensional box. */
export const shallowLens: Lens<Box, ShallowOptions, ShallowResult> = {
  name: "shallow",
  schema: "netsize.shallow/1",
  description: "the exact shallow form on a low-dimensional box: lattice max-min of its affine pieces and a maximum of one-hidden-layer ReLU networks, checked on 10⁵ points and every region; An et al.'s layer-by-layer counts",
  options: SHALLOW_OPTIONS,
  applies: (net) => { const why = notPiecewiseLinear(net); return why === undefined ? true : `the exact shallow form needs a piecewise-linear network: ${why}`; },
  run: (net, box, options, ctx) => shallowForm(net, box, options, ctx),
};

/** ensemble: Olson et al.'s decomposition of the output layer into low-bias sub-networks, by LP. */
export const ensembleLens: Lens<Dataset, EnsembleOptions, EnsembleResult> = {
  name: "ensemble",
  schema: "netsize.ensemble/1",
  description: "Olson et al.'s ensemble view: the output layer split by an LP (HiGHS) into K sub-networks on subsets of the last hidden layer whose average is the network; each member's training error and the correlation of their residuals",
  options: ENSEMBLE_OPTIONS,
  applies: (net) => { try { outputLayer(net); return true; } catch (e) { return (e as Error).message; } },
  run: (net, data, options, ctx) => ensembleDecomposition(net, data, options, ctx),
};
