/**
 * The shallow lens: the exact shallow form of a piecewise-linear network on a low-dimensional box —
 * the lattice form max_r min_{j∈S_r} ℓ_j and the maximum of one-hidden-layer ReLU networks (see
 * lattice.ts for the construction and its proof) — checked against the network on ≥ 10⁵ points of the
 * box and on every region's interior point, with An et al.'s layer-by-layer counts beside it.
 */
import { Box } from "../../core/domain.js";
import { fail } from "../../core/errors.js";
import { forward, forwardBatchReference } from "../../core/engine/reference.js";
import { LensContext, LensOptions, LensResultBase, checkAborted, since } from "../../core/lens.js";
import { loadLpSolver } from "../../core/lp/highs.js";
import { Network, inputSize, isPiecewiseLinear, outputSize } from "../../core/network.js";
import { createRng } from "../../core/random.js";
import { summarize } from "../../core/summary.js";
import { TOLERANCE } from "../../core/tolerance.js";
import { boxRegions } from "../regions/index.js";
import { LatticeTerm, latticeSets, latticeValue, targetForm } from "./lattice.js";
import { PieceX, combinedSize, maxOfTerms, shallowNetwork, termNetwork } from "./networks.js";
import { BoxPieces, ShallowTarget, boxPieces, pieceInX } from "./pieces.js";
import { lpMin, vertexMin } from "./polytope.js";
import { AnReport, anCounts, firstLayer, twoLayerMlp, twoLayerTerms, twoLayerValue } from "./symbolic.js";

/** Options of the shallow lens. */
export interface ShallowOptions {
  /** What to represent: each output, or each output minus the reference output (logit differences). */
  target?: ShallowTarget;
  /** The reference output of target "differences". */
  reference?: number;
  /** Random points of the box for the equality check (besides every region's interior point). */
  points?: number;
  /** Seed of the check points. */
  seed?: number;
  /** Stop (LIMIT_EXCEEDED) when the box has more regions than this. */
  maxRegions?: number;
  /** Evaluate An et al.'s explicit two-hidden-layer form only up to this many shallow networks per target. */
  anMaxTerms?: number;
  /** Check points for the explicit An form (it costs shallow-networks × units per point). */
  anPoints?: number;
  /** Build the combined network (one max-pool over all terms) only up to this many weights in its second layer. */
  combinedMaxWeights?: number;
}

/** The shallow lens's options, each default stated once. */
export const SHALLOW_OPTIONS: LensOptions<ShallowOptions> = {
  target: { default: "outputs", description: "what the shallow form represents: 'outputs' (each output) or 'differences' (each output minus the reference output, the logit differences)" },
  reference: { default: 0, description: "the reference output of --target differences" },
  points: { default: 100_000, description: "random points of the box for the equality check, besides every region's interior point" },
  seed: { default: 0, description: "seed of the random check points" },
  maxRegions: { default: 20_000, description: "stop with LIMIT_EXCEEDED when the box has more linear regions than this (each region is one candidate term)" },
  anMaxTerms: { default: 4096, description: "evaluate An et al.'s explicit two-hidden-layer max-min form only up to this many shallow networks per target" },
  anPoints: { default: 2000, description: "check points for the explicit An et al. form (each costs shallow networks × first-layer units)" },
  combinedMaxWeights: { default: 4_000_000, description: "build the combined shallow network (all terms, one max pool) only up to this many weights in its second layer" },
};

/** One target function's shallow form and its check. */
export interface ShallowTargetReport {
  name: string;
  pieces: number;
  latticeTerms: number;
  shallowTerms: number;
  hiddenUnits: number;
  differenceUnits: number;
  maxSet: number;
  maxAbsDiff: number;
  maxAbsDiffLattice: number;
}

/** Result of the shallow lens (schema netsize.shallow/1). */
export interface ShallowResult extends LensResultBase {
  schema: "netsize.shallow/1";
  box: { lower: number[]; upper: number[]; source?: string };
  freeInputs: number[];
  original: { params: number; hiddenUnits: number; widths: number[] };
  regions: number;
  targets: ShallowTargetReport[];
  totals: { latticeTerms: number; shallowTerms: number; hiddenUnits: number };
  check: {
    randomPoints: number;
    regionPoints: number;
    /** max |f − max of shallow terms| over all points and targets (term networks read by the fast evaluator). */
    maxAbsDiff: number;
    maxAbsDiffLattice: number;
    /** max |netsize forward() of the term networks − the fast evaluator| at the region points. */
    maxAbsDiffForward: number;
    /** max |f − combined network| at the region points and the first 1,000 random points, when it was built. */
    maxAbsDiffCombined: number | null;
    passed: boolean;
  };
  an: AnReport;
  /** The form itself: per target its pieces (input space), shallow terms and lattice sets. */
  form: { pieces: PieceX[][]; terms: LatticeTerm[][]; lattice: number[][][] };
  lpSolves: number;
}

/** The per-target term networks of a result (what `netsize shallow -o DIR` writes). */
export function shallowTermNetworks(r: ShallowResult): Network[][] {
  return r.form.terms.map((ts, t) => ts.map((term, k) => termNetwork(r.form.pieces[t]!, term, { target: r.targets[t]!.name, term: k })));
}

/** The combined shallow network of a result, or undefined above its size limit. */
export function shallowFormNetwork(r: ShallowResult): Network | undefined {
  const forms = r.form.terms.map((terms, t) => ({ pieces: r.form.pieces[t]!, terms }));
  if (combinedSize(forms) > (r.options.combinedMaxWeights as number)) return undefined;
  return shallowNetwork(forms, r.options.combinedMaxWeights as number, { targets: r.targets.map((t) => t.name), box: r.box });
}

function targetValues(outputs: Float64Array, m: number, count: number, target: ShallowTarget, reference: number, t: number): Float64Array {
  const o = target === "outputs" ? t : t < reference ? t : t + 1;
  return Float64Array.from({ length: count }, (_, p) => outputs[p * m + o]! - (target === "differences" ? outputs[p * m + reference]! : 0));
}

/** The exact shallow form of `net` on `box`, checked. */
export async function shallowForm(net: Network, box: Box, options: ShallowOptions = {}, ctx: LensContext = {}): Promise<ShallowResult> {
  const t0 = performance.now();
  const O = SHALLOW_OPTIONS;
  const target = options.target ?? O.target.default!, reference = options.reference ?? O.reference.default!;
  const points = options.points ?? O.points.default!, seed = options.seed ?? O.seed.default!;
  const maxRegions = options.maxRegions ?? O.maxRegions.default!, anMaxTerms = options.anMaxTerms ?? O.anMaxTerms.default!;
  const anPoints = options.anPoints ?? O.anPoints.default!, combinedMaxWeights = options.combinedMaxWeights ?? O.combinedMaxWeights.default!;
  if (target !== "outputs" && target !== "differences") fail("BAD_ARGUMENT", `target must be 'outputs' or 'differences', got '${String(target)}'`);
  if (!(Number.isInteger(points) && points >= 0)) fail("BAD_ARGUMENT", `points must be a non-negative integer, got ${points}`);
  if (!isPiecewiseLinear(net)) fail("NOT_PIECEWISE_LINEAR", "the exact shallow form needs a piecewise-linear network (ReLU, leaky ReLU, abs, hard tanh, max pool)");
  const timings: Record<string, number> = {};
  let t = performance.now();
  const regions = await boxRegions(net, box, { maxRegions, listRegions: true, seed }, ctx);
  timings.regions = since(t);
  t = performance.now();
  const bp: BoxPieces = boxPieces(net, box, regions, target, reference);
  timings.pieces = since(t);
  checkAborted(ctx);
  t = performance.now();
  const d = bp.frame.free.length;
  const solver = d > 2 ? await loadLpSolver() : undefined;
  // Vertices are exact to float64 rounding; an LP optimum only to HiGHS's feasibility tolerance.
  const tol = bp.scale.map((s) => (d > 2 ? 1e-9 : 1e-12) * s);
  const { sets, solves } = latticeSets(bp, (r) => (solver ? lpMin(solver, bp.regions[r]!.rows) : vertexMin(bp.regions[r]!.rows)), tol);
  const forms = bp.targets.map((_, ti) => targetForm(bp.pieces[ti]!.length, bp.regions.map((reg) => reg.piece[ti]!), sets[ti]!));
  timings.sets = since(t);
  ctx.onProgress?.({ done: 0, total: 1, stage: "check" });

  // The check: random box points plus every region's interior point.
  t = performance.now();
  const n = inputSize(net), m = outputSize(net), rng = createRng(seed);
  const nr = bp.regions.length, count = points + nr;
  const X = new Float64Array(count * n);
  for (let p = 0; p < points; p++) {
    for (let i = 0; i < n; i++) X[p * n + i] = bp.frame.centre[i]!;
    bp.frame.free.forEach((i, k) => { X[p * n + i] = bp.frame.centre[i]! + (2 * rng.next() - 1) * bp.frame.half[k]!; });
  }
  bp.regions.forEach((reg, r) => X.set(reg.point, (points + r) * n));
  let outputs: Float64Array;
  if (ctx.engine) {
    const eng = await ctx.engine.create(net, { float: 64, withUnits: false });
    try { outputs = (await eng.run(X, count, { withUnits: false, ...(ctx.signal ? { signal: ctx.signal } : {}) })).outputs; } finally { await eng.dispose(); }
  } else outputs = forwardBatchReference(net, X, count, { withUnits: false }).outputs;
  const piecesX = bp.pieces.map((ps) => ps.map((p) => { const q = pieceInX(p, bp.frame); return { w: Array.from(q.w), b: q.b }; }));
  const U = new Float64Array(count * d);
  for (let p = 0; p < count; p++) bp.frame.free.forEach((i, k) => { U[p * d + k] = (X[p * n + i]! - bp.frame.centre[i]!) / bp.frame.half[k]!; });
  let maxAll = 0, maxLat = 0, maxFwd = 0;
  const reports: ShallowTargetReport[] = [];
  const fAll: Float64Array[] = [];
  for (let ti = 0; ti < bp.targets.length; ti++) {
    checkAborted(ctx);
    const f = targetValues(outputs, m, count, target, reference, ti);
    fAll.push(f);
    const fm = forms[ti]!;
    const nets = fm.shallow.map((term) => termNetwork(piecesX[ti]!, term));
    const g = maxOfTerms(nets, X, count, n);
    let md = 0, ml = 0;
    for (let p = 0; p < count; p++) {
      md = Math.max(md, Math.abs(f[p]! - g[p]!));
      ml = Math.max(ml, Math.abs(f[p]! - latticeValue(bp.pieces[ti]!, fm.lattice, U.subarray(p * d, (p + 1) * d))));
      if (!(Number.isFinite(f[p]!) && Number.isFinite(g[p]!))) fail("DOMAIN_MISMATCH", `a non-finite value at check point ${p} (target ${bp.targets[ti]})`);
    }
    // netsize's own forward pass of every term network at every region point.
    for (let r = 0; r < nr; r++) {
      const x = X.subarray((points + r) * n, (points + r + 1) * n);
      let best = -Infinity;
      for (const tn of nets) best = Math.max(best, forward(tn, x)[0]!);
      maxFwd = Math.max(maxFwd, Math.abs(best - g[points + r]!));
    }
    maxAll = Math.max(maxAll, md); maxLat = Math.max(maxLat, ml);
    reports.push({
      name: bp.targets[ti]!, pieces: fm.pieces, latticeTerms: fm.lattice.length, shallowTerms: fm.shallow.length,
      hiddenUnits: fm.hiddenUnits, differenceUnits: fm.differenceUnits, maxSet: fm.maxSet, maxAbsDiff: md, maxAbsDiffLattice: ml,
    });
  }
  let maxComb: number | null = null;
  const formData = { pieces: piecesX, terms: forms.map((f) => f.shallow), lattice: forms.map((f) => f.lattice) };
  const comb = forms.map((f, ti) => ({ pieces: piecesX[ti]!, terms: f.shallow }));
  if (combinedSize(comb) <= combinedMaxWeights) {
    const cn = shallowNetwork(comb, combinedMaxWeights);
    const idx = [...Array(Math.min(points, 1000)).keys(), ...Array.from({ length: nr }, (_, r) => points + r)];
    const Xs = new Float64Array(idx.length * n);
    idx.forEach((p, k) => Xs.set(X.subarray(p * n, (p + 1) * n), k * n));
    const out = forwardBatchReference(cn, Xs, idx.length, { withUnits: false }).outputs;
    maxComb = 0;
    idx.forEach((p, k) => fAll.forEach((f, ti) => { maxComb = Math.max(maxComb!, Math.abs(f[p]! - out[k * fAll.length + ti]!)); }));
  }
  timings.check = since(t);

  t = performance.now();
  const an = anCounts(net, bp.regions.map((r) => r.pattern));
  const two = twoLayerMlp(net);
  if (two) {
    const per = bp.targets.map((_, ti) => {
      const o = target === "outputs" ? ti : ti < reference ? ti : ti + 1;
      const v = Float64Array.from({ length: two.l3.inSize }, (_, k) => two.l3.weight[o * two.l3.inSize + k]! - (target === "differences" ? two.l3.weight[reference * two.l3.inSize + k]! : 0));
      const c = two.l3.bias[o]! - (target === "differences" ? two.l3.bias[reference]! : 0);
      return { v, c };
    });
    const counts = per.map(({ v }) => {
      const P = v.filter((x) => x > 0).length, N = v.filter((x) => x < 0).length;
      return { positive: P, negative: N, maxTerms: 2 ** P, minTerms: 2 ** N, shallowNets: 2 ** (P + N) };
    });
    const evaluated = counts.every((c) => c.shallowNets <= anMaxTerms);
    an.twoLayer = { perTarget: counts, evaluated };
    if (evaluated) {
      const idx = [...Array(Math.min(points, anPoints)).keys(), ...Array.from({ length: nr }, (_, r) => points + r)];
      let md = 0;
      per.forEach(({ v, c }, ti) => {
        const terms = twoLayerTerms(two.l2, v, c);
        for (const p of idx) md = Math.max(md, Math.abs(fAll[ti]![p]! - twoLayerValue(terms, firstLayer(two.l1, X.subarray(p * n, (p + 1) * n)))));
      });
      an.twoLayer.maxAbsDiff = md;
      an.twoLayer.points = idx.length;
    }
  }
  timings.an = since(t);
  const s = summarize(net);
  const ok = (v: number | null | undefined): boolean => v === null || v === undefined || v <= TOLERANCE.equivalence;
  return {
    schema: "netsize.shallow/1",
    options: { target, reference, points, seed, maxRegions, anMaxTerms, anPoints, combinedMaxWeights },
    tolerance: { equivalence: TOLERANCE.equivalence, setSlackRel: d > 2 ? 1e-9 : 1e-12, regionRadius: TOLERANCE.regionRadius },
    timings: { total: since(t0), ...timings },
    seed,
    box: regions.box,
    freeInputs: bp.frame.free,
    original: { params: s.params, hiddenUnits: s.units, widths: an.widths },
    regions: nr,
    targets: reports,
    totals: {
      latticeTerms: reports.reduce((a, r) => a + r.latticeTerms, 0),
      shallowTerms: reports.reduce((a, r) => a + r.shallowTerms, 0),
      hiddenUnits: reports.reduce((a, r) => a + r.hiddenUnits, 0),
    },
    check: {
      randomPoints: points, regionPoints: nr, maxAbsDiff: maxAll, maxAbsDiffLattice: maxLat, maxAbsDiffForward: maxFwd, maxAbsDiffCombined: maxComb,
      passed: ok(maxAll) && ok(maxLat) && ok(maxFwd) && ok(maxComb) && ok(an.twoLayer?.maxAbsDiff),
    },
    an,
    form: formData,
    lpSolves: regions.lpSolves + solves,
  };
}
