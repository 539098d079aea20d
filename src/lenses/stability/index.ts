// The stability lens's public API: stable units on a domain, lossless compression, its equivalence check, and the bounds.
export { stability } from "./stability.js";
export type { StabilityOptions } from "./stability.js";
export type { StabilityMethod, StabilityResult, StabilityLayer, StageReport, StageBounds, UnitState } from "./report.js";
export { compress } from "./compress.js";
export type { CompressionReport, CompressedLayer, CompressOptions } from "./compress.js";
export { checkEquivalence } from "./equivalence.js";
export type { EquivalenceOptions, EquivalenceReport } from "./equivalence.js";
export { ibp } from "./ibp.js";
export type { Interval, NodeBounds } from "./ibp.js";
export { crownNode } from "./crown.js";
export { toChain } from "./chain.js";
export type { Chain, ChainLayer } from "./chain.js";
export type { Certifier } from "./state.js";
