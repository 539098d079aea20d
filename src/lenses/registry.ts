// Every lens by name: faces (CLI, report, studio) enumerate this map and never import a lens's inner files.
import type { AnyLens } from "../core/lens.js";
import { evalLens } from "./eval/index.js";
import { infoLens } from "./info/index.js";
import { boundsLens, boxRegionsLens, lineLens, sampledLens, sliceLens } from "./regions/index.js";
import { compressLens, equivalenceLens, stabilityLens } from "./stability/index.js";
import { simplicityLens } from "./simplicity/index.js";
import { condensationLens, condensationRunLens } from "./condensation/index.js";
import { graphLens, graphRunLens } from "./graph/index.js";
import { ensembleLens, shallowLens } from "./shallow/index.js";

/** The lenses, name → lens (names as `lens.name`). */
export const LENSES = {
  info: infoLens,
  eval: evalLens,
  "regions.bounds": boundsLens,
  "regions.line": lineLens,
  "regions.slice": sliceLens,
  "regions.box": boxRegionsLens,
  "regions.sampled": sampledLens,
  stability: stabilityLens,
  compress: compressLens,
  equivalence: equivalenceLens,
  simplicity: simplicityLens,
  condensation: condensationLens,
  "condensation.run": condensationRunLens,
  graph: graphLens,
  "graph.run": graphRunLens,
  shallow: shallowLens,
  ensemble: ensembleLens,
} as const;

/** A registered lens name. */
export type LensName = keyof typeof LENSES;

/** The lens registered under `name`, or undefined. */
export function lensNamed(name: string): AnyLens | undefined {
  return (LENSES as Record<string, AnyLens>)[name];
}

export { evalLens, infoLens, boundsLens, boxRegionsLens, lineLens, sampledLens, sliceLens, compressLens, equivalenceLens, stabilityLens, simplicityLens, condensationLens, condensationRunLens, graphLens, graphRunLens, shallowLens, ensembleLens };
