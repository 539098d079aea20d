/**
 * The regions lens on a 2-D slice: the exact partition of a convex polygon of a plane through input
 * space into linear regions, each with its polygon, pattern, affine output map and area, plus the
 * decision boundary.
 */
import { LensContext, LensOptions, LensResultBase, since, Timings } from "../../core/lens.js";
import { inputSize, Network, outputSize } from "../../core/network.js";
import { TOLERANCE } from "../../core/tolerance.js";
import { convexPolygon, Plane, planePoint, squareDomain } from "./anchors.js";
import { Boundary, decisionBoundary } from "./boundary.js";
import { cellCentroid, cellMeasure } from "./cells.js";
import { partition, Partition } from "./partition.js";
import { estimateNeeded, estimateSlice, SliceEstimate } from "./slice-estimate.js";
import { listLimit, patternChars, sliceRegionBytes } from "./list-bytes.js";
import { patternStrings, Verification, verifyPartition } from "./verify.js";

/** Options of sliceRegions. */
export interface SliceOptions {
  /** Half-width of the square domain [−h, h]² in slice coordinates (default 10); ignored when `polygon` is given. */
  halfWidth?: number;
  /** A convex polygon in slice coordinates as the domain instead of the square. */
  polygon?: [number, number][];
  /** Stop with LIMIT_EXCEEDED above this many regions (default 1,000,000). */
  maxRegions?: number;
  /** Stop with LIMIT_EXCEEDED when per-region storage (the partition's and the region list's) would exceed this many bytes (default 1 GiB). */
  maxBytes?: number;
  /** Confirm every region's pattern and output with the reference forward pass at its centroid and near each vertex (default false). */
  verify?: boolean;
  /** Include the per-region list (default true); false keeps only counts and the boundary. */
  details?: boolean;
  /** Include each region's pattern string in the list (default true). */
  patterns?: boolean;
}

/** The slice lens's options, each default stated once. */
export const SLICE_OPTIONS: LensOptions<SliceOptions> = {
  halfWidth: { default: 10, description: "half-width of the square domain [−h, h]² in slice coordinates" },
  polygon: { description: "a convex polygon in slice coordinates as the domain instead of the square" },
  maxRegions: { default: 1_000_000, description: "stop with LIMIT_EXCEEDED above this many regions" },
  maxBytes: { default: 2 ** 30, description: "stop with LIMIT_EXCEEDED when per-region storage (partition and region list) would exceed this many bytes" },
  verify: { default: false, description: "confirm every region's pattern and output with the reference forward pass at an interior point" },
  details: { default: true, description: "include the per-region list (false keeps only counts and the boundary)" },
  patterns: { default: true, description: "include each region's pattern string in the list" },
};

/** One linear region of a slice. */
export interface SliceRegion {
  /** Vertices in slice coordinates, counter-clockwise. */
  polygon: [number, number][];
  area: number;
  /** Area centroid (an interior point). */
  centroid: [number, number];
  /** One character per unit (piece index, base 36), unit layers separated by '|' (see patternString). */
  pattern?: string;
  /** Arg-max of the outputs at the centroid. */
  predicted: number;
  /** Frobenius norm of the output map's slope in slice coordinates. */
  slopeNorm: number;
  /** outputs(u, v) = A·[u, v] + c. */
  affine: { A: [number, number][]; c: number[] };
}

/** Result of the slice lens ("netsize.regions.slice/1"). */
export interface SliceResult extends LensResultBase {
  schema: "netsize.regions.slice/1";
  plane: { origin: number[]; basis: [number[], number[]]; anchors: [number, number][] };
  domain: { polygon: [number, number][]; area: number };
  network: { inputSize: number; outputSize: number; unitLayers: { layer: number; name: string; units: number }[] };
  /** Number of linear regions (distinct activation patterns) in the domain. */
  count: number;
  /** Regions after each unit layer's split. */
  perLayer: { layer: number; name: string; regions: number }[];
  /** Sum of the regions' areas (equals the domain's area up to rounding). */
  areaSum: number;
  regions?: SliceRegion[];
  decisionBoundary: { kind: "argmax" | "zero"; length: number; segments: { a: [number, number]; b: [number, number]; classes: [number, number] }[] };
  verification?: Verification;
  diagnostics: { slivers: number; zeroRows: number; maxVertices: number };
  /** The coarse pass run before the partition when the memory limit can bind before --max-regions (over ~1,000 units at the defaults): distinct patterns on a grid (a lower bound on count). */
  estimate?: SliceEstimate;
}

/** Everything sliceRegions computes, before it is shaped into JSON (for renderers and tests). */
export interface SliceComputation {
  partition: Partition;
  boundary: Boundary;
}

/** The exact linear regions of `net` on a slice of input space, with the decision boundary. */
export function sliceRegions(net: Network, plane: Plane, opts: SliceOptions = {}, ctx: LensContext = {}): SliceResult {
  return sliceCompute(net, plane, opts, ctx).result;
}

/** sliceRegions plus the raw partition (flat arrays), for callers that need more than the JSON. */
export function sliceCompute(net: Network, plane: Plane, opts: SliceOptions = {}, ctx: LensContext = {}): SliceComputation & { result: SliceResult } {
  const t0 = performance.now();
  const domain = opts.polygon ? convexPolygon(opts.polygon) : squareDomain(opts.halfWidth ?? SLICE_OPTIONS.halfWidth.default!);
  const limits = { maxRegions: opts.maxRegions ?? SLICE_OPTIONS.maxRegions.default!, maxBytes: opts.maxBytes ?? SLICE_OPTIONS.maxBytes.default! };
  // The cost before paying it: a coarse grid's distinct patterns bound the regions from below (refused up front when even that is too much).
  const estimate = estimateNeeded(net, limits) ? estimateSlice(net, plane, domain, limits, ctx) : undefined;
  const tEstimate = since(t0);
  // The region list is counted in the byte limit as the partition finds cells (it is most of the memory).
  const chars = patternChars(net);
  const extraBytes = opts.details === false ? undefined
    : listLimit(sliceRegionBytes(outputSize(net), chars, opts.patterns !== false), "its region list",
      "leave out its pattern strings (patterns: false; --no-patterns) or the whole list (details: false; the command line builds it only for --json, --svg and --png), or raise the limit (maxBytes; --max-memory-mb)");
  const P = partition(net, { origin: plane.origin, basis: plane.basis, domain }, { ...limits, ...(extraBytes ? { extraBytes } : {}) }, ctx);
  const timings: Timings = { total: 0, estimate: tEstimate, partition: since(t0) - tEstimate };
  let t = performance.now();
  const boundary = decisionBoundary(P);
  timings.boundary = since(t);
  const c = new Float64Array(2);
  let verification: Verification | undefined;
  if (opts.verify) {
    t = performance.now();
    const x = new Float64Array(inputSize(net));
    verification = verifyPartition(net, P, (i, out) => cellCentroid(2, P.verts, P.cellOff[i]!, P.cellLen[i]!, out), (u) => planePoint(plane, u[0]!, u[1]!, x));
    timings.verify = since(t);
  }
  t = performance.now();
  const m = P.outSize;
  let areaSum = 0, maxVertices = 0;
  const regions: SliceRegion[] = [];
  const patternOf = patternStrings(P), withPatterns = opts.patterns !== false;
  for (let i = 0; i < P.count; i++) {
    const off = P.cellOff[i]!, n = P.cellLen[i]!;
    const area = cellMeasure(2, P.verts, off, n);
    areaSum += area;
    maxVertices = Math.max(maxVertices, n);
    if (opts.details === false) continue;
    cellCentroid(2, P.verts, off, n, c);
    const base = i * 3 * m;
    const A: [number, number][] = [], cc: number[] = [];
    let best = 0, bv = -Infinity, norm = 0;
    for (let o = 0; o < m; o++) {
      const a0 = P.outMap[base + o]!, a1 = P.outMap[base + m + o]!, b = P.outMap[base + 2 * m + o]!;
      A.push([a0, a1]); cc.push(b);
      norm += a0 * a0 + a1 * a1;
      const y = a0 * c[0]! + a1 * c[1]! + b;
      if (y > bv) { bv = y; best = o; }
    }
    const polygon: [number, number][] = [];
    for (let q = 0; q < n; q++) polygon.push([P.verts[off + 2 * q]!, P.verts[off + 2 * q + 1]!]);
    // Two literals rather than a spread: no temporary object per region, one shape each.
    const centroid: [number, number] = [c[0]!, c[1]!], affine = { A, c: cc }, slopeNorm = Math.sqrt(norm);
    regions.push(withPatterns
      ? { polygon, area, centroid, pattern: patternOf(i), predicted: best, slopeNorm, affine }
      : { polygon, area, centroid, predicted: best, slopeNorm, affine });
  }
  const segments: SliceResult["decisionBoundary"]["segments"] = [];
  const S = boundary.segments;
  for (let q = 0; q < boundary.classes.length / 2; q++) {
    segments.push({ a: [S[4 * q]!, S[4 * q + 1]!], b: [S[4 * q + 2]!, S[4 * q + 3]!], classes: [boundary.classes[2 * q]!, boundary.classes[2 * q + 1]!] });
  }
  timings.report = since(t);
  timings.total = since(t0);
  const poly: [number, number][] = [];
  for (let q = 0; q < domain.length / 2; q++) poly.push([domain[2 * q]!, domain[2 * q + 1]!]);
  const result: SliceResult = {
    schema: "netsize.regions.slice/1",
    options: { ...opts, halfWidth: opts.polygon ? undefined : opts.halfWidth ?? SLICE_OPTIONS.halfWidth.default!, maxRegions: opts.maxRegions ?? SLICE_OPTIONS.maxRegions.default! },
    tolerance: { ...TOLERANCE },
    timings,
    plane: { origin: Array.from(plane.origin), basis: [Array.from(plane.basis[0]), Array.from(plane.basis[1])], anchors: plane.anchors.map((a) => [a[0], a[1]]) },
    domain: { polygon: poly, area: P.measure },
    network: {
      inputSize: inputSize(net), outputSize: outputSize(net),
      unitLayers: P.unitLayers.map((l, s) => ({ layer: l, name: net.layers[l]!.name, units: P.unitSizes[s]! })),
    },
    count: P.count,
    perLayer: P.unitLayers.map((l, s) => ({ layer: l, name: net.layers[l]!.name, regions: P.perLayer[s]! })),
    areaSum,
    ...(opts.details === false ? {} : { regions }),
    decisionBoundary: { kind: boundary.kind, length: boundary.length, segments },
    ...(verification ? { verification } : {}),
    diagnostics: { slivers: P.slivers, zeroRows: P.zeroRows, maxVertices },
    ...(estimate ? { estimate } : {}),
  };
  return { partition: P, boundary, result };
}
