// The regions lenses' public face: exact lines, slices and boxes, sampled patterns, and the bounds.
import type { Box } from "../../core/domain.js";
import { Lens } from "../../core/lens.js";
import { LinePath, Plane } from "./anchors.js";
import { architectureOf, BoundsResult, regionBounds } from "./bounds.js";
import { BOX_REGIONS_OPTIONS, BoxRegionsOptions, BoxRegionsResult, boxRegions } from "./box.js";
import { LINE_OPTIONS, LineOptions, LineResult, lineRegions } from "./line.js";
import { SAMPLED_OPTIONS, SampledRegionsOptions, SampledRegionsResult, SampleSet, sampledRegions } from "./sampled.js";
import { SLICE_OPTIONS, SliceOptions, SliceResult, sliceRegions } from "./slice.js";
import { isPiecewiseLinear, notPiecewiseLinear } from "../../core/network.js";

export * from "./bounds.js";
export * from "./box.js";
export * from "./sampled.js";
export * from "./local-complexity.js";
export * from "./anchors.js";
export * from "./partition.js";
export * from "./boundary.js";
export * from "./verify.js";
export * from "./line.js";
export * from "./slice.js";

const exact = (net: Parameters<typeof isPiecewiseLinear>[0]): true | string => {
  const why = notPiecewiseLinear(net);
  return why === undefined ? true : `exact regions need a piecewise-linear network: ${why}`;
};

/** regions.slice: every linear region of a 2-D slice, exactly. */
export const sliceLens: Lens<Plane, SliceOptions, SliceResult> = {
  name: "regions.slice",
  schema: "netsize.regions.slice/1",
  description: "every linear region of a square of a 2-D slice, exactly (polygons, patterns, affine maps, the decision boundary)",
  options: SLICE_OPTIONS,
  applies: exact,
  run: async (net, plane, options, ctx) => sliceRegions(net, plane, options, ctx),
};

/** regions.line: breakpoints, intervals and knots along a segment or polyline, exactly. */
export const lineLens: Lens<LinePath, LineOptions, LineResult> = {
  name: "regions.line",
  schema: "netsize.regions.line/1",
  description: "breakpoints, intervals and knots along a segment or polyline, exactly",
  options: LINE_OPTIONS,
  applies: exact,
  run: async (net, path, options, ctx) => lineRegions(net, path, options, ctx),
};

/** regions.box: every linear region of a low-dimensional box, by LP-guided traversal. */
export const boxRegionsLens: Lens<Box, BoxRegionsOptions, BoxRegionsResult> = {
  name: "regions.box",
  schema: "netsize.regions.box/1",
  description: "every linear region of a low-dimensional input box, by LP-guided traversal with HiGHS",
  options: BOX_REGIONS_OPTIONS,
  applies: exact,
  run: (net, box, options, ctx) => boxRegions(net, box, options, ctx),
};

/** regions.sampled: distinct activation patterns of a sample set and local complexity. */
export const sampledLens: Lens<SampleSet, SampledRegionsOptions, SampledRegionsResult> = {
  name: "regions.sampled",
  schema: "netsize.regions.sampled/1",
  description: "distinct activation patterns among samples, per layer, and local complexity",
  options: SAMPLED_OPTIONS,
  run: (net, set, options, ctx) => sampledRegions(net, set, options, ctx),
};

/** What the bounds lens takes besides the network: a measured count to set beside the bounds. */
export interface BoundsInput {
  measured?: number;
}

/** regions.bounds: the theoretical region counts of the network's architecture. */
export const boundsLens: Lens<BoundsInput | undefined, Record<string, never>, BoundsResult> = {
  name: "regions.bounds",
  schema: "netsize.bounds/1",
  description: "theoretical maximum numbers of linear regions of the architecture (Zaslavsky, Montúfar 2014/2017, Serra 2018)",
  options: {},
  applies: (net) => {
    const pl = exact(net);
    if (pl !== true) return `region-count bounds are for piecewise-linear networks: ${notPiecewiseLinear(net)}`;
    try { architectureOf(net); return true; } catch (e) { return (e as Error).message; }
  },
  run: async (net, input) => {
    const a = architectureOf(net);
    return regionBounds(a.widths, { outputWidth: a.outputWidth, ...(input?.measured !== undefined ? { measured: input.measured } : {}) });
  },
};
