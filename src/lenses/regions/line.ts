/**
 * The regions lens on a line (1-D, exact): along a segment or polyline of input space, every
 * breakpoint where some unit changes state, the intervals (linear regions) between them with their
 * affine output, and the knots — breakpoints where the output's slope actually changes.
 */
import { LensContext, LensOptions, LensResultBase, since, Timings } from "../../core/lens.js";
import { inputSize, Network, outputSize } from "../../core/network.js";
import { lineIntervalBytes, listLimit, patternChars } from "./list-bytes.js";
import { TOLERANCE } from "../../core/tolerance.js";
import { LinePath, pathSegments } from "./anchors.js";
import { partition, Partition } from "./partition.js";
import { patternStrings, Verification, verifyPartition } from "./verify.js";

/** Options of lineRegions. */
export interface LineOptions {
  /** Stop with LIMIT_EXCEEDED above this many intervals per segment (default 1,000,000). */
  maxRegions?: number;
  /** Stop with LIMIT_EXCEEDED when a segment's storage (partition, intervals, breakpoints) would exceed this many bytes (default 1 GiB). */
  maxBytes?: number;
  /** Confirm every interval's pattern and output with the reference forward pass at its midpoint and near both ends (default false). */
  verify?: boolean;
  /** Include the interval list (default true). */
  details?: boolean;
  /** Include each interval's pattern string (default true). */
  patterns?: boolean;
}

/** The line lens's options, each default stated once. */
export const LINE_OPTIONS: LensOptions<LineOptions> = {
  maxRegions: { default: 1_000_000, description: "stop with LIMIT_EXCEEDED above this many intervals per segment" },
  maxBytes: { default: 2 ** 30, description: "stop with LIMIT_EXCEEDED when a segment's storage (partition, intervals, breakpoints) would exceed this many bytes" },
  verify: { default: false, description: "confirm every interval's pattern and output with the reference forward pass at an interior point" },
  details: { default: true, description: "include the interval list" },
  patterns: { default: true, description: "include each interval's pattern string" },
};

/** One interval of constant activation pattern along the path. */
export interface LineInterval {
  t0: number;
  t1: number;
  /** Segment of the path it lies on. */
  segment: number;
  pattern?: string;
  /** outputs(t) = slope·t + offset on this interval (t is the path parameter). */
  slope: number[];
  offset: number[];
}

/** A breakpoint: a parameter where some unit changes state, and which units. */
export interface LineBreakpoint {
  t: number;
  segment: number;
  /** The units switching there: layer index, layer name, unit, state before and after. */
  units: { layer: number; name: string; unit: number; from: number; to: number }[];
  /** True when the output's slope changes here (a knot). */
  knot: boolean;
}

/** Result of the line lens ("netsize.regions.line/1"). */
export interface LineResult extends LensResultBase {
  schema: "netsize.regions.line/1";
  /**
   * The path: x(t) = point + t·direction for t in [t0, t1]; a polyline through points p_0..p_n is
   * parameterised so that segment i is t in [i, i+1], x(t) = p_i + (t − i)(p_{i+1} − p_i).
   */
  path: { kind: "polyline" | "direction"; segments: { t0: number; t1: number; length: number }[] };
  network: { inputSize: number; outputSize: number; unitLayers: { layer: number; name: string; units: number }[] };
  /** Number of intervals (linear regions crossed; a region met on two segments counts twice). */
  count: number;
  breakpoints: LineBreakpoint[];
  /** Parameters of the knots (breakpoints where the output's slope changes). */
  knots: number[];
  /** Linear pieces of the output along the path: knots + 1 per segment. */
  pieces: number;
  intervals?: LineInterval[];
  /** Intervals after each unit layer, summed over segments. */
  perLayer: { layer: number; name: string; regions: number }[];
  verification?: Verification;
  diagnostics: { slivers: number; zeroRows: number };
}

/** True when the output slopes s and s2 differ beyond rounding (any output). */
export function slopeChanges(s: ArrayLike<number>, s2: ArrayLike<number>): boolean {
  for (let o = 0; o < s.length; o++) {
    const a = s[o]!, b = s2[o]!;
    if (Math.abs(a - b) > TOLERANCE.onPlaneAbs + TOLERANCE.onPlaneRel * (Math.abs(a) + Math.abs(b))) return true;
  }
  return false;
}

/** The exact linear regions and knots of `net` along a path of input space. */
export function lineRegions(net: Network, path: LinePath, opts: LineOptions = {}, ctx: LensContext = {}): LineResult {
  const t0 = performance.now();
  const d = inputSize(net), m = outputSize(net);
  const segs = pathSegments(path, d);
  const parts: { P: Partition; order: number[]; shift: number }[] = [];
  // The interval and breakpoint lists are counted in the partition's byte limit as cells are found.
  const chars = patternChars(net);
  const extraBytes = listLimit(lineIntervalBytes(m, chars, opts.details !== false, opts.patterns !== false), "its interval list",
    "leave out the pattern strings (patterns: false; --no-patterns) or the intervals (details: false), or raise the limit (maxBytes; --max-memory-mb)");
  const timings: Timings = { total: 0 };
  let verification: Verification | undefined;
  for (const seg of segs) {
    const P = partition(net, { origin: seg.origin, basis: [seg.direction], domain: Float64Array.from([seg.t0, seg.t1]) }, { maxRegions: opts.maxRegions ?? LINE_OPTIONS.maxRegions.default!, maxBytes: opts.maxBytes ?? LINE_OPTIONS.maxBytes.default!, extraBytes }, ctx);
    const order = Array.from({ length: P.count }, (_, i) => i).sort((a, b) => P.verts[P.cellOff[a]!]! - P.verts[P.cellOff[b]!]!);
    parts.push({ P, order, shift: seg.shift });
    if (opts.verify) {
      const x = new Float64Array(d);
      const v = verifyPartition(net, P, (i, out) => { out[0] = (P.verts[P.cellOff[i]!]! + P.verts[P.cellOff[i]! + 1]!) / 2; }, (u) => {
        for (let q = 0; q < d; q++) x[q] = seg.origin[q]! + u[0]! * seg.direction[q]!;
        return x;
      });
      verification = verification ? mergeVerification(verification, v) : v;
    }
  }
  timings.partition = since(t0);
  const t = performance.now();
  const breakpoints: LineBreakpoint[] = [], knots: number[] = [], intervals: LineInterval[] = [];
  let count = 0, pieces = 0, slivers = 0, zeroRows = 0;
  parts.forEach(({ P, order, shift }, si) => {
    count += P.count;
    slivers += P.slivers; zeroRows += P.zeroRows;
    pieces += 1;
    let prevSlope: Float64Array | undefined;
    let prev = -1;
    const patternOf = patternStrings(P);
    for (const i of order) {
      const slope = P.outMap.subarray(2 * m * i, 2 * m * i + m);
      const off = P.outMap.subarray(2 * m * i + m, 2 * m * (i + 1));
      const a = P.verts[P.cellOff[i]!]! + shift, b = P.verts[P.cellOff[i]! + 1]! + shift;
      if (prev >= 0) {
        const knot = slopeChanges(prevSlope!, slope);
        if (knot) { knots.push(a); pieces++; }
        breakpoints.push({ t: a, segment: si, units: switched(net, P, prev, i), knot });
      }
      if (opts.details !== false) {
        // Segment-local parameter τ = t − shift: y = s·τ + o = s·t + (o − s·shift).
        intervals.push({
          t0: a, t1: b, segment: si,
          ...(opts.patterns === false ? {} : { pattern: patternOf(i) }),
          slope: Array.from(slope), offset: Array.from(off, (o, q) => o - slope[q]! * shift),
        });
      }
      prevSlope = slope;
      prev = i;
    }
  });
  timings.report = since(t);
  timings.total = since(t0);
  const first = parts[0]!.P;
  return {
    schema: "netsize.regions.line/1",
    options: { ...opts, maxRegions: opts.maxRegions ?? LINE_OPTIONS.maxRegions.default! },
    tolerance: { ...TOLERANCE },
    timings,
    path: {
      kind: "points" in path ? "polyline" : "direction",
      segments: segs.map((s) => ({ t0: s.t0 + s.shift, t1: s.t1 + s.shift, length: norm2(s.direction) * (s.t1 - s.t0) })),
    },
    network: {
      inputSize: d, outputSize: m,
      unitLayers: first.unitLayers.map((l, s) => ({ layer: l, name: net.layers[l]!.name, units: first.unitSizes[s]! })),
    },
    count,
    breakpoints,
    knots,
    pieces,
    ...(opts.details === false ? {} : { intervals }),
    perLayer: first.unitLayers.map((l, s) => ({ layer: l, name: net.layers[l]!.name, regions: parts.reduce((acc, p) => acc + p.P.perLayer[s]!, 0) })),
    ...(verification ? { verification } : {}),
    diagnostics: { slivers, zeroRows },
  };
}

/** Units whose state differs between cells i and j of a partition. */
function switched(net: Network, P: Partition, i: number, j: number): LineBreakpoint["units"] {
  const out: LineBreakpoint["units"] = [];
  P.unitLayers.forEach((l, s) => {
    const n = P.unitSizes[s]!, pat = P.patterns[s]!;
    const ri = P.ancestor[s]![i]! * n, rj = P.ancestor[s]![j]! * n;
    if (ri === rj) return;
    for (let u = 0; u < n; u++) if (pat[ri + u] !== pat[rj + u]) out.push({ layer: l, name: net.layers[l]!.name, unit: u, from: pat[ri + u]!, to: pat[rj + u]! });
  });
  return out;
}

/** Euclidean norm without spreading the vector onto the stack (Math.hypot(...v) fails for long inputs). */
function norm2(v: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i]!));
  if (m === 0 || !Number.isFinite(m)) return m;
  let s = 0;
  for (let i = 0; i < v.length; i++) { const x = v[i]! / m; s += x * x; }
  return m * Math.sqrt(s);
}

function mergeVerification(a: Verification, b: Verification): Verification {
  return {
    checked: a.checked + b.checked,
    points: a.points + b.points,
    mismatches: a.mismatches + b.mismatches,
    ambiguous: a.ambiguous + b.ambiguous,
    maxOutputError: Math.max(a.maxOutputError, b.maxOutputError),
    examples: [...a.examples, ...b.examples].slice(0, 5),
  };
}
