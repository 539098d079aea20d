/**
 * Exact linear regions of a low-dimensional box, by LP-guided traversal (HiGHS).
 *
 * A region is the set of box points sharing one activation pattern; it is the polyhedron
 * {x in box : every unit's pre-activation stays in its piece}, with each unit's affine map taken
 * under that pattern. From a starting region the traversal finds the region's facets that are unit
 * boundaries (one LP each, after cheap bounding-box filtering), steps across each facet at the
 * centre of its largest inscribed ball, recomputes the full pattern there with the exact forward pass
 * (deeper units bend at the crossed boundary), and repeats breadth-first over unseen patterns. Only
 * full-dimensional regions count: each is confirmed by a Chebyshev ball of radius >
 * TOLERANCE.regionRadius (in box coordinates scaled to [-1,1]^d) and by the pattern at its centre.
 */
import { fail, NetsizeError } from "../../core/errors.js";
import { Box, checkBoxFits } from "../../core/domain.js";
import { LensContext, LensOptions, LensResultBase, checkAborted, since, yieldToEventLoop } from "../../core/lens.js";
import { loadLpSolver } from "../../core/lp/highs.js";
import { Network, inputSize, isPiecewiseLinear, sizeOf } from "../../core/network.js";
import { createRng } from "../../core/random.js";
import { unitLayerIndices } from "../../core/summary.js";
import { TOLERANCE } from "../../core/tolerance.js";
import { forwardTrace } from "../../core/engine/reference.js";
import { InputMap, LayerPatterns, RegionRows, affineMaps, inputAt, patternHoldsAt, regionRows } from "./box-affine.js";
import { RegionLp } from "./box-lp.js";

/** Options of the exact box lens. */
export interface BoxRegionsOptions {
  /** Stop with LIMIT_EXCEEDED (partial result attached) after this many regions (default 1,000,000). */
  maxRegions?: number;
  /** Refuse boxes with more free inputs than this (default 8): the count grows like (units)^d. */
  maxDims?: number;
  /** List every region (pattern, interior point, radius) in the result (default true). */
  listRegions?: boolean;
  /** Seed for the fallback starting points when the box centre lies on a boundary (default 0). */
  seed?: number;
}

/** The box lens's options, each default stated once. */
export const BOX_REGIONS_OPTIONS: LensOptions<BoxRegionsOptions> = {
  maxRegions: { default: 1_000_000, description: "stop with LIMIT_EXCEEDED (partial result attached) after this many regions" },
  maxDims: { default: 8, description: "refuse boxes with more free inputs than this: the count grows like units^d" },
  listRegions: { default: true, description: "list every region (pattern, interior point, radius) in the result" },
  seed: { default: 0, description: "seed for the fallback starting points when the box centre lies on a boundary" },
};

/** One region of the box. */
export interface BoxRegion {
  /** Activation pattern: one base-36 character per unit (piece index; max pool: window cell), unit layers in order. */
  pattern: string;
  /** An interior point (the Chebyshev centre), in input coordinates. */
  point: number[];
  /** Chebyshev radius in box coordinates scaled to [-1,1] per free input. */
  radius: number;
  /** Number of unit-boundary facets. */
  facets: number;
}

/** Result of the exact box lens (schema netsize.regions.box/1). */
export interface BoxRegionsResult extends LensResultBase {
  schema: "netsize.regions.box/1";
  /** Number of full-dimensional linear regions (activation patterns) of the box. */
  count: number;
  /** False when the traversal stopped at maxRegions (then count is a lower bound). */
  complete: boolean;
  box: { lower: number[]; upper: number[]; source?: string };
  /** Indices of the inputs that vary in the box (lower < upper); the others are fixed. */
  freeInputs: number[];
  /** Units per unit layer, in pattern order. */
  unitLayers: { layer: number; name: string; units: number }[];
  /** Units whose boundary is a facet of at least one region: the units that actually cut the box. */
  unitsCutting: number;
  /** Sum of unit-boundary facets over regions (each shared facet counted from both sides). */
  facets: number;
  /** Patterns met while stepping across facets whose region was thinner than TOLERANCE.regionRadius (not counted). */
  slivers: number;
  /** Facets where no step small enough reached a region containing the facet's centre (0 unless near-degenerate). */
  crossingsFailed: number;
  /** Regions whose centre's recomputed pattern disagreed (0 unless float64 rounding bites; reported, not hidden). */
  unconfirmed: number;
  lpSolves: number;
  patternEncoding: string;
  regions?: BoxRegion[];
}

const DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz";

/** The pattern key of a trace: one base-36 character per unit, unit layers in order. */
function patternKey(patterns: LayerPatterns, unitLayers: number[]): string {
  let s = "";
  for (const li of unitLayers) { const p = patterns[li]!; for (let i = 0; i < p.length; i++) s += DIGITS[p[i]!]; }
  return s;
}

/** The per-layer patterns of a key (inverse of patternKey). */
function keyPatterns(key: string, net: Network, unitLayers: number[]): LayerPatterns {
  const out: (Uint8Array | undefined)[] = net.layers.map(() => undefined);
  let o = 0;
  for (const li of unitLayers) {
    const n = sizeOf(net.layers[li]!.shape), p = new Uint8Array(n);
    for (let i = 0; i < n; i++) p[i] = DIGITS.indexOf(key[o + i]!);
    o += n;
    out[li] = p;
  }
  return out;
}

/** Every full-dimensional linear region of a piecewise-linear network on a low-dimensional box. */
export async function boxRegions(net: Network, box: Box, options: BoxRegionsOptions = {}, ctx: LensContext = {}): Promise<BoxRegionsResult> {
  const t0 = performance.now();
  const maxRegions = options.maxRegions ?? BOX_REGIONS_OPTIONS.maxRegions.default!, maxDims = options.maxDims ?? BOX_REGIONS_OPTIONS.maxDims.default!;
  const listRegions = options.listRegions ?? BOX_REGIONS_OPTIONS.listRegions.default!, seed = options.seed ?? BOX_REGIONS_OPTIONS.seed.default!;
  if (!isPiecewiseLinear(net)) fail("NOT_PIECEWISE_LINEAR", "exact box regions need a piecewise-linear network (ReLU, leaky ReLU, abs, hard tanh, max pool); use --sample for sampled patterns");
  if (!(Number.isInteger(maxRegions) && maxRegions >= 1)) fail("BAD_ARGUMENT", `maxRegions must be a positive integer, got ${maxRegions}`);
  checkBoxFits(box, inputSize(net));
  const free: number[] = [];
  for (let i = 0; i < box.lower.length; i++) if (box.upper[i]! > box.lower[i]!) free.push(i);
  if (free.length > maxDims) {
    fail("BAD_ARGUMENT", `the box has ${free.length} free inputs; exact box regions are for low dimension (at most ${maxDims}, option maxDims / --max-dims) — use --sample in high dimension, --plane for a 2-D slice, or fix inputs with lo=hi`);
  }
  const d = free.length;
  const offset = new Float64Array(box.lower.length);
  // Centre and half-widths without overflow (a box of ±1e308 has centre 0 and half-width 1e308).
  const half = (i: number): number => { const w = box.upper[i]! - box.lower[i]!; return Number.isFinite(w) ? w / 2 : box.upper[i]! / 2 - box.lower[i]! / 2; };
  for (let i = 0; i < offset.length; i++) { const s = box.lower[i]! + box.upper[i]!; offset[i] = Number.isFinite(s) ? s / 2 : box.lower[i]! / 2 + box.upper[i]! / 2; }
  const input: InputMap = {
    offset,
    basis: free.map((i) => { const b = new Float64Array(offset.length); b[i] = half(i); return b; }),
  };
  const unitLayers = unitLayerIndices(net);
  const solver = await loadLpSolver();
  const solves = { count: 0 };
  const regions: BoxRegion[] = [];
  const cutting = new Set<string>();
  let facetsTotal = 0, slivers = 0, unconfirmed = 0, crossingsFailed = 0;

  const patternAt = (u: ArrayLike<number>): LayerPatterns => forwardTrace(net, inputAt(input, u)).patterns;
  const seen = new Set<string>();
  const queue: { key: string }[] = [];

  // Start at the centre; if that is on a boundary (a thin "region"), try seeded random points.
  const rng = createRng(seed);
  const startKeys: string[] = [];
  for (let attempt = 0; attempt < 50 && startKeys.length === 0; attempt++) {
    const u = attempt === 0 ? new Float64Array(d) : Float64Array.from({ length: d }, () => 2 * rng.next() - 1);
    const patterns = patternAt(u), key = patternKey(patterns, unitLayers);
    if (d === 0) { startKeys.push(key); break; }
    const lp = new RegionLp(solver, regionRows(net, patterns, affineMaps(net, patterns, input), input), solves);
    try { if (lp.chebyshev().radius > TOLERANCE.regionRadius) startKeys.push(key); } finally { lp.dispose(); }
  }
  if (startKeys.length === 0) fail("SOLVER_ERROR", "found no full-dimensional region at 50 points of the box; is the box degenerate?");
  seen.add(startKeys[0]!);
  queue.push({ key: startKeys[0]! });

  const tolerance = { regionRadius: TOLERANCE.regionRadius, lpFeasibility: TOLERANCE.lpFeasibility, zeroRowRel: TOLERANCE.zeroRowRel };
  const result = (complete: boolean): BoxRegionsResult => ({
    schema: "netsize.regions.box/1",
    options: { maxRegions, maxDims, listRegions, seed },
    tolerance,
    timings: { total: since(t0) },
    seed,
    count: regions.length,
    complete,
    box: { lower: Array.from(box.lower), upper: Array.from(box.upper), ...(box.source ? { source: box.source } : {}) },
    freeInputs: free,
    unitLayers: unitLayers.map((li) => ({ layer: li, name: net.layers[li]!.name, units: sizeOf(net.layers[li]!.shape) })),
    unitsCutting: cutting.size,
    facets: facetsTotal,
    slivers,
    crossingsFailed,
    unconfirmed,
    lpSolves: solves.count,
    patternEncoding: "one base-36 character per unit (its piece index: ReLU 1 = active; max pool: winning window cell), unit layers in order",
    ...(listRegions ? { regions } : {}),
  });

  let lastYield = performance.now();
  for (let head = 0; head < queue.length; head++) {
    checkAborted(ctx);
    if (performance.now() - lastYield > 50) {
      ctx.onProgress?.({ done: regions.length, total: queue.length, stage: "regions" });
      await yieldToEventLoop();
      lastYield = performance.now();
    }
    const { key } = queue[head]!;
    const patterns = keyPatterns(key, net, unitLayers);
    if (d === 0) { regions.push({ pattern: key, point: Array.from(offset), radius: 0, facets: 0 }); continue; }
    const rows = regionRows(net, patterns, affineMaps(net, patterns, input), input);
    const lp = new RegionLp(solver, rows, solves);
    try {
      const cheb = lp.chebyshev();
      if (!(cheb.radius > TOLERANCE.regionRadius)) { slivers++; continue; }
      if (regions.length >= maxRegions) {
        // The partial result without the region list, so error reports stay small.
        const { regions: _omit, ...partial } = result(false);
        void _omit;
        throw new NetsizeError("LIMIT_EXCEEDED", `the box has more than ${maxRegions} regions (stopped after ${regions.length}); raise maxRegions (--max-regions) or shrink the box`, {}, partial);
      }
      const centreX = inputAt(input, cheb.centre);
      if (patternKey(forwardTrace(net, centreX).patterns, unitLayers) !== key) unconfirmed++;
      const facets = lp.facets(lp.boundingBox());
      facetsTotal += facets.length;
      regions.push({ pattern: key, point: Array.from(centreX), radius: cheb.radius, facets: facets.length });
      for (const f of facets) {
        for (const r of [f.row, ...f.duplicates]) cutting.add(`${rows.unitLayer[r]}:${rows.unit[r]}`);
        const next = crossFacet(net, input, rows, f, unitLayers);
        if (next === undefined) { crossingsFailed++; continue; }
        if (!seen.has(next)) { seen.add(next); queue.push({ key: next }); }
      }
    } finally {
      lp.dispose();
    }
  }
  ctx.onProgress?.({ done: regions.length, total: regions.length, stage: "regions" });
  return result(true);
}

/**
 * The pattern just across a facet: step from the facet's centre along the outward normal by δ, and
 * accept the pattern found there only if the facet centre lies in that region's closure (otherwise a
 * boundary of the neighbour passes between them: shrink δ).
 */
function crossFacet(net: Network, input: InputMap, rows: RegionRows, f: { row: number; centre: Float64Array; radius: number }, unitLayers: number[]): string | undefined {
  const d = rows.d, normal = rows.coef.subarray(f.row * d, (f.row + 1) * d);
  const centreX = inputAt(input, f.centre);
  for (let delta = Math.min(f.radius / 4, 1e-4); delta > 1e-13; delta /= 4) {
    const u = Float64Array.from(f.centre, (c, k) => c - delta * normal[k]!);
    const patterns = forwardTrace(net, inputAt(input, u)).patterns;
    if (patternHoldsAt(net, patterns, centreX, 1e-9)) return patternKey(patterns, unitLayers);
  }
  return undefined;
}
