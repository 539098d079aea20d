// The stability lens's public API: stable units on a domain, lossless compression, its equivalence check, and the bounds.
import type { Box } from "../../core/domain.js";
import { Lens } from "../../core/lens.js";
import { Network, notPiecewiseLinear } from "../../core/network.js";
import { COMPRESS_RUN_OPTIONS, compressOnDomain, CompressRunOptions, CompressRunResult } from "./compress-run.js";
import { checkEquivalence, EQUIVALENCE_OPTIONS, EquivalenceOptions, EquivalenceReport } from "./equivalence.js";
import { StabilityResult } from "./report.js";
import { stability, STABILITY_OPTIONS, StabilityOptions } from "./stability.js";

export { stability, STABILITY_OPTIONS } from "./stability.js";
export type { StabilityOptions } from "./stability.js";
export type { StabilityMethod, StabilityResult, StabilityLayer, StageReport, StageBounds, UnitState } from "./report.js";
export { compress, COMPRESS_OPTIONS } from "./compress.js";
export type { CompressionReport, CompressedLayer, CompressOptions } from "./compress.js";
export { compressOnDomain, COMPRESS_RUN_OPTIONS } from "./compress-run.js";
export type { CompressRunOptions, CompressRunResult } from "./compress-run.js";
export { checkEquivalence, EQUIVALENCE_OPTIONS } from "./equivalence.js";
export type { EquivalenceOptions, EquivalenceReport } from "./equivalence.js";
export { ibp } from "./ibp.js";
export type { Interval, NodeBounds } from "./ibp.js";
export { crownNode } from "./crown.js";
export { alphaCrownNode } from "./alpha-dag.js";
export { alphaCrownChain, alphaCrownRows } from "./alpha-crown.js";
export type { PreBounds } from "./alpha-crown.js";
export { toChain } from "./chain.js";
export type { Chain, ChainLayer } from "./chain.js";
export { CERTIFIERS } from "./state.js";
export type { Certifier } from "./state.js";

/** stability: which units never switch on a domain, each claim certified by IBP, CROWN, α-CROWN, LP or MILP. */
export const stabilityLens: Lens<Box, StabilityOptions, StabilityResult> = {
  name: "stability",
  schema: "netsize.stability/1",
  description: "stably active / stably inactive / unstable units on a domain, certified by IBP, CROWN, α-CROWN, LP or MILP",
  options: STABILITY_OPTIONS,
  run: (net, box, options, ctx) => stability(net, box, options, ctx),
};

/** compress: the smaller network exactly equal on a domain, checked on many points before it is returned. */
export const compressLens: Lens<Box, CompressRunOptions, CompressRunResult> = {
  name: "compress",
  schema: "netsize.compress/1",
  description: "the smaller network exactly equal on a domain (constant units deleted, dependent linear units folded, linear layers merged), checked by max |f − f'|",
  options: COMPRESS_RUN_OPTIONS,
  applies: (net) => { const why = notPiecewiseLinear(net); return why === undefined ? true : `compression needs a piecewise-linear network: ${why}`; },
  run: (net, box, options, ctx) => compressOnDomain(net, box, options, ctx),
};

/** What the equivalence check compares the network with, and where. */
export interface EquivalenceInput {
  other: Network;
  box: Box;
}

/** equivalence: max |f − f'| of two networks over many points of a domain. */
export const equivalenceLens: Lens<EquivalenceInput, EquivalenceOptions, EquivalenceReport> = {
  name: "equivalence",
  schema: "netsize.equivalence/1",
  description: "max |f − f'| of two networks over many points of a domain (centre, vertices, data, uniform)",
  options: EQUIVALENCE_OPTIONS,
  run: (net, input, options, ctx) => checkEquivalence(net, input.other, input.box, options, ctx),
};
